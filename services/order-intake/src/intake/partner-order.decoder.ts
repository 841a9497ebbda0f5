// The consumer edge: an ingress.documents record to exactly one partner sales order, or an
// OrderIntakeException with a business code (ops.exceptions) when the record cannot be an order. The
// gateway publishes only sound single-order documents, so these are a foreign producer's or a bug's.
import type { IngressDocument } from '@tradewind/contracts';
import {
  checkCanonicalFields,
  DocumentFormat,
  parseSalesOrders,
  type PartnerSalesOrder,
  type SalesOrderLayout,
} from '@tradewind/partner-documents';

import { OrderIntakeErrorCode, OrderIntakeException } from '../order-intake.exception';

export const SALES_ORDER_DOCUMENT_TYPE = 'sales-order';

const FORMATS: ReadonlySet<string> = new Set(Object.values(DocumentFormat));

function isDocumentFormat(format: string): format is DocumentFormat {
  return FORMATS.has(format);
}

export interface DecodedOrder {
  readonly format: DocumentFormat;
  readonly order: PartnerSalesOrder;
}

/** `layout` is the sending partner's (PartnerCatalog.layoutOf), the one the gateway split the upload with. */
export function decodePartnerOrder(document: IngressDocument, layout: SalesOrderLayout): DecodedOrder {
  const where = `document ${document.documentId} of ${document.partnerId}`;
  if (document.documentType !== SALES_ORDER_DOCUMENT_TYPE) {
    throw new OrderIntakeException(
      OrderIntakeErrorCode.UnsupportedDocumentType,
      `${where} is a ${document.documentType}; order-intake handles ${SALES_ORDER_DOCUMENT_TYPE} only`,
    );
  }
  if (!isDocumentFormat(document.format)) {
    throw new OrderIntakeException(
      OrderIntakeErrorCode.UnsupportedFormat,
      `${where} is in format ${document.format}; readable are ${[...FORMATS].join(', ')}`,
    );
  }
  if (document.payload === null) {
    throw new OrderIntakeException(
      OrderIntakeErrorCode.PayloadMissing,
      `${where} carries no inline payload${document.claimCheckUri ? ` (claim check ${document.claimCheckUri} is not supported yet)` : ''}`,
    );
  }
  if (document.correction !== null) return decodeCorrection(document, document.format, where);
  const parsed = parseSalesOrders(document.format, document.payload, layout);
  if (!parsed.ok || parsed.orders.length !== 1) {
    throw new OrderIntakeException(
      OrderIntakeErrorCode.UnreadableDocument,
      `${where} does not hold exactly one sound order (${parsed.orders.length} orders, ${parsed.problems.length} problems)`,
      parsed.problems.slice(0, 50).map((p) => ({ code: p.code, message: p.message, location: p.location })),
    );
  }
  return { format: document.format, order: parsed.orders[0] };
}

/**
 * A correction replayed from the ops console carries the corrected decoded order (the original bytes stay
 * in `payload`): it meets the same canonical field rules as every parsed order, and must be the same PO.
 */
function decodeCorrection(document: IngressDocument, format: DocumentFormat, where: string): DecodedOrder {
  let order: PartnerSalesOrder;
  try {
    order = JSON.parse(document.correction!.record) as PartnerSalesOrder;
  } catch (error) {
    throw new OrderIntakeException(
      OrderIntakeErrorCode.UnreadableDocument,
      `${where} is a correction whose record is not JSON`,
      [],
      { cause: error },
    );
  }
  const problems: { code: string; message: string; location: string | null }[] =
    typeof order !== 'object' || order === null || !Array.isArray(order.lines)
      ? [{ code: 'INVALID_CORRECTION', message: 'the corrected record is not a sales order', location: null }]
      : checkCanonicalFields(order).map((p) => ({ code: p.code, message: p.message, location: p.location }));
  if (problems.length === 0 && document.businessRef !== null && order.poNumber !== document.businessRef) {
    problems.push({
      code: 'INVALID_CORRECTION',
      message: `a correction keeps the PO number ${document.businessRef}`,
      location: null,
    });
  }
  if (problems.length > 0) {
    throw new OrderIntakeException(
      OrderIntakeErrorCode.UnreadableDocument,
      `${where} is a correction that breaks the canonical field rules`,
      problems.slice(0, 50),
    );
  }
  return { format, order: { ...order, format } };
}
