// Reads Odoo's customer invoices and credit notes with the read-only key, by write_date: every move
// written since the cursor (posted, cancelled or back to draft), with its lines, taxes and customer, in
// batches. Amounts become integer minor units here, once (Odoo answers floats rounded to the currency).
import { createHash } from 'node:crypto';

import type { OdooClient, OdooRecord } from '@tradewind/odoo-client';
import Decimal from 'decimal.js';

/** One invoice line as exported: amounts in minor units, taxes with their rates. */
export interface InvoiceLine {
  readonly productId: number | null;
  readonly sku: string | null;
  readonly description: string;
  /** Decimal text, as Odoo holds it. */
  readonly quantity: string;
  readonly priceUnit: string;
  readonly subtotalMinor: number;
  readonly totalMinor: number;
  readonly taxes: readonly { readonly name: string; readonly amountType: string; readonly rate: string }[];
}

export interface BookInvoice {
  readonly odooId: number;
  readonly name: string;
  readonly paymentReference: string | null;
  readonly moveType: 'out_invoice' | 'out_refund';
  readonly state: string;
  readonly paymentState: string;
  readonly partnerOdooId: number;
  readonly partnerName: string;
  /** The customer's canonical id (res.partner ref): how the catalog names it. */
  readonly partnerRef: string | null;
  readonly currency: string;
  readonly untaxedMinor: number;
  readonly taxMinor: number;
  readonly totalMinor: number;
  readonly residualMinor: number;
  readonly invoiceDate: string | null;
  readonly dueDate: string | null;
  /** A credit note's invoice (its name). */
  readonly reversedEntry: string | null;
  readonly lines: readonly InvoiceLine[];
  readonly writeDate: string;
  /** Hash of what a customer is sent (not of payment fields): a new hash is a new invoice version. */
  readonly versionHash: string;
}

export interface PollCursor {
  readonly writeDate: string;
  readonly lastId: number;
}

const MOVE_FIELDS = [
  'name',
  'payment_reference',
  'move_type',
  'state',
  'payment_state',
  'partner_id',
  'currency_id',
  'amount_untaxed',
  'amount_tax',
  'amount_total',
  'amount_residual',
  'invoice_date',
  'invoice_date_due',
  'reversed_entry_id',
  'write_date',
];
const LINE_FIELDS = [
  'move_id',
  'product_id',
  'name',
  'quantity',
  'price_unit',
  'price_subtotal',
  'price_total',
  'tax_ids',
];

export const toMinor = (value: unknown): number =>
  new Decimal(typeof value === 'number' ? value : 0).mul(100).toDecimalPlaces(0).toNumber();
const idOf = (value: unknown): number | null =>
  Array.isArray(value) && typeof value[0] === 'number' ? value[0] : null;
const nameOf = (value: unknown): string | null =>
  Array.isArray(value) && typeof value[1] === 'string' ? value[1] : null;
const textOf = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);
const decimalText = (value: unknown): string => new Decimal(typeof value === 'number' ? value : 0).toString();

export class OdooInvoicesReader {
  constructor(private readonly client: OdooClient) {}

  /** The next batch after the cursor, oldest write first, and the cursor after it. */
  async next(cursor: PollCursor, limit: number): Promise<{ invoices: BookInvoice[]; cursor: PollCursor }> {
    const moves = await this.client.searchRead(
      'account.move',
      [
        ['move_type', 'in', ['out_invoice', 'out_refund']],
        '|',
        ['write_date', '>', cursor.writeDate],
        '&',
        ['write_date', '=', cursor.writeDate],
        ['id', '>', cursor.lastId],
      ],
      { fields: MOVE_FIELDS, order: 'write_date asc, id asc', limit },
    );
    if (moves.length === 0) return { invoices: [], cursor };
    const invoices = await this.withDetails(moves);
    const last = moves[moves.length - 1];
    return { invoices, cursor: { writeDate: String(last.write_date), lastId: last.id } };
  }

  private async withDetails(moves: OdooRecord[]): Promise<BookInvoice[]> {
    const lines = await this.client.searchRead(
      'account.move.line',
      [['move_id', 'in', moves.map((m) => m.id)]],
      {
        fields: LINE_FIELDS,
        order: 'id asc',
      },
    );
    const taxIds = [...new Set(lines.flatMap((line) => (line.tax_ids as number[] | undefined) ?? []))];
    const productIds = [
      ...new Set(lines.map((line) => idOf(line.product_id)).filter((id): id is number => id !== null)),
    ];
    const partnerIds = [
      ...new Set(moves.map((move) => idOf(move.partner_id)).filter((id): id is number => id !== null)),
    ];
    const [taxes, products, partners] = await Promise.all([
      taxIds.length ? this.client.read('account.tax', taxIds, ['name', 'amount', 'amount_type']) : [],
      productIds.length ? this.client.read('product.product', productIds, ['default_code']) : [],
      partnerIds.length ? this.client.read('res.partner', partnerIds, ['ref']) : [],
    ]);
    const taxById = new Map(taxes.map((tax) => [tax.id, tax]));
    const skuById = new Map(products.map((product) => [product.id, textOf(product.default_code)]));
    const refById = new Map(partners.map((partner) => [partner.id, textOf(partner.ref)]));
    const linesByMove = new Map<number, InvoiceLine[]>();
    for (const line of lines) {
      const moveId = idOf(line.move_id)!;
      const productId = idOf(line.product_id);
      const entry: InvoiceLine = {
        productId,
        sku: productId === null ? null : (skuById.get(productId) ?? null),
        description: textOf(line.name) ?? '',
        quantity: decimalText(line.quantity),
        priceUnit: decimalText(line.price_unit),
        subtotalMinor: toMinor(line.price_subtotal),
        totalMinor: toMinor(line.price_total),
        taxes: ((line.tax_ids as number[] | undefined) ?? []).map((id) => {
          const tax = taxById.get(id);
          return {
            name: textOf(tax?.name) ?? `tax ${id}`,
            amountType: textOf(tax?.amount_type) ?? 'percent',
            rate: decimalText(tax?.amount),
          };
        }),
      };
      linesByMove.set(moveId, [...(linesByMove.get(moveId) ?? []), entry]);
    }
    return moves.map((move) => {
      const partnerOdooId = idOf(move.partner_id) ?? 0;
      const base = {
        odooId: move.id,
        name: textOf(move.name) ?? '/',
        paymentReference: textOf(move.payment_reference),
        moveType: move.move_type === 'out_refund' ? ('out_refund' as const) : ('out_invoice' as const),
        state: textOf(move.state) ?? 'draft',
        partnerOdooId,
        partnerName: nameOf(move.partner_id) ?? '',
        partnerRef: refById.get(partnerOdooId) ?? null,
        currency: nameOf(move.currency_id) ?? '',
        untaxedMinor: toMinor(move.amount_untaxed),
        taxMinor: toMinor(move.amount_tax),
        totalMinor: toMinor(move.amount_total),
        invoiceDate: textOf(move.invoice_date),
        dueDate: textOf(move.invoice_date_due),
        reversedEntry: nameOf(move.reversed_entry_id),
        lines: linesByMove.get(move.id) ?? [],
      };
      return {
        ...base,
        paymentState: textOf(move.payment_state) ?? 'not_paid',
        residualMinor: toMinor(move.amount_residual),
        writeDate: String(move.write_date),
        versionHash: createHash('sha256').update(JSON.stringify(base)).digest('hex').slice(0, 32),
      };
    });
  }
}
