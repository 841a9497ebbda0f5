/** Failures raised by the persistence library itself. */
export enum PersistenceErrorCode {
  InvalidSchemaName = 'INVALID_SCHEMA_NAME',
  InvalidOptions = 'INVALID_OPTIONS',
  UnsupportedValue = 'UNSUPPORTED_VALUE',
  InvalidMessage = 'INVALID_MESSAGE',
  NotInTransaction = 'NOT_IN_TRANSACTION',
  MigrationFailed = 'MIGRATION_FAILED',
  PublishFailed = 'PUBLISH_FAILED',
}

export class PersistenceException extends Error {
  constructor(
    readonly code: PersistenceErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${code}: ${message}`, options);
    this.name = 'PersistenceException';
  }
}
