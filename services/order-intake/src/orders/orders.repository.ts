// SQL over `orders`. Rows are locked (FOR UPDATE) before they change, so the outbox messages of two
// transactions on one order take their ids in commit order (see OutboxWriter).
import type { DocumentFormat } from '@tradewind/partner-documents';
import type { DataSource, EntityManager } from 'typeorm';

import type { OpenOrders } from '../metrics/order-intake.metrics';
import { isOrderStatus } from './order-lifecycle';
import type { OrderRecord } from './order-record';

const COLUMNS = `order_id, partner_id, po_number, external_id, status, version, document_ids, duplicate_document_ids,
  format, interchange_ref, partner_order, canonical_order, priced_lines, pricelist_ref, lines, problems, customer_ref, currency,
  upsert_command_id, confirm_command_id, odoo_order_id, ack_outbound_id, ack_control_number, received_at,
  acknowledged_at, updated_at`;

interface Row {
  order_id: string;
  partner_id: string;
  po_number: string;
  external_id: string;
  status: string;
  version: string;
  document_ids: string[];
  duplicate_document_ids: string[];
  format: string;
  interchange_ref: string | null;
  partner_order: OrderRecord['partnerOrder'];
  canonical_order: OrderRecord['canonicalOrder'];
  priced_lines: OrderRecord['pricedLines'];
  pricelist_ref: string | null;
  lines: OrderRecord['lines'];
  problems: OrderRecord['problems'];
  customer_ref: string | null;
  currency: string | null;
  upsert_command_id: string | null;
  confirm_command_id: string | null;
  odoo_order_id: string | null;
  ack_outbound_id: string | null;
  ack_control_number: number | null;
  received_at: Date;
  acknowledged_at: Date | null;
  updated_at: Date;
}

function toRecord(row: Row): OrderRecord {
  if (!isOrderStatus(row.status))
    throw new Error(`order ${row.order_id} has an unknown status ${row.status}`);
  return {
    orderId: row.order_id,
    partnerId: row.partner_id,
    poNumber: row.po_number,
    externalId: row.external_id,
    status: row.status,
    version: Number(row.version),
    documentIds: row.document_ids,
    duplicateDocumentIds: row.duplicate_document_ids,
    format: row.format as DocumentFormat,
    interchangeRef: row.interchange_ref,
    partnerOrder: row.partner_order,
    canonicalOrder: row.canonical_order,
    pricedLines: row.priced_lines,
    pricelistRef: row.pricelist_ref,
    lines: row.lines,
    problems: row.problems,
    customerRef: row.customer_ref,
    currency: row.currency,
    upsertCommandId: row.upsert_command_id,
    confirmCommandId: row.confirm_command_id,
    odooOrderId: row.odoo_order_id === null ? null : Number(row.odoo_order_id),
    ackOutboundId: row.ack_outbound_id,
    ackControlNumber: row.ack_control_number,
    receivedAt: row.received_at,
    acknowledgedAt: row.acknowledged_at,
    updatedAt: row.updated_at,
  };
}

const json = (value: unknown): string | null => (value === null ? null : JSON.stringify(value));

export class OrdersRepository {
  /** Without a lock: a hint only (whether prices are worth reading), decided again under the lock. */
  async find(dataSource: DataSource, partnerId: string, poNumber: string): Promise<OrderRecord | undefined> {
    const rows = await dataSource.query<Row[]>(
      `SELECT ${COLUMNS} FROM orders WHERE partner_id = $1 AND po_number = $2`,
      [partnerId, poNumber],
    );
    return rows.length === 0 ? undefined : toRecord(rows[0]);
  }

  async findByOrderId(dataSource: DataSource, orderId: string): Promise<OrderRecord | undefined> {
    const rows = await dataSource.query<Row[]>(`SELECT ${COLUMNS} FROM orders WHERE order_id = $1`, [
      orderId,
    ]);
    return rows.length === 0 ? undefined : toRecord(rows[0]);
  }

  /**
   * Inserts a new order; false when (partner, PO number) exists already. A concurrent insert of the same
   * key waits for the other transaction and then reports the conflict: the business key is the guard.
   */
  async insert(manager: EntityManager, order: OrderRecord): Promise<boolean> {
    const inserted = await manager.query<unknown[]>(
      `INSERT INTO orders (${COLUMNS})
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb, $12::jsonb, $13::jsonb, $14, $15::jsonb,
               $16::jsonb, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26)
       ON CONFLICT DO NOTHING RETURNING 1`,
      [
        order.orderId,
        order.partnerId,
        order.poNumber,
        order.externalId,
        order.status,
        order.version,
        order.documentIds,
        order.duplicateDocumentIds,
        order.format,
        order.interchangeRef,
        json(order.partnerOrder),
        json(order.canonicalOrder),
        json(order.pricedLines),
        order.pricelistRef,
        json(order.lines),
        json(order.problems),
        order.customerRef,
        order.currency,
        order.upsertCommandId,
        order.confirmCommandId,
        order.odooOrderId,
        order.ackOutboundId,
        order.ackControlNumber,
        order.receivedAt,
        order.acknowledgedAt,
        order.updatedAt,
      ],
    );
    return inserted.length > 0;
  }

