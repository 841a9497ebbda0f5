export enum InventoryStoreErrorCode {
  /** A reservation request or release the store cannot apply as sent (no lines, a line twice, a bad quantity). */
  InvalidRequest = 'INVALID_REQUEST',
  /** A release reason added after this build: the units stay held rather than being guessed free. */
  UnknownReleaseReason = 'UNKNOWN_RELEASE_REASON',
  /** A stock event the ledger cannot take (negative on hand, no SKU or warehouse). */
  InvalidStockEvent = 'INVALID_STOCK_EVENT',
}

export class InventoryStoreException extends Error {
  override readonly name = 'InventoryStoreException';

  constructor(
    readonly code: InventoryStoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${code}: ${message}`, options);
  }
}
