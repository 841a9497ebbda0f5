// Test helpers that speak like a supplier billing us: its X12 810 and its JSON invoice
// (libs/partners/documents/src/supplier-invoice.reader.ts reads both).
import { envelope, type X12Parties } from './supplier-traffic';

export interface SupplierInvoiceLineFixture {
  readonly lineNumber: string;
  readonly quantity: number;
  readonly uom?: string;
  /** Decimal text, as the supplier writes it. */
  readonly unitPrice: string;
  /** Our SKU (IT1 BP). */
  readonly sku?: string;
  /** The supplier's part number (IT1 VP). */
  readonly partNumber?: string;
}

export interface SupplierInvoiceFixture {
  readonly invoiceNumber: string;
  /** ISO date. */
  readonly invoiceDate: string;
  readonly poNumber: string;
  readonly currency?: string;
  readonly lines: readonly SupplierInvoiceLineFixture[];
}

/** An 810 from the supplier: BIG, CUR, IT1 per line (BP our SKU, VP its part number), TDS, CTT. */
export function supplier810(parties: X12Parties, invoice: SupplierInvoiceFixture): string {
  const cents = invoice.lines.reduce(
    (sum, line) => sum + Math.round(line.quantity * Number(line.unitPrice) * 100),
    0,
  );
  const body = [
    `BIG*${invoice.invoiceDate.replace(/-/g, '')}*${invoice.invoiceNumber}**${invoice.poNumber}`,
    `CUR*SE*${invoice.currency ?? 'USD'}`,
    ...invoice.lines.map((line) => {
      const ids = [
        ...(line.sku === undefined ? [] : ['BP', line.sku]),
        ...(line.partNumber === undefined ? [] : ['VP', line.partNumber]),
      ];
      return `IT1*${line.lineNumber}*${line.quantity}*${line.uom ?? 'EA'}*${line.unitPrice}**${ids.join('*')}`;
    }),
    `TDS*${cents}`,
    `CTT*${invoice.lines.length}`,
  ];
  return envelope(parties, 'IN', '810', body);
}

/** The same invoice as the supplier's JSON. */
export function supplierInvoiceJson(invoice: SupplierInvoiceFixture): string {
  return JSON.stringify({
    type: 'tradewind.supplier-invoice',
    invoiceNumber: invoice.invoiceNumber,
    invoiceDate: invoice.invoiceDate,
    poNumber: invoice.poNumber,
    currency: invoice.currency ?? 'USD',
    lines: invoice.lines.map((line) => ({
      lineNumber: line.lineNumber,
      quantity: line.quantity,
      uom: line.uom ?? 'EA',
      unitPrice: line.unitPrice,
      ...(line.sku === undefined ? {} : { sku: line.sku }),
      ...(line.partNumber === undefined ? {} : { supplierPartNumber: line.partNumber }),
    })),
  });
}
