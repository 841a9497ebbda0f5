import { type OrderStatus } from '@tradewind/contracts';
import type { DataSource } from 'typeorm';

import type { PlatformOrder } from '../reconciliation/reconciliation';

/** One order as the reconciler keeps it: the latest orders.state version. */
export interface OrderView extends PlatformOrder {
  readonly version: number;
  readonly stateUpdatedAt: number;
}

/** The reconciler's view of orders.state. */
export interface OrderViews {
  /**
   * Applies the record unless a newer (or the same) version is stored; true when it changed the view.
   * The order's gateway documents are recorded in any case.
   */
  apply(view: OrderView): Promise<boolean>;
  /** Orders first seen in [from, to). */
  receivedIn(from: number, to: number): Promise<PlatformOrder[]>;
  /** Which of these external ids / (Odoo customer, PO) pairs some stored order explains. */
  origins(query: {
    externalIds: readonly string[];
    refs: readonly { odooPartnerId: number; poNumber: string }[];
  }): Promise<{
    externalIds: Set<string>;
    refs: Set<string>;
  }>;
  /** Odoo customer id → the platform partner whose orders name it. */
  odooCustomers(): Promise<Map<number, string>>;
}

export const ORDER_VIEWS = Symbol('reconciler:order-views');

export const refKey = (odooPartnerId: number, poNumber: string) => `${odooPartnerId}\u0000${poNumber}`;

interface OrderViewRow {
  order_id: string;
  partner_id: string;
  po_number: string;
  status: string;
  odoo_external_id: string | null;
  odoo_partner_id: string | null;
  rejected: boolean;
  lines: PlatformOrder['lines'];
  customer_ref: string | null;
  document_ids: string[];
  received_ms: number;
}

export class PostgresOrderViews implements OrderViews {
  constructor(private readonly dataSource: DataSource) {}

  async apply(view: OrderView): Promise<boolean> {
    // Which gateway documents the order stands for (the third leg), whatever the version.
    if ((view.documentIds ?? []).length > 0) {
      await this.dataSource.query(
        `INSERT INTO order_documents (document_id, order_id)
         SELECT d, $2 FROM unnest($1::text[]) AS d ON CONFLICT (document_id) DO NOTHING`,
        [view.documentIds, view.orderId],
      );
    }
    // The received time is the earliest version's: a redelivered or late old version only moves it back.
    const rows = await this.dataSource.query<unknown[]>(
      `INSERT INTO order_views (order_id, partner_id, po_number, status, version, odoo_external_id,
         odoo_partner_id, rejected, lines, state_updated_at, received_at, customer_ref)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, to_timestamp($10 / 1000.0), to_timestamp($11 / 1000.0), $12)
       ON CONFLICT (order_id) DO UPDATE SET
         status = EXCLUDED.status, version = EXCLUDED.version, odoo_external_id = EXCLUDED.odoo_external_id,
         odoo_partner_id = EXCLUDED.odoo_partner_id, rejected = EXCLUDED.rejected, lines = EXCLUDED.lines,
         state_updated_at = EXCLUDED.state_updated_at, customer_ref = EXCLUDED.customer_ref,
         received_at = LEAST(order_views.received_at, EXCLUDED.received_at)
       WHERE order_views.version < EXCLUDED.version
       RETURNING order_id`,
      [
        view.orderId,
        view.partnerId,
        view.poNumber,
        view.status,
        view.version,
        view.odooExternalId,
        view.odooPartnerId,
        view.rejected,
        JSON.stringify(view.lines),
        view.stateUpdatedAt,
        view.receivedAt,
        view.customerRef ?? null,
      ],
    );
    return rows.length === 1;
  }

