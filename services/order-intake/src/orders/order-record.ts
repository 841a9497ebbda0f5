import type { OrderStatus, SalesOrderLineState, SalesOrderState } from '@tradewind/contracts';
import type { CanonicalSalesOrder } from '@tradewind/partner-catalog';
import type { AnyDocumentProblem, DocumentFormat, PartnerSalesOrder } from '@tradewind/partner-documents';

import type { PricedLine } from '../intake/sales-order.evaluator';

/** One row of `orders`: everything needed to move the order on and to acknowledge it later. */
export interface OrderRecord {
  orderId: string;
  partnerId: string;
  poNumber: string;
  externalId: string;
  status: OrderStatus;
  version: number;
  /** Every tracking id that carried this order, the first one first. */
  documentIds: string[];
  /** The resubmissions among documentIds. */
  duplicateDocumentIds: string[];
  format: DocumentFormat;
  interchangeRef: string | null;
  /** The order as the partner sent it (acknowledgements echo it). */
  partnerOrder: PartnerSalesOrder;
  canonicalOrder: CanonicalSalesOrder | null;
  pricedLines: PricedLine[] | null;
  /** The price list the order was checked against and is priced with in Odoo. */
  pricelistRef: string | null;
  lines: SalesOrderLineState[];
  /** Rejection reasons with their line numbers (the acknowledgement rejects lines by them). */
  problems: AnyDocumentProblem[];
  customerRef: string | null;
  currency: string | null;
  upsertCommandId: string | null;
  confirmCommandId: string | null;
  odooOrderId: number | null;
  ackOutboundId: string | null;
  ackControlNumber: number | null;
  receivedAt: Date;
  acknowledgedAt: Date | null;
  updatedAt: Date;
}

/** The orders.state record of the row's current version. */
export function toOrderState(row: OrderRecord): SalesOrderState {
  return {
    orderId: row.orderId,
    partnerId: row.partnerId,
    poNumber: row.poNumber,
    status: row.status,
    version: row.version,
    documentIds: [...row.documentIds],
    duplicateDocumentIds: [...row.duplicateDocumentIds],
    customerRef: row.customerRef,
    // Commands name the customer by external id; Odoo's numeric id is never read by order-intake.
    odooPartnerId: null,
    currency: row.currency,
    lines: row.lines.map((line) => ({ ...line })),
    rejectionReasons: row.problems.map((p) => ({
      code: p.code,
      message: p.message,
      location: p.location ?? null,
    })),
    odooExternalId: row.upsertCommandId === null ? null : row.externalId,
    odooOrderId: row.odooOrderId,
    updatedAt: row.updatedAt.getTime(),
  };
}
