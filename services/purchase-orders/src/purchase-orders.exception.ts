// What purchase-orders's consumer edge tells the runner: a supplier document it cannot place is a business
// exception at once; Odoo (read-only key) or PostgreSQL down holds the records; the rest is technical.
import {
  BusinessRuleError,
  DependencyUnavailableError,
  errorMessage,
  unavailableDependency,
} from '@tradewind/messaging';
import { odooIsDown } from '@tradewind/odoo-client';

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

/** What the consumer edge tells the runner: Odoo or PostgreSQL down holds the record; the rest as is. */
export function toRunnerError(error: unknown): unknown {
  if (error instanceof DependencyUnavailableError || error instanceof BusinessRuleError) return error;
  if (odooIsDown(error)) return new DependencyUnavailableError('odoo', errorMessage(error), { cause: error });
  if (unavailableDependency(error) !== undefined)
    return new DependencyUnavailableError('database', errorMessage(error), { cause: error });
  return error;
}
