import { assertQuantity } from './inventory-domain.exception';

/** One SKU in one warehouse, as the ledger holds it. */
export interface StockLevel {
  onHand: number;
  reserved: number;
  /** Units never promised to anyone (damage, miscounts): kept out of availability. */
  safetyStock: number;
  /**
   * Units that shipped (their reservation consumed) but that the WMS has not counted out yet: on hand
   * still holds them until a count at or after the shipment arrives (decision 0025). Default 0.
   */
  shippedUncounted?: number;
}

/**
 * Availability = on hand − reserved − shipped but not yet counted − safety stock, never below zero: a
 * recount under what is reserved (on hand fell) leaves the reservations standing and shows nothing
 * available until stock returns.
 */
export function availableQuantity(level: StockLevel): number {
  assertQuantity('onHand', level.onHand);
  assertQuantity('reserved', level.reserved);
  assertQuantity('safetyStock', level.safetyStock);
  const shipped = level.shippedUncounted ?? 0;
  assertQuantity('shippedUncounted', shipped);
  return Math.max(0, level.onHand - level.reserved - shipped - level.safetyStock);
}