  async receivedIn(from: number, to: number): Promise<PlatformOrder[]> {
    const rows = await this.dataSource.query<OrderViewRow[]>(
      `SELECT v.order_id, v.partner_id, v.po_number, v.status, v.odoo_external_id, v.odoo_partner_id,
              v.rejected, v.lines, floor(extract(epoch FROM v.received_at) * 1000)::float8 AS received_ms, v.customer_ref,
              COALESCE((SELECT array_agg(d.document_id ORDER BY d.document_id) FROM order_documents d
                         WHERE d.order_id = v.order_id), '{}') AS document_ids
         FROM order_views v
        WHERE v.received_at >= to_timestamp($1 / 1000.0) AND v.received_at < to_timestamp($2 / 1000.0)`,
      [from, to],
    );
    return rows.map((row) => ({
      orderId: row.order_id,
      partnerId: row.partner_id,
      poNumber: row.po_number,
      status: row.status as OrderStatus,
      odooExternalId: row.odoo_external_id,
      odooPartnerId: row.odoo_partner_id === null ? null : Number(row.odoo_partner_id),
      rejected: row.rejected,
      lines: row.lines,
      customerRef: row.customer_ref,
      documentIds: row.document_ids,
      receivedAt: row.received_ms,
    }));
  }

  async origins(query: {
    externalIds: readonly string[];
    refs: readonly { odooPartnerId: number; poNumber: string }[];
  }): Promise<{ externalIds: Set<string>; refs: Set<string> }> {
    const [byId, byRef] = await Promise.all([
      query.externalIds.length === 0
        ? []
        : this.dataSource.query<{ odoo_external_id: string }[]>(
            'SELECT odoo_external_id FROM order_views WHERE odoo_external_id = ANY($1::text[])',
            [query.externalIds],
          ),
      query.refs.length === 0
        ? []
        : this.dataSource.query<{ odoo_partner_id: string; po_number: string }[]>(
            `SELECT v.odoo_partner_id, v.po_number FROM order_views v
               JOIN unnest($1::bigint[], $2::text[]) AS q(partner, po)
                 ON v.odoo_partner_id = q.partner AND v.po_number = q.po`,
            [query.refs.map((r) => r.odooPartnerId), query.refs.map((r) => r.poNumber)],
          ),
    ]);
    return {
      externalIds: new Set(byId.map((row) => row.odoo_external_id)),
      refs: new Set(byRef.map((row) => refKey(Number(row.odoo_partner_id), row.po_number))),
    };
  }

  async odooCustomers(): Promise<Map<number, string>> {
    const rows = await this.dataSource.query<{ odoo_partner_id: string; partner_id: string }[]>(
      `SELECT DISTINCT ON (odoo_partner_id) odoo_partner_id, partner_id FROM order_views
        WHERE odoo_partner_id IS NOT NULL ORDER BY odoo_partner_id, partner_id`,
    );
    return new Map(rows.map((row) => [Number(row.odoo_partner_id), row.partner_id]));
  }
}

/** The same contract in memory, for unit tests of the handler (the itest runs the PostgreSQL one). */
export class InMemoryOrderViews implements OrderViews {
  readonly views = new Map<string, OrderView>();

  apply(view: OrderView): Promise<boolean> {
    const stored = this.views.get(view.orderId);
    if (stored && stored.version >= view.version) return Promise.resolve(false);
    this.views.set(view.orderId, {
      ...view,
      receivedAt: Math.min(view.receivedAt, stored?.receivedAt ?? view.receivedAt),
    });
    return Promise.resolve(true);
  }

  receivedIn(from: number, to: number): Promise<PlatformOrder[]> {
    return Promise.resolve([...this.views.values()].filter((v) => v.receivedAt >= from && v.receivedAt < to));
  }

  origins(query: {
    externalIds: readonly string[];
    refs: readonly { odooPartnerId: number; poNumber: string }[];
  }): Promise<{ externalIds: Set<string>; refs: Set<string> }> {
    const views = [...this.views.values()];
    const ids = new Set(views.map((v) => v.odooExternalId));
    const refs = new Set(
      views.filter((v) => v.odooPartnerId !== null).map((v) => refKey(v.odooPartnerId!, v.poNumber)),
    );
    return Promise.resolve({
      externalIds: new Set(query.externalIds.filter((id) => ids.has(id))),
      refs: new Set(query.refs.map((r) => refKey(r.odooPartnerId, r.poNumber)).filter((k) => refs.has(k))),
    });
  }

  odooCustomers(): Promise<Map<number, string>> {
    const customers = new Map<number, string>();
    for (const v of this.views.values())
      if (v.odooPartnerId !== null) customers.set(v.odooPartnerId, v.partnerId);
    return Promise.resolve(customers);
  }
}
