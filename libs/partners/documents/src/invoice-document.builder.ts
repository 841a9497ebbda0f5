// An invoice or credit note as JSON (one document) or CSV (one row per line, header totals repeated):
// amounts as decimal strings of the currency, never JSON numbers.
import type { OutboundInvoice } from './invoice-document';
import { fromMinorUnits } from './settlement-document';

export const JSON_INVOICE_TYPE = 'tradewind.invoice';
export const JSON_INVOICE_VERSION = '1';

export function buildJsonInvoice(invoice: OutboundInvoice): string {
  const money = (minor: number): string => fromMinorUnits(minor, invoice.currency);
  return JSON.stringify({
    type: JSON_INVOICE_TYPE,
    version: JSON_INVOICE_VERSION,
    kind: invoice.kind,
    number: invoice.number,
    creditNoteFor: invoice.creditNoteFor,
    invoiceDate: invoice.invoiceDate,
    dueDate: invoice.dueDate,
    currency: invoice.currency,
    customer: { id: invoice.customerId, name: invoice.customerName },
    lines: invoice.lines.map((line) => ({
      line: line.lineNumber,
      sku: line.sku,
      description: line.description,
      quantity: line.quantity,
      unitPrice: line.unitPrice,
      taxRates: line.taxRates,
      subtotal: money(line.subtotalMinor),
      tax: money(line.taxMinor),
      total: money(line.totalMinor),
    })),
    untaxed: money(invoice.untaxedMinor),
    tax: money(invoice.taxMinor),
    total: money(invoice.totalMinor),
  });
}

export const CSV_INVOICE_COLUMNS = Object.freeze([
  'invoice_number',
  'kind',
  'credit_note_for',
  'invoice_date',
  'due_date',
  'currency',
  'customer_id',
  'line',
  'sku',
  'description',
  'quantity',
  'unit_price',
  'line_subtotal',
  'line_tax',
  'line_total',
  'invoice_untaxed',
  'invoice_tax',
  'invoice_total',
]);

/** RFC 4180 quoting; a leading =, +, - or @ is prefixed with ' so a spreadsheet never runs it. */
function cell(value: string): string {
  const safe = /^[=+\-@]/.test(value) && !/^-?\d/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function buildCsvInvoice(invoice: OutboundInvoice): string {
  const money = (minor: number): string => fromMinorUnits(minor, invoice.currency);
  const rows = invoice.lines.map((line) =>
    [
      invoice.number,
      invoice.kind,
      invoice.creditNoteFor ?? '',
      invoice.invoiceDate,
      invoice.dueDate ?? '',
      invoice.currency,
      invoice.customerId,
      String(line.lineNumber),
      line.sku ?? '',
      line.description,
      line.quantity,
      line.unitPrice,
      money(line.subtotalMinor),
      money(line.taxMinor),
      money(line.totalMinor),
      money(invoice.untaxedMinor),
      money(invoice.taxMinor),
      money(invoice.totalMinor),
    ]
      .map(cell)
      .join(','),
  );
  return `${CSV_INVOICE_COLUMNS.join(',')}\n${rows.join('\n')}\n`;
}
