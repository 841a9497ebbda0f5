import { BusinessRuleError } from '@tradewind/messaging';

export enum ShipmentsErrorCode {
  /** A record on ingress.documents the shipment readers refuse (the gateway would have). */
  UnreadableDocument = 'UNREADABLE_DOCUMENT',
  /** A ship notice without carrier or tracking number. */
  UnnamedShipment = 'UNNAMED_SHIPMENT',
  /** A ship notice naming a customer the catalog does not know. */
  UnknownCustomer = 'UNKNOWN_CUSTOMER',
  /** A ship notice item without our SKU in eaches. */
  UnmappableItem = 'UNMAPPABLE_ITEM',
  /** A document from a party that is not a system of record of what it writes. */
  NotSystemOfRecord = 'NOT_SYSTEM_OF_RECORD',
}

/** A shipment document the platform must not act on: a business exception, never a write. */
export class ShipmentsException extends Error {
  override readonly name = 'ShipmentsException';

  constructor(
    readonly code: ShipmentsErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Every ShipmentsException is a business refusal for the consumer runner (ops.exceptions, no retry). */
export function toRunnerError(error: unknown): unknown {
  return error instanceof ShipmentsException ? new BusinessRuleError(error.code, error.message) : error;
}
