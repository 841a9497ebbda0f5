// What purchase-orders's consumer edge tells the runner: a supplier document it cannot place is a business
// exception at once; Odoo (read-only key) or PostgreSQL down holds the records; the rest is technical.
import {
  BusinessRuleError,
  DependencyUnavailableError,
  errorMessage,
  unavailableDependency,
} from '@tradewind/messaging';
import { OdooError, OdooErrorCode } from '@tradewind/odoo-client';

export enum PurchaseOrdersErrorCode {
  /** A supplier document the gateway accepted but this service cannot read (a replay of another version). */
  UnreadableDocument = 'UNREADABLE_SUPPLIER_DOCUMENT',
  /** A purchase-order event from a partner that is not Odoo (internal). */
  NotSystemOfRecord = 'NOT_SYSTEM_OF_RECORD',
  /** An acknowledgement or 997 for an order or interchange we never sent. */
  UnknownOrder = 'UNKNOWN_PURCHASE_ORDER',
}

/** A business-rule refusal of a record: ops.exceptions at once, never retried. */
export class PurchaseOrdersException extends BusinessRuleError {
  constructor(
    override readonly code: PurchaseOrdersErrorCode,
    message: string,
  ) {
    super(code, message);
  }
}

/** Whether an Odoo read failed because Odoo is down or refuses the key (every order alike): records wait. */
export function odooIsDown(error: unknown): boolean {
  let current = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    if (current instanceof OdooError) {
      switch (current.code) {
        case OdooErrorCode.UNAVAILABLE:
        case OdooErrorCode.TIMEOUT:
        case OdooErrorCode.TRANSPORT:
        case OdooErrorCode.RATE_LIMITED:
        case OdooErrorCode.CONCURRENCY:
        case OdooErrorCode.PROTOCOL:
        case OdooErrorCode.AUTHENTICATION:
        case OdooErrorCode.ACCESS_DENIED:
          return true;
        case OdooErrorCode.SERVER_ERROR:
        case OdooErrorCode.VALIDATION:
        case OdooErrorCode.MISSING_RECORD:
        case OdooErrorCode.INVALID_REQUEST:
          return false;
      }
    }
    current = current.cause;
  }
  return false;
}

/** What the consumer edge tells the runner: Odoo or PostgreSQL down holds the record; the rest as is. */
export function toRunnerError(error: unknown): unknown {
  if (error instanceof DependencyUnavailableError || error instanceof BusinessRuleError) return error;
  if (odooIsDown(error)) return new DependencyUnavailableError('odoo', errorMessage(error), { cause: error });
  if (unavailableDependency(error) !== undefined)
    return new DependencyUnavailableError('database', errorMessage(error), { cause: error });
  return error;
}
