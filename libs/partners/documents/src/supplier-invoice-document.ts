// A supplier's invoice for goods we bought (X12 810 from the supplier, or its JSON), read into one
// canonical shape whatever the format: the invoice number, its date, the purchase order it bills and
// per line the quantity, unit and unit price with the part numbers that name the product (our SKU, the
// supplier's part number). The invoices service matches it to the order and the receipt
// (docs/invoices-and-payments.md). Unit prices stay decimal text: they are compared exactly.
import type { DocumentProblem, ProblemLocation } from './document-problem';

/** The invoicing document types of the API (`POST /v1/documents/<type>`, `documentType` on ingress.documents). */
export enum InvoicingDocumentType {
  SupplierInvoice = 'supplier-invoice',
}

const INVOICING_DOCUMENT_TYPES: ReadonlySet<string> = new Set(Object.values(InvoicingDocumentType));

export function isInvoicingDocumentType(type: string): type is InvoicingDocumentType {
  return INVOICING_DOCUMENT_TYPES.has(type);
}

export const SUPPLIER_INVOICE_LIMITS = Object.freeze({
  maxBytes: 5 * 1024 * 1024,
  invoicesPerDocument: 100,
  linesPerInvoice: 1000,
  /** Invoice numbers, PO numbers, part numbers. */
  referenceLength: 48,
});

export interface SupplierInvoiceLine {
  readonly lineNumber: string;
  readonly quantity: number;
  /** X12 355 unit code as sent (EA, CA...); null when not given. */
  readonly uom: string | null;
  /** Decimal text (`0.215`), at most 6 decimals. */
  readonly unitPrice: string;
  /** Our SKU (X12 BP, JSON `sku`), when the supplier quotes it. */
  readonly sku: string | null;
  /** The supplier's part number (X12 VP/VN, JSON `supplierPartNumber`). */
  readonly supplierPartNumber: string | null;
  readonly at: ProblemLocation;
}

export interface SupplierInvoice {
  readonly invoiceNumber: string;
  /** ISO date. */
  readonly invoiceDate: string;
  readonly poNumber: string;
  /** ISO 4217; null when the invoice does not say (the partner's default currency applies). */
  readonly currency: string | null;
  readonly lines: readonly SupplierInvoiceLine[];
  /** The invoice total in minor units as the supplier stated it (X12 TDS01, JSON `total`), if it did. */
  readonly totalMinor: number | null;
  readonly at: ProblemLocation;
}

export type ParsedSupplierInvoices =
  | { readonly ok: true; readonly invoices: readonly SupplierInvoice[] }
  | { readonly ok: false; readonly problems: readonly DocumentProblem[] };
