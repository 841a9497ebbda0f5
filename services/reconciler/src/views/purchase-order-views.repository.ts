import type { PurchaseOrderStatus } from '@tradewind/contracts';
import type { DataSource } from 'typeorm';

import type { PlatformPurchaseOrder } from '../reconciliation/reconciliation';

/** One purchase order as the reconciler keeps it: the latest purchasing.state record. */
export interface PurchaseOrderView extends PlatformPurchaseOrder {
  /** The trace's length: a later record of the same order has a longer (or as long and newer) trace. */
  readonly traceLength: number;
  readonly stateUpdatedAt: number;
  /** The documents its trace names (`trace[].documentId`): the gateway's leg of the workflow. */
  readonly documentIds: readonly string[];
}

interface PurchaseOrderViewRow {
  purchase_order_id: string;
  odoo_order_id: string;
  po_number: string;
  supplier_id: string;
  revision: number;
  status: string;
  lines: PlatformPurchaseOrder['lines'];
  sent_ms: number | null;
  received_ms: number;
}

/** The reconciler's view of purchasing.state, in its PostgreSQL schema. */
export class PurchaseOrderViews {
  constructor(private readonly dataSource: DataSource) {}

  /** Applies the record unless the stored one is as new (same or longer trace, not older); true when it changed. */
  async apply(view: PurchaseOrderView): Promise<boolean> {
    // Which gateway documents the order's trace names (the third leg), whatever the record's age.
    if (view.documentIds.length > 0) {
      await this.dataSource.query(
        `INSERT INTO purchase_order_documents (document_id, purchase_order_id)
         SELECT d, $2 FROM unnest($1::text[]) AS d ON CONFLICT (document_id) DO NOTHING`,
        [view.documentIds, view.purchaseOrderId],
      );
    }
    const rows = await this.dataSource.query<unknown[]>(
      `INSERT INTO purchase_order_views (purchase_order_id, odoo_order_id, po_number, supplier_id, revision,
         status, lines, trace_length, sent_at, state_updated_at, received_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, to_timestamp($9 / 1000.0), to_timestamp($10 / 1000.0),
               to_timestamp($10 / 1000.0))
       ON CONFLICT (purchase_order_id) DO UPDATE SET
         po_number = EXCLUDED.po_number, supplier_id = EXCLUDED.supplier_id, revision = EXCLUDED.revision,
         status = EXCLUDED.status, lines = EXCLUDED.lines, trace_length = EXCLUDED.trace_length,
         sent_at = EXCLUDED.sent_at, state_updated_at = EXCLUDED.state_updated_at,
         received_at = LEAST(purchase_order_views.received_at, EXCLUDED.received_at)
       WHERE (purchase_order_views.trace_length, purchase_order_views.state_updated_at)
           < (EXCLUDED.trace_length, EXCLUDED.state_updated_at)
       RETURNING purchase_order_id`,
      [
        view.purchaseOrderId,
        view.odooOrderId,
        view.poNumber,
        view.supplierId,
        view.revision,
        view.status,
        JSON.stringify(view.lines),
        view.traceLength,
        view.sentAt,
        view.stateUpdatedAt,
      ],
    );
    return rows.length === 1;
  }

  /** Purchase orders first seen in [from, to). */
  async receivedIn(from: number, to: number): Promise<PlatformPurchaseOrder[]> {
    const rows = await this.dataSource.query<PurchaseOrderViewRow[]>(
      `SELECT purchase_order_id, odoo_order_id, po_number, supplier_id, revision, status, lines,
              floor(extract(epoch FROM sent_at) * 1000)::float8 AS sent_ms,
              floor(extract(epoch FROM received_at) * 1000)::float8 AS received_ms
         FROM purchase_order_views
        WHERE received_at >= to_timestamp($1 / 1000.0) AND received_at < to_timestamp($2 / 1000.0)`,
      [from, to],
    );
    return rows.map((row) => ({
      purchaseOrderId: row.purchase_order_id,
      odooOrderId: Number(row.odoo_order_id),
      poNumber: row.po_number,
      supplierId: row.supplier_id,
      revision: row.revision,
      status: row.status as PurchaseOrderStatus,
      lines: row.lines,
      sentAt: row.sent_ms,
      receivedAt: row.received_ms,
    }));
  }

  /** Which of these Odoo purchase order ids purchasing.state has (in any window). */
  async known(odooOrderIds: readonly number[]): Promise<Set<number>> {
    if (odooOrderIds.length === 0) return new Set();
    const rows = await this.dataSource.query<{ odoo_order_id: string }[]>(
      'SELECT odoo_order_id FROM purchase_order_views WHERE odoo_order_id = ANY($1::bigint[])',
      [odooOrderIds],
    );
    return new Set(rows.map((row) => Number(row.odoo_order_id)));
  }
}
