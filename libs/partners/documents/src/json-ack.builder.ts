// JSON order acknowledgement for partners without EDI (portal, marketplace). Fields are written in a
// fixed order and carry no clock of their own, so the same acknowledgement is always the same bytes.
import type { OrderAcknowledgement } from './order-acknowledgement';

export interface JsonAckContext {
  readonly partnerId: string;
  /** Tracking ids of the inbound documents this answers. */
  readonly documentIds?: readonly string[];
  /** When it was prepared; omitted from the output when not given. */
  readonly preparedAt?: Date;
}

export const JSON_ACK_TYPE = 'order-acknowledgement';
export const JSON_ACK_VERSION = 1;

export function buildJsonOrderAck(ack: OrderAcknowledgement, context: JsonAckContext): string {
  const body = {
    type: JSON_ACK_TYPE,
    version: JSON_ACK_VERSION,
    partnerId: context.partnerId,
    ...(context.documentIds === undefined ? {} : { documentIds: [...context.documentIds] }),
    ...(context.preparedAt === undefined ? {} : { preparedAt: context.preparedAt.toISOString() }),
    poNumber: ack.poNumber,
    orderDate: ack.orderDate,
    status: ack.status,
    ...(ack.sellerOrderRef === undefined ? {} : { sellerOrderRef: ack.sellerOrderRef }),
    reasons: ack.reasons.map((r) => ({
      code: r.code,
      message: r.message,
      ...(r.location === undefined ? {} : { location: r.location }),
    })),
    lines: ack.lines.map((l) => ({
      lineNumber: l.lineNumber,
      status: l.status,
      quantity: l.quantity,
      uom: l.uom,
      ...(l.unitPrice === undefined ? {} : { unitPrice: l.unitPrice }),
      reasons: l.reasons.map((r) => ({
        code: r.code,
        message: r.message,
        ...(r.location === undefined ? {} : { location: r.location }),
      })),
    })),
  };
  return JSON.stringify(body);
}
