export enum ConfigErrorCode {
  /** One or more variables are missing or malformed; `lines` names each of them. */
  InvalidEnvironment = 'CONFIG_INVALID_ENVIRONMENT',
  /** The spec itself is wrong (a programming error): duplicate or badly named variable, no description. */
  InvalidSpec = 'CONFIG_INVALID_SPEC',
}

export class ConfigException extends Error {
  override readonly name = 'ConfigException';

  /**
   * @param lines one self-contained line per problem, e.g. `SERVICE_PORT: "abc" is not a port number`;
   *   safe to print (sensitive values are never echoed).
   */
  constructor(
    readonly code: ConfigErrorCode,
    readonly lines: readonly string[],
    options?: ErrorOptions,
  ) {
    super(ConfigException.summary(code, lines), options);
  }

  private static summary(code: ConfigErrorCode, lines: readonly string[]): string {
    switch (code) {
      case ConfigErrorCode.InvalidEnvironment:
        return `invalid configuration (${lines.length} variable${lines.length === 1 ? '' : 's'}):\n  ${lines.join('\n  ')}`;
      case ConfigErrorCode.InvalidSpec:
        return `invalid configuration spec:\n  ${lines.join('\n  ')}`;
    }
  }
}
