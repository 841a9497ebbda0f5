/** What went wrong in the schema tooling; callers switch over it to decide the exit path. */
export enum SchemaToolErrorCode {
  /** schemas/topics.yaml is unreadable or breaks a catalog rule. */
  CatalogInvalid = 'CATALOG_INVALID',
  /** An .avsc file is not valid JSON or not a valid Avro schema. */
  SchemaInvalid = 'SCHEMA_INVALID',
  /** A valid Avro construct the TypeScript generator does not map (e.g. a union of two non-null types). */
  SchemaUnsupported = 'SCHEMA_UNSUPPORTED',
  /** The schema registry does not answer. */
  RegistryUnavailable = 'REGISTRY_UNAVAILABLE',
  /** The schema registry answered with an error. */
  RegistryRequestFailed = 'REGISTRY_REQUEST_FAILED',
  /** An environment variable of the tools has an unusable value. */
  ConfigurationInvalid = 'CONFIGURATION_INVALID',
  /** A git command needed for the history of a schema failed. */
  GitFailed = 'GIT_FAILED',
}

/**
 * The one error type of tools/schemas. `problems` holds one line per finding, so a CLI can print them
 * all instead of stopping at the first.
 */
export class SchemaToolException extends Error {
  readonly problems: readonly string[];
  /** HTTP status for registry errors. */
  readonly status: number | undefined;

  constructor(
    readonly code: SchemaToolErrorCode,
    problems: string | readonly string[],
    options?: { cause?: unknown; status?: number },
  ) {
    const lines = typeof problems === 'string' ? [problems] : problems;
    super(lines.join('\n'), options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SchemaToolException';
    this.problems = lines;
    this.status = options?.status;
  }
}
