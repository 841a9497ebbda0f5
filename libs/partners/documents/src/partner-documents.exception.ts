// Thrown only for programming errors (a caller passing impossible arguments, a builder producing
// output its own parser rejects). Problems in partner documents are returned as data, never thrown.

export enum PartnerDocumentsErrorCode {
  UnsupportedFormat = 'UNSUPPORTED_FORMAT',
  InvalidArgument = 'INVALID_ARGUMENT',
  GeneratorFailed = 'GENERATOR_FAILED',
}

export class PartnerDocumentsException extends Error {
  override readonly name = 'PartnerDocumentsException';

  constructor(
    readonly code: PartnerDocumentsErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
