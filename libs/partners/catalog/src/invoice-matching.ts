// A supplier's invoice matching terms (catalog `invoiceMatching` of a `kind: supplier` partner): how far
// the unit price it invoices may be from the purchase order's before the invoice is held for a buyer.
// Quantities have no tolerance: billed ≤ received minus already billed (docs/invoices-and-payments.md).
import type { PartnerConfig } from './catalog.types';

export interface InvoiceMatchingTerms {
  /** Allowed |invoiced − ordered| unit price, in percent of the ordered; default the partner's priceTolerancePct. */
  readonly priceTolerancePct?: number;
  /** Allowed |invoiced − ordered| unit price in the invoice's currency; no absolute limit when absent. */
  readonly priceToleranceAmount?: number;
}

/** The terms with their defaults resolved: a price must stay within every limit that is set. */
export interface InvoiceTolerance {
  readonly pricePct: number;
  readonly priceAmount: number | null;
}

export const INVOICE_MATCHING_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    priceTolerancePct: { type: 'number', minimum: 0, maximum: 100 },
    priceToleranceAmount: { type: 'number', minimum: 0, maximum: 1_000_000 },
  },
} as const;

export function invoiceToleranceOf(partner: PartnerConfig): InvoiceTolerance {
  return {
    pricePct: partner.invoiceMatching?.priceTolerancePct ?? partner.priceTolerancePct,
    priceAmount: partner.invoiceMatching?.priceToleranceAmount ?? null,
  };
}
