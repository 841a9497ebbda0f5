// The platform's answer to one sales order, independent of the format it is sent in (X12 855 or JSON).
import type { AnyDocumentProblem } from './document-problem';
import type { PartnerItemId, PartnerSalesOrder } from './partner-sales-order';

export enum OrderAckStatus {
  Accepted = 'accepted',
  AcceptedWithChanges = 'accepted-with-changes',
  Rejected = 'rejected',
}

export enum LineAckStatus {
  Accepted = 'accepted',
  Changed = 'changed',
  Backordered = 'backordered',
  Rejected = 'rejected',
}

export interface AckReason {
  readonly code: string;
  readonly message: string;
  readonly location?: string;
}

export interface LineAcknowledgement {
  readonly lineNumber: string;
  readonly status: LineAckStatus;
  /** Quantity acknowledged, in the partner's unit. */
  readonly quantity: number;
  readonly uom: string;
  readonly unitPrice?: number;
  readonly itemIds: readonly PartnerItemId[];
  readonly reasons: readonly AckReason[];
}

export interface OrderAcknowledgement {
  readonly poNumber: string;
  /** ISO date of the partner's order. */
  readonly orderDate: string;
  readonly status: OrderAckStatus;
  readonly currency?: string;
  /** Our order reference (e.g. the Odoo order name) when known. */
  readonly sellerOrderRef?: string;
  /** Reasons concerning the order as a whole. */
  readonly reasons: readonly AckReason[];
  readonly lines: readonly LineAcknowledgement[];
}

export interface AcknowledgementOptions {
  /** Accept the valid lines of an order whose only problems are line problems (status accepted-with-changes). */
  readonly partialAcceptance?: boolean;
  readonly sellerOrderRef?: string;
}

/**
 * The acknowledgement of an order given the problems found in it: problems naming a line reject that
 * line, others reject the order. Without partialAcceptance any problem rejects the whole order.
 */
export function acknowledgeOrder(
  order: PartnerSalesOrder,
  problems: readonly AnyDocumentProblem[],
  options: AcknowledgementOptions = {},
): OrderAcknowledgement {
  const reason = (p: AnyDocumentProblem): AckReason => ({
    code: p.code,
    message: p.message,
    location: p.location,
  });
  const lineNumbers = new Set(order.lines.map((l) => l.lineNumber));
  const orderReasons = problems
    .filter((p) => p.lineNumber === undefined || !lineNumbers.has(p.lineNumber))
    .map(reason);
  const rejectAll = orderReasons.length > 0 || (problems.length > 0 && options.partialAcceptance !== true);
  const lines = order.lines.map((line): LineAcknowledgement => {
    const own = problems.filter((p) => p.lineNumber === line.lineNumber).map(reason);
    return {
      lineNumber: line.lineNumber,
      status: own.length > 0 || rejectAll ? LineAckStatus.Rejected : LineAckStatus.Accepted,
      quantity: line.quantity,
      uom: line.uom,
      ...(line.unitPrice === undefined ? {} : { unitPrice: line.unitPrice }),
      itemIds: line.itemIds,
      reasons: own,
    };
  });
  const acceptedLines = lines.filter((l) => l.status !== LineAckStatus.Rejected).length;
  const status =
    rejectAll || acceptedLines === 0
      ? OrderAckStatus.Rejected
      : acceptedLines === lines.length
        ? OrderAckStatus.Accepted
        : OrderAckStatus.AcceptedWithChanges;
  return {
    poNumber: order.poNumber,
    orderDate: order.orderDate,
    status,
    ...(order.currency === undefined ? {} : { currency: order.currency }),
    ...(options.sellerOrderRef === undefined ? {} : { sellerOrderRef: options.sellerOrderRef }),
    reasons: orderReasons,
    lines,
  };
}
