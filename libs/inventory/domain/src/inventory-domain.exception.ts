export enum InventoryDomainErrorCode {
  /** A quantity that is not a non-negative safe integer (or not positive where a request needs one). */
  InvalidQuantity = 'INVALID_QUANTITY',
}

export class InventoryDomainException extends Error {
  override readonly name = 'InventoryDomainException';

  constructor(
    readonly code: InventoryDomainErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Stock is counted in whole units of the canonical unit of measure. */
export function assertQuantity(what: string, value: number, { positive = false } = {}): void {
  if (!Number.isSafeInteger(value) || value < 0 || (positive && value === 0)) {
    throw new InventoryDomainException(
      InventoryDomainErrorCode.InvalidQuantity,
      `${what} must be a ${positive ? 'positive' : 'non-negative'} whole number of units, got ${value}`,
    );
  }
}
