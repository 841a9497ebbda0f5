// What inventory-sync's consumers tell the runner: a record the store can never apply (a malformed
// request, a release reason this build does not know, a negative count) is a business failure for
// ops.exceptions at once; PostgreSQL or Odoo (read-only key) being down holds the records; anything else is
// technical (retried, then dead-lettered).
import { InventoryDomainException } from '@tradewind/inventory-domain';
import { InventoryStoreErrorCode, InventoryStoreException } from '@tradewind/inventory-store';
import {
  BusinessRuleError,
  DependencyUnavailableError,
  errorMessage,
  unavailableDependency,
} from '@tradewind/messaging';
import { odooIsDown } from '@tradewind/odoo-client';

export enum InventorySyncErrorCode {
  /** A stock document from a party that does not own its domain (the catalog's system of record). */
  NotSystemOfRecord = 'NOT_SYSTEM_OF_RECORD',
  /** A stock document without inline bytes (claim checks are not read yet). */
  PayloadMissing = 'PAYLOAD_MISSING',
  /** A stock document the parser refuses (the gateway lets only sound ones through). */
  UnreadableDocument = 'UNREADABLE_DOCUMENT',
}

export class InventorySyncException extends Error {
  override readonly name = 'InventorySyncException';

  constructor(
    readonly code: InventorySyncErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function toRunnerError(error: unknown): unknown {
  if (error instanceof DependencyUnavailableError) return error;
  if (error instanceof InventorySyncException) {
    switch (error.code) {
      case InventorySyncErrorCode.NotSystemOfRecord:
      case InventorySyncErrorCode.PayloadMissing:
      case InventorySyncErrorCode.UnreadableDocument:
        return new BusinessRuleError(error.code, error.message, [], { cause: error });
    }
  }
  if (error instanceof InventoryStoreException) {
    switch (error.code) {
      case InventoryStoreErrorCode.InvalidRequest:
      case InventoryStoreErrorCode.UnknownReleaseReason:
      case InventoryStoreErrorCode.InvalidStockEvent:
        return new BusinessRuleError(error.code, error.message, [], { cause: error });
    }
  }
  if (error instanceof InventoryDomainException) {
    return new BusinessRuleError(error.code, error.message, [], { cause: error });
  }
  if (odooIsDown(error)) return new DependencyUnavailableError('odoo', errorMessage(error), { cause: error });
  if (unavailableDependency(error) !== undefined) {
    return new DependencyUnavailableError('database', errorMessage(error), { cause: error });
  }
  return error;
}