  async lockByKey(
    manager: EntityManager,
    partnerId: string,
    poNumber: string,
  ): Promise<OrderRecord | undefined> {
    const rows = await manager.query<Row[]>(
      `SELECT ${COLUMNS} FROM orders WHERE partner_id = $1 AND po_number = $2 FOR UPDATE`,
      [partnerId, poNumber],
    );
    return rows.length === 0 ? undefined : toRecord(rows[0]);
  }

  async lockByOrderId(manager: EntityManager, orderId: string): Promise<OrderRecord | undefined> {
    const rows = await manager.query<Row[]>(`SELECT ${COLUMNS} FROM orders WHERE order_id = $1 FOR UPDATE`, [
      orderId,
    ]);
    return rows.length === 0 ? undefined : toRecord(rows[0]);
  }

  async lockByExternalId(manager: EntityManager, externalId: string): Promise<OrderRecord | undefined> {
    const rows = await manager.query<Row[]>(
      `SELECT ${COLUMNS} FROM orders WHERE external_id = $1 FOR UPDATE`,
      [externalId],
    );
    return rows.length === 0 ? undefined : toRecord(rows[0]);
  }

  /** Writes what changes after intake (the caller holds the row lock). */
  async update(manager: EntityManager, order: OrderRecord): Promise<void> {
    await manager.query(
      `UPDATE orders SET status = $3, version = $4, document_ids = $5, duplicate_document_ids = $6,
              problems = $7::jsonb, upsert_command_id = $8, confirm_command_id = $9, odoo_order_id = $10,
              ack_outbound_id = $11, ack_control_number = $12, acknowledged_at = $13, updated_at = $14
        WHERE partner_id = $1 AND po_number = $2`,
      [
        order.partnerId,
        order.poNumber,
        order.status,
        order.version,
        order.documentIds,
        order.duplicateDocumentIds,
        json(order.problems),
        order.upsertCommandId,
        order.confirmCommandId,
        order.odooOrderId,
        order.ackOutboundId,
        order.ackControlNumber,
        order.acknowledgedAt,
        order.updatedAt,
      ],
    );
  }

  /** A corrected order's content (the ops console's correction of a rejected order), before `update`. */
  async replaceContent(manager: EntityManager, order: OrderRecord): Promise<void> {
    await manager.query(
      `UPDATE orders SET partner_order = $3::jsonb, canonical_order = $4::jsonb, priced_lines = $5::jsonb,
              pricelist_ref = $6, lines = $7::jsonb, customer_ref = $8, currency = $9
        WHERE partner_id = $1 AND po_number = $2`,
      [
        order.partnerId,
        order.poNumber,
        json(order.partnerOrder),
        json(order.canonicalOrder),
        json(order.pricedLines),
        order.pricelistRef,
        json(order.lines),
        order.customerRef,
        order.currency,
      ],
    );
  }

  /** The next ISA13/GS06 for an 855 (in the caller's transaction: a rollback wastes a number, harmlessly). */
  async nextControlNumber(manager: EntityManager): Promise<number> {
    const [row] = await manager.query<{ n: string }[]>(`SELECT nextval('x12_control_number') AS n`);
    return Number(row.n);
  }

  /**
   * Orders not in a final state, by partner and status, with the oldest one's age and how many are past
   * their acknowledgement SLA. Final: `acknowledged`, and `confirmed`/`rejected` for partners that get no
   * acknowledgement. `acknowledging` maps each partner that gets one to its SLA in minutes.
   */
  async openOrders(
    dataSource: DataSource,
    acknowledging: ReadonlyMap<string, number>,
  ): Promise<OpenOrders[]> {
    const rows = await dataSource.query<
      { partner: string; status: string; count: number; oldest_seconds: number; overdue: number }[]
    >(
      `SELECT o.partner_id AS partner, o.status, count(*)::int AS count,
              extract(epoch FROM now() - min(o.received_at))::float8 AS oldest_seconds,
              (count(*) FILTER (WHERE a.partner_id IS NOT NULL
                 AND o.received_at < now() - make_interval(mins => a.minutes)))::int AS overdue
         FROM orders o
         LEFT JOIN unnest($1::text[], $2::int[]) AS a(partner_id, minutes) ON a.partner_id = o.partner_id
        WHERE o.status <> 'acknowledged'
          AND (a.partner_id IS NOT NULL OR o.status NOT IN ('confirmed', 'rejected'))
        GROUP BY o.partner_id, o.status`,
      [[...acknowledging.keys()], [...acknowledging.values()]],
    );
    return rows.map((r) => ({
      partner: r.partner,
      status: r.status,
      count: r.count,
      oldestSeconds: r.oldest_seconds,
      overdue: r.overdue,
    }));
  }
}
