// A customer invoice or credit note as it is sent to the customer, whatever the format (X12 810, JSON,
// CSV). Amounts are integer minor units; quantities and unit prices decimal texts as the ERP holds them.

export interface OutboundInvoiceLine {
  readonly lineNumber: number;
  readonly sku: string | null;
  readonly description: string;
  readonly quantity: string;
  readonly unitPrice: string;
  readonly subtotalMinor: number;
  readonly taxMinor: number;
  readonly totalMinor: number;
  /** Percent rates of the line's taxes (decimal texts). */
  readonly taxRates: readonly string[];
}

export interface OutboundInvoice {
  /** INV/2026/00001, RINV/2026/00001 */
  readonly number: string;
  readonly kind: 'invoice' | 'credit-note';
  /** The invoice a credit note reverses. */
  readonly creditNoteFor: string | null;
  readonly invoiceDate: string;
  readonly dueDate: string | null;
  readonly currency: string;
  /** The customer's canonical id (masterdata canonicalId) and name. */
  readonly customerId: string;
  readonly customerName: string;
  readonly untaxedMinor: number;
  readonly taxMinor: number;
  readonly totalMinor: number;
  readonly lines: readonly OutboundInvoiceLine[];
}
