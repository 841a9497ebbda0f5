// partner-delivery's errors: one class, a code per cause.
export enum PartnerDeliveryErrorCode {
  /** An endpoint's secret reference cannot be read: the endpoint is not started. */
  SecretUnavailable = 'SECRET_UNAVAILABLE',
  /** DELIVERY_LEASE is too short for an endpoint's timeout (a send could outlive its claim). */
  LeaseTooShort = 'LEASE_TOO_SHORT',
  /** An override names an endpoint the catalog does not have. */
  UnknownEndpoint = 'UNKNOWN_ENDPOINT',
}

export class PartnerDeliveryException extends Error {
  override readonly name = 'PartnerDeliveryException';

  constructor(
    readonly code: PartnerDeliveryErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
