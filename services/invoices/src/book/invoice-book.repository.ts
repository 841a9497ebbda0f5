// The service's copy of Odoo's customer invoices, and what the matcher sees as still open: Odoo's
// residual, or less where this service has asked for payments Odoo does not show yet (a payment in
// flight through odoo.commands must not be matched a second time by the next statement).
import type { OpenInvoice } from '@tradewind/finance-settlement';
import type { DataSource, EntityManager } from 'typeorm';

import type { BookInvoice, InvoiceLine, PollCursor } from './odoo-invoices.reader';

type Queryable = Pick<EntityManager, 'query'>;

interface BookRow {
  odoo_id: number;
  name: string;
  payment_reference: string | null;
  move_type: 'out_invoice' | 'out_refund';
  state: string;
  payment_state: string;
  partner_odoo_id: number;
  partner_name: string;
  partner_ref: string | null;
  currency: string;
  untaxed_minor: string;
  tax_minor: string;
  total_minor: string;
  residual_minor: string;
  invoice_date: string | null;
  due_date: string | null;
  reversed_entry: string | null;
  lines: InvoiceLine[];
  odoo_write_date: string;
  version_hash: string;
  allocated_minor?: string;
}

const toBook = (row: BookRow): BookInvoice => ({
  odooId: row.odoo_id,
  name: row.name,
  paymentReference: row.payment_reference,
  moveType: row.move_type,
  state: row.state,
  paymentState: row.payment_state,
  partnerOdooId: row.partner_odoo_id,
  partnerName: row.partner_name,
  partnerRef: row.partner_ref,
  currency: row.currency,
  untaxedMinor: Number(row.untaxed_minor),
  taxMinor: Number(row.tax_minor),
  totalMinor: Number(row.total_minor),
  residualMinor: Number(row.residual_minor),
  invoiceDate: row.invoice_date,
  dueDate: row.due_date,
  reversedEntry: row.reversed_entry,
  lines: row.lines,
  writeDate: row.odoo_write_date,
  versionHash: row.version_hash,
});

const DATE = `to_char(%s, 'YYYY-MM-DD')`;
const SELECT = `SELECT odoo_id, name, payment_reference, move_type, state, payment_state, partner_odoo_id,
  partner_name, partner_ref, currency, untaxed_minor, tax_minor, total_minor, residual_minor,
  ${DATE.replace('%s', 'invoice_date')} AS invoice_date, ${DATE.replace('%s', 'due_date')} AS due_date,
  reversed_entry, lines, odoo_write_date, version_hash FROM invoice_book`;

export class InvoiceBook {
  constructor(private readonly dataSource: DataSource) {}

  async cursor(name: string): Promise<PollCursor> {
    const rows = await this.dataSource.query<{ write_date: string; last_id: number }[]>(
      'SELECT write_date, last_id FROM poll_cursor WHERE name = $1',
      [name],
    );
    return rows[0]
      ? { writeDate: rows[0].write_date, lastId: rows[0].last_id }
      : { writeDate: '1970-01-01 00:00:00', lastId: 0 };
  }

