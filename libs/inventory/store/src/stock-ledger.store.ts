// The stock ledger: on hand per SKU and warehouse from the owner of stock truth, applied newest-first.
import type { StockEvent } from '@tradewind/contracts';
import { judgeStockEvent, type StockEventVerdict } from '@tradewind/inventory-domain';
import type { EntityManager } from 'typeorm';

import { InventoryStoreErrorCode, InventoryStoreException } from './inventory-store.exception';
import { LEVEL_COLUMNS, type LevelRow, type StockLevelRecord, toLevel, updateReturning } from './stock-level';

export interface StockEventResult {
  verdict: StockEventVerdict;
  /** The row after the event (unchanged for stale and duplicate, but for the stale counter). */
  level: StockLevelRecord;
}

export class StockLedgerStore {
  /**
   * Applies one stock event in the caller's transaction. A duplicate (same source and event id) changes
   * nothing; an event older than the last applied is recorded and counted, never applied. An applied
   * count ends the shipped-but-uncounted units of consumptions at or before its event time (0025). The
   * row lock serializes events and reservations of the SKU and warehouse.
   */
  async apply(manager: EntityManager, event: StockEvent, now = new Date()): Promise<StockEventResult> {
    if (
      !Number.isSafeInteger(event.onHand) ||
      event.onHand < 0 ||
      event.sku === '' ||
      event.warehouseId === ''
    ) {
      throw new InventoryStoreException(
        InventoryStoreErrorCode.InvalidStockEvent,
        `stock event ${event.eventId}: on hand must be a whole number ≥ 0 with a SKU and warehouse`,
      );
    }
    const before = await this.lock(manager, event.sku, event.warehouseId);
    const seen = await manager.query<unknown[]>(
      'SELECT 1 FROM stock_events WHERE source = $1 AND event_id = $2',
      [event.sourcePartnerId, event.eventId],
    );
    const verdict = judgeStockEvent(
      event,
      before.lastEventTime === null || before.lastEventId === null
        ? undefined
        : {
            eventTime: before.lastEventTime.getTime(),
            sequence: before.lastEventSequence,
            eventId: before.lastEventId,
          },
      seen.length > 0,
    );
    if (verdict === 'duplicate') return { verdict, level: before };
    await manager.query(
      `INSERT INTO stock_events (event_id, sku, warehouse_id, on_hand, event_time, sequence, verdict, source, received_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        event.eventId,
        event.sku,
        event.warehouseId,
        event.onHand,
        new Date(event.eventTime),
        event.sequence,
        verdict,
        event.sourcePartnerId,
        now,
      ],
    );
    const [row] =
      verdict === 'applied'
        ? await updateReturning<LevelRow>(
            manager,
            // A count at or after a consumption includes its shipment: those units stop counting apart.
            `WITH counted AS (
               UPDATE stock_consumptions SET counted_at = $6
                WHERE sku = $1 AND warehouse_id = $2 AND counted_at IS NULL AND consumed_at <= $4
                RETURNING quantity)
             UPDATE stock_levels SET on_hand = $3, last_event_time = $4, last_event_id = $5, last_event_seq = $7,
                    shipped_uncounted = shipped_uncounted - (SELECT coalesce(sum(quantity), 0) FROM counted),
                    version = version + 1, updated_at = $6
              WHERE sku = $1 AND warehouse_id = $2 RETURNING ${LEVEL_COLUMNS}`,
            [
              event.sku,
              event.warehouseId,
              event.onHand,
              new Date(event.eventTime),
              event.eventId,
              now,
              event.sequence,
            ],
          )
        : await updateReturning<LevelRow>(
            manager,
            `UPDATE stock_levels SET stale_events = stale_events + 1
              WHERE sku = $1 AND warehouse_id = $2 RETURNING ${LEVEL_COLUMNS}`,
            [event.sku, event.warehouseId],
          );
    return { verdict, level: toLevel(row) };
  }

  /** Units kept out of availability for a SKU in a warehouse (configuration, not a WMS count). */
  async setSafetyStock(
    manager: EntityManager,
    sku: string,
    warehouseId: string,
    safetyStock: number,
    now = new Date(),
  ): Promise<StockLevelRecord> {
    await this.lock(manager, sku, warehouseId);
    const [row] = await updateReturning<LevelRow>(
      manager,
      `UPDATE stock_levels SET safety_stock = $3, version = version + 1, updated_at = $4
        WHERE sku = $1 AND warehouse_id = $2 RETURNING ${LEVEL_COLUMNS}`,
      [sku, warehouseId, safetyStock, now],
    );
    return toLevel(row);
  }

  async levelsOf(manager: EntityManager, sku: string): Promise<StockLevelRecord[]> {
    const rows = await manager.query<LevelRow[]>(
      `SELECT ${LEVEL_COLUMNS} FROM stock_levels WHERE sku = $1 ORDER BY warehouse_id`,
      [sku],
    );
    return rows.map(toLevel);
  }

  /** The row, created empty when the SKU is new in the warehouse, locked for the transaction. */
  private async lock(manager: EntityManager, sku: string, warehouseId: string): Promise<StockLevelRecord> {
    await manager.query(
      'INSERT INTO stock_levels (sku, warehouse_id) VALUES ($1, $2) ON CONFLICT (sku, warehouse_id) DO NOTHING',
      [sku, warehouseId],
    );
    const [row] = await manager.query<LevelRow[]>(
      `SELECT ${LEVEL_COLUMNS} FROM stock_levels WHERE sku = $1 AND warehouse_id = $2 FOR UPDATE`,
      [sku, warehouseId],
    );
    return toLevel(row);
  }
}
