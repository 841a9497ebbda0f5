import { availableQuantity } from '@tradewind/inventory-domain';
import type { EntityManager } from 'typeorm';

/** One SKU in one warehouse, as the ledger holds it. */
export interface StockLevelRecord {
  sku: string;
  warehouseId: string;
  onHand: number;
  reserved: number;
  safetyStock: number;
  /** Consumed by shipments, not yet counted out by the WMS: still in on hand, not available (0025). */
  shippedUncounted: number;
  /** on hand − reserved − shipped uncounted − safety stock, never below zero. */
  available: number;
  /** The last stock event applied (event time, then id): newer ones only move on hand. */
  lastEventTime: Date | null;
  lastEventSequence: number | null;
  lastEventId: string | null;
  /** Stock events older than the one applied: recorded in stock_events, counted here, never applied. */
  staleEvents: number;
  /** Increases with every change of the row: inventory.availability's `sequence`. */
  version: number;
}

export interface LevelRow {
  sku: string;
  warehouse_id: string;
  on_hand: string;
  reserved: string;
  safety_stock: string;
  shipped_uncounted: string;
  last_event_time: Date | null;
  last_event_seq: string | null;
  last_event_id: string | null;
  stale_events: string;
  version: string;
}

export const LEVEL_COLUMNS =
  'sku, warehouse_id, on_hand, reserved, safety_stock, shipped_uncounted, last_event_time, last_event_seq, last_event_id, stale_events, version';

export function toLevel(row: LevelRow): StockLevelRecord {
  const onHand = Number(row.on_hand);
  const reserved = Number(row.reserved);
  const safetyStock = Number(row.safety_stock);
  const shippedUncounted = Number(row.shipped_uncounted);
  return {
    sku: row.sku,
    warehouseId: row.warehouse_id,
    onHand,
    reserved,
    safetyStock,
    shippedUncounted,
    available: availableQuantity({ onHand, reserved, safetyStock, shippedUncounted }),
    lastEventTime: row.last_event_time,
    lastEventSequence: row.last_event_seq === null ? null : Number(row.last_event_seq),
    lastEventId: row.last_event_id,
    staleEvents: Number(row.stale_events),
    version: Number(row.version),
  };
}

/**
 * Rows of an `UPDATE … RETURNING`: typeorm's postgres driver answers UPDATE and DELETE with
 * `[rows, affectedCount]` where INSERT and SELECT give the rows alone.
 */
export async function updateReturning<T>(
  manager: EntityManager,
  sql: string,
  parameters: unknown[],
): Promise<T[]> {
  const result = await manager.query<[T[], number]>(sql, parameters);
  return result[0];
}
