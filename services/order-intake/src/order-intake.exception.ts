// order-intake's one exception class. Codes marked business never get better by retrying: the consumer
// turns them into a BusinessRuleError (ops.exceptions at once); Odoo or PostgreSQL being down becomes a
// DependencyUnavailableError (the records wait); the others are technical and retried.
import {
  type BusinessRuleDetail,
  BusinessRuleError,
  DependencyUnavailableError,
  errorMessage,
  unavailableDependency,
} from '@tradewind/messaging';
import { odooIsDown } from '@tradewind/odoo-client';

export enum OrderIntakeErrorCode {
  /** An ingress document of a type order-intake does not handle. */
  UnsupportedDocumentType = 'UNSUPPORTED_DOCUMENT_TYPE',
  /** A format order-intake cannot read (edifact, or an unknown value). */
  UnsupportedFormat = 'UNSUPPORTED_FORMAT',
  /** No inline payload (claim-check documents are not supported yet). */
  PayloadMissing = 'PAYLOAD_MISSING',
  /** The payload does not hold exactly one readable order (the gateway lets only sound ones through). */
  UnreadableDocument = 'UNREADABLE_DOCUMENT',
  /** The document names a partner the catalog does not know: nobody to acknowledge to. */
  UnknownPartner = 'UNKNOWN_PARTNER',
  /** Odoo could not be read for prices and no usable cached price exists. */
  PricesUnavailable = 'PRICES_UNAVAILABLE',
}

export function isBusinessCode(code: OrderIntakeErrorCode): boolean {
  switch (code) {
    case OrderIntakeErrorCode.UnsupportedDocumentType:
    case OrderIntakeErrorCode.UnsupportedFormat:
    case OrderIntakeErrorCode.PayloadMissing:
    case OrderIntakeErrorCode.UnreadableDocument:
    case OrderIntakeErrorCode.UnknownPartner:
      return true;
    case OrderIntakeErrorCode.PricesUnavailable:
      return false;
  }
}

export class OrderIntakeException extends Error {
  override readonly name = 'OrderIntakeException';

  constructor(
    readonly code: OrderIntakeErrorCode,
    message: string,
    readonly details: readonly BusinessRuleDetail[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  get business(): boolean {
    return isBusinessCode(this.code);
  }
}

/** The runner's form of a business failure: ops.exceptions at once, never retried. */
export function toBusinessRuleError(error: OrderIntakeException): BusinessRuleError {
  return new BusinessRuleError(error.code, error.message, [...error.details], { cause: error });
}

/**
 * What the consumer runner is told at order-intake's consumer edges: business failures go to
 * ops.exceptions, an unavailable Odoo (price lookup) or PostgreSQL holds the records without using up
 * their attempts, anything else is technical (retried, then dead-lettered).
 */
export function toRunnerError(error: unknown): unknown {
  if (error instanceof DependencyUnavailableError) return error;
  if (error instanceof OrderIntakeException) {
    switch (error.code) {
      case OrderIntakeErrorCode.UnsupportedDocumentType:
      case OrderIntakeErrorCode.UnsupportedFormat:
      case OrderIntakeErrorCode.PayloadMissing:
      case OrderIntakeErrorCode.UnreadableDocument:
      case OrderIntakeErrorCode.UnknownPartner:
        return toBusinessRuleError(error);
      case OrderIntakeErrorCode.PricesUnavailable:
        return odooIsDown(error.cause)
          ? new DependencyUnavailableError('odoo', error.message, { cause: error })
          : error;
    }
  }
  // Odoo's failures arrive as OdooError inside PricesUnavailable: a lost connection here is PostgreSQL's.
  if (unavailableDependency(error) !== undefined) {
    return new DependencyUnavailableError('database', errorMessage(error), { cause: error });
  }
  return error;
}
