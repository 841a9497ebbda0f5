// The ledger's side of the reconciliation with Odoo (decision 0021): what the ledger holds per SKU and
// warehouse with who counted it, the SKUs it changed since the last run, the poll cursor, and which drifts
// are new (a drift that stays is reported once; a pair that agrees again is forgotten).
import type { LedgerStock, StockDrift } from '@tradewind/inventory-domain';
import type { EntityManager } from 'typeorm';

interface LedgerRow {
  sku: string;
  warehouse_id: string;
  on_hand: string;
  version: string;
  changed_at: Date;
  counted_by: string | null;
}

export interface LedgerStockRecord extends LedgerStock {
  /** The row's version (every change raises it): part of a correction's deterministic command id. */
  version: number;
}

export interface ReconciliationCursor {
  /** The latest quant write_date seen, `YYYY-MM-DD HH:MM:SS` UTC. */
  writeDate: string;
  runAt: Date;
}

const CURSOR = 'stock.quant';

export class StockReconciliationStore {
  /** The ledger's rows of these SKUs (every SKU when `skus` is undefined). */
  async ledgerStock(manager: EntityManager, skus?: readonly string[]): Promise<LedgerStockRecord[]> {
    const rows = await manager.query<LedgerRow[]>(
      // On hand as it will be once the WMS counts out what shipped: Odoo validated those deliveries already.
      `SELECT l.sku, l.warehouse_id, greatest(l.on_hand - l.shipped_uncounted, 0) AS on_hand, l.version,
              coalesce(e.received_at, l.updated_at) AS changed_at, e.source AS counted_by
         FROM stock_levels l
         LEFT JOIN stock_events e
           ON e.event_id = l.last_event_id AND e.sku = l.sku AND e.warehouse_id = l.warehouse_id
          AND e.verdict = 'applied'
        WHERE ($1::text[] IS NULL OR l.sku = ANY($1::text[]))
        ORDER BY l.sku, l.warehouse_id`,
      [skus === undefined ? null : [...skus]],
    );
    return rows.map((r) => ({
      sku: r.sku,
      warehouseId: r.warehouse_id,
      onHand: Number(r.on_hand),
      version: Number(r.version),
      changedAt: r.changed_at.getTime(),
      countedBy: r.counted_by,
    }));
  }

  /** SKUs whose on hand the ledger changed since `since`. */
  async skusCountedSince(manager: EntityManager, since: Date): Promise<string[]> {
    const rows = await manager.query<{ sku: string }[]>(
      `SELECT DISTINCT sku FROM stock_events WHERE verdict = 'applied' AND received_at >= $1 ORDER BY sku`,
      [since],
    );
    return rows.map((r) => r.sku);
  }

  /** SKUs with a drift still open (checked again every run until the two sides agree). */
  async skusWithOpenDrift(manager: EntityManager): Promise<string[]> {
    const rows = await manager.query<{ sku: string }[]>('SELECT DISTINCT sku FROM stock_drifts ORDER BY sku');
    return rows.map((r) => r.sku);
  }

  /** A poll's cursor by name: `stock.quant` (this reconciliation's), `sale.order:cancel` (cancellations). */
  async cursor(manager: EntityManager, name = CURSOR): Promise<ReconciliationCursor | undefined> {
    const [row] = await manager.query<{ write_date: string; run_at: Date }[]>(
      'SELECT write_date, run_at FROM odoo_stock_cursor WHERE name = $1',
      [name],
    );
    return row === undefined ? undefined : { writeDate: row.write_date, runAt: row.run_at };
  }

  async saveCursor(manager: EntityManager, cursor: ReconciliationCursor, name = CURSOR): Promise<void> {
    await manager.query(
      `INSERT INTO odoo_stock_cursor (name, write_date, run_at) VALUES ($1, $2, $3)
       ON CONFLICT (name) DO UPDATE SET write_date = greatest(odoo_stock_cursor.write_date, EXCLUDED.write_date),
                                        run_at = EXCLUDED.run_at`,
      [name, cursor.writeDate, cursor.runAt],
    );
  }

  /**
   * Records this run's drifts for the SKUs compared and returns those to report: new pairs, or pairs whose
   * values or cause changed since they were reported. Pairs of those SKUs that no longer drift are removed.
   */
  async newDrifts(
    manager: EntityManager,
    comparedSkus: readonly string[],
    drifts: readonly StockDrift[],
    now: Date,
  ): Promise<StockDrift[]> {
    const fresh: StockDrift[] = [];
    for (const drift of drifts) {
      const rows = await manager.query<unknown[]>(
        `INSERT INTO stock_drifts (sku, warehouse_id, ledger_on_hand, odoo_quantity, cause, reported_at)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (sku, warehouse_id) DO UPDATE
           SET ledger_on_hand = EXCLUDED.ledger_on_hand, odoo_quantity = EXCLUDED.odoo_quantity,
               cause = EXCLUDED.cause, reported_at = EXCLUDED.reported_at
         WHERE stock_drifts.ledger_on_hand IS DISTINCT FROM EXCLUDED.ledger_on_hand
            OR stock_drifts.odoo_quantity IS DISTINCT FROM EXCLUDED.odoo_quantity
            OR stock_drifts.cause <> EXCLUDED.cause
         RETURNING sku`,
        [drift.sku, drift.warehouseId, drift.ledgerOnHand, drift.odooQuantity, drift.cause, now],
      );
      if (rows.length > 0) fresh.push(drift);
    }
    const open = drifts.map((d) => `${d.sku}|${d.warehouseId}`);
    await manager.query(
      `DELETE FROM stock_drifts WHERE sku = ANY($1::text[]) AND NOT ((sku || '|' || warehouse_id) = ANY($2::text[]))`,
      [[...comparedSkus], open],
    );
    return fresh;
  }
}