  /** The invoices and the cursor after them, in one transaction. */
  async store(
    manager: Queryable,
    name: string,
    invoices: readonly BookInvoice[],
    cursor: PollCursor,
  ): Promise<void> {
    for (const invoice of invoices) {
      await manager.query(
        `INSERT INTO invoice_book (odoo_id, name, payment_reference, move_type, state, payment_state,
           partner_odoo_id, partner_name, partner_ref, currency, untaxed_minor, tax_minor, total_minor,
           residual_minor, invoice_date, due_date, reversed_entry, lines, odoo_write_date, version_hash)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20)
         ON CONFLICT (odoo_id) DO UPDATE SET name = EXCLUDED.name, payment_reference = EXCLUDED.payment_reference,
           move_type = EXCLUDED.move_type, state = EXCLUDED.state, payment_state = EXCLUDED.payment_state,
           partner_odoo_id = EXCLUDED.partner_odoo_id, partner_name = EXCLUDED.partner_name,
           partner_ref = EXCLUDED.partner_ref, currency = EXCLUDED.currency, untaxed_minor = EXCLUDED.untaxed_minor,
           tax_minor = EXCLUDED.tax_minor, total_minor = EXCLUDED.total_minor, residual_minor = EXCLUDED.residual_minor,
           invoice_date = EXCLUDED.invoice_date, due_date = EXCLUDED.due_date, reversed_entry = EXCLUDED.reversed_entry,
           lines = EXCLUDED.lines, odoo_write_date = EXCLUDED.odoo_write_date, version_hash = EXCLUDED.version_hash,
           synced_at = now()`,
        [
          invoice.odooId,
          invoice.name,
          invoice.paymentReference,
          invoice.moveType,
          invoice.state,
          invoice.paymentState,
          invoice.partnerOdooId,
          invoice.partnerName,
          invoice.partnerRef,
          invoice.currency,
          invoice.untaxedMinor,
          invoice.taxMinor,
          invoice.totalMinor,
          invoice.residualMinor,
          invoice.invoiceDate,
          invoice.dueDate,
          invoice.reversedEntry,
          JSON.stringify(invoice.lines),
          invoice.writeDate,
          invoice.versionHash,
        ],
      );
    }
    await manager.query(
      `INSERT INTO poll_cursor (name, write_date, last_id) VALUES ($1, $2, $3)
       ON CONFLICT (name) DO UPDATE SET write_date = EXCLUDED.write_date, last_id = EXCLUDED.last_id`,
      [name, cursor.writeDate, cursor.lastId],
    );
  }

  /**
   * Posted invoices with something left to pay, in `currency`: the residual is Odoo's, or the total
   * less this service's own allocations when that is lower (payments Odoo has not shown yet).
   */
  async open(manager: Queryable, currency: string): Promise<OpenInvoice[]> {
    const rows = await manager.query<(BookRow & { effective_minor: string })[]>(
      `SELECT b.odoo_id, b.name, b.payment_reference, b.move_type, b.partner_odoo_id, b.partner_name, b.currency,
              b.total_minor, to_char(b.due_date, 'YYYY-MM-DD') AS due_date,
              LEAST(b.residual_minor, b.total_minor - COALESCE(a.allocated, 0)) AS effective_minor
         FROM invoice_book b
         LEFT JOIN (SELECT invoice_odoo_id, SUM(amount_minor + writeoff_minor) AS allocated
                      FROM payment_allocations WHERE NOT refused GROUP BY invoice_odoo_id) a
           ON a.invoice_odoo_id = b.odoo_id
        WHERE b.state = 'posted' AND b.residual_minor > 0 AND b.currency = $1`,
      [currency],
    );
    return rows
      .filter((row) => Number(row.effective_minor) > 0)
      .map((row) => ({
        odooId: row.odoo_id,
        name: row.name,
        ...(row.payment_reference ? { paymentReference: row.payment_reference } : {}),
        partnerId: row.partner_odoo_id,
        partnerName: row.partner_name,
        currency: row.currency,
        moveType: row.move_type,
        residualMinor: Number(row.effective_minor),
        totalMinor: Number(row.total_minor),
        ...(row.due_date ? { dueDate: row.due_date } : {}),
      }));
  }

  async byId(manager: Queryable, ids: readonly number[]): Promise<BookInvoice[]> {
    if (ids.length === 0) return [];
    const rows = await manager.query<BookRow[]>(`${SELECT} WHERE odoo_id = ANY($1) ORDER BY odoo_id`, [ids]);
    return rows.map(toBook);
  }

  /** Posted customer invoices and credit notes of these customers (canonical ids) whose version has no ledger row yet. */
  async unsent(manager: Queryable, customerIds: readonly string[], limit: number): Promise<BookInvoice[]> {
    const rows = await manager.query<BookRow[]>(
      `${SELECT} b WHERE b.state = 'posted' AND b.partner_ref = ANY($1)
         AND NOT EXISTS (SELECT 1 FROM export_ledger l WHERE l.invoice_odoo_id = b.odoo_id AND l.version_hash = b.version_hash)
       ORDER BY b.odoo_id LIMIT $2`,
      [customerIds, limit],
    );
    return rows.map(toBook);
  }
}
