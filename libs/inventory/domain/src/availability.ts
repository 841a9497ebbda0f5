import { assertQuantity } from './inventory-domain.exception';

/** One SKU in one warehouse, as the ledger holds it. */
export interface StockLevel {
  onHand: number;
  reserved: number;
  /** Units never promised to anyone (damage, miscounts): kept out of availability. */
  safetyStock: number;
}

/**
 * Availability = on hand − reserved − safety stock, never below zero: a recount under what is reserved
 * (on hand fell) leaves the reservations standing and shows nothing available until stock returns.
 */
export function availableQuantity(level: StockLevel): number {
  assertQuantity('onHand', level.onHand);
  assertQuantity('reserved', level.reserved);
  assertQuantity('safetyStock', level.safetyStock);
  return Math.max(0, level.onHand - level.reserved - level.safetyStock);
}
