// The business acknowledgement a partner gets for an order: an X12 855 per order for EDI partners, the
// JSON order acknowledgement for the others, as the partner catalog says (`acknowledgements.order`).
// Pure: the X12 control number and the time come in, so the caller decides when they are drawn.
import type { OutboundDocument } from '@tradewind/contracts';
import type { PartnerConfig, PartnerX12Identity } from '@tradewind/partner-catalog';
import {
  acknowledgeOrder,
  type AnyDocumentProblem,
  buildJsonOrderAck,
  buildX12PurchaseOrderAck,
  CONTENT_TYPES,
  DocumentFormat,
  type PartnerSalesOrder,
  replyEnvelope,
  type X12Controls,
  type X12OutboundEnvelope,
} from '@tradewind/partner-documents';

export enum AcknowledgementKind {
  X12PurchaseOrderAck = 'x12-855',
  JsonOrderAck = 'order-ack',
}

export type AcknowledgedOutcome = 'accepted' | 'rejected';

/** Which acknowledgement the partner wants for its orders; undefined: none. */
export function acknowledgementKindFor(partner: PartnerConfig): AcknowledgementKind | undefined {
  const wanted = partner.acknowledgements?.order;
  switch (wanted) {
    case 'x12-855':
      return AcknowledgementKind.X12PurchaseOrderAck;
    case 'json':
      return AcknowledgementKind.JsonOrderAck;
    case undefined:
      return undefined;
  }
}

/** One acknowledgement per order and outcome: the same one is never sent under two ids. */
export function acknowledgementId(
  kind: AcknowledgementKind,
  orderId: string,
  outcome: AcknowledgedOutcome,
): string {
  return `${kind}:${orderId}:${outcome}`;
}

export interface AcknowledgementRequest {
  readonly kind: AcknowledgementKind;
  readonly partner: PartnerConfig;
  /** Our X12 identity (catalog `company.x12`), used when the order did not come in X12. */
  readonly company: PartnerX12Identity | undefined;
  readonly orderId: string;
  readonly order: PartnerSalesOrder;
  readonly outcome: AcknowledgedOutcome;
  /** Every reason of a rejection; line problems reject their line, the others the order. */
  readonly problems: readonly AnyDocumentProblem[];
  /** The order's tracking ids (resubmissions included): what the acknowledgement answers. */
  readonly documentIds: readonly string[];
  /** Our order number (BAK08 / sellerOrderRef) when known. */
  readonly sellerOrderRef?: string;
  readonly preparedAt: Date;
  /** X12 only: ISA13/GS06 of the 855 (ST02 is 0001). */
  readonly controlNumber?: number;
}

export function buildOrderAcknowledgement(request: AcknowledgementRequest): OutboundDocument {
  const problems = request.outcome === 'accepted' ? [] : request.problems;
  const ack = acknowledgeOrder(request.order, problems, {
    ...(request.sellerOrderRef === undefined ? {} : { sellerOrderRef: request.sellerOrderRef }),
  });
  const base = {
    outboundId: acknowledgementId(request.kind, request.orderId, request.outcome),
    partnerId: request.partner.id,
    documentType: request.kind,
    relatesTo: [...request.documentIds],
    createdAt: request.preparedAt.getTime(),
    // An order's acknowledgements reach the partner in the order they were issued.
    orderingKey: request.orderId,
  };
  switch (request.kind) {
    case AcknowledgementKind.X12PurchaseOrderAck: {
      if (request.controlNumber === undefined) throw new Error('an X12 855 needs a control number');
      const controls: X12Controls = {
        interchangeControlNumber: request.controlNumber,
        groupControlNumber: request.controlNumber,
        setControlNumber: 1,
        preparedAt: request.preparedAt,
      };
      const edi = buildX12PurchaseOrderAck(ack, envelopeFor(request, controls));
      return {
        ...base,
        format: DocumentFormat.X12,
        contentType: CONTENT_TYPES[DocumentFormat.X12],
        payload: Buffer.from(edi, 'utf8'),
      };
    }
    case AcknowledgementKind.JsonOrderAck: {
      const json = buildJsonOrderAck(ack, {
        partnerId: request.partner.id,
        documentIds: request.documentIds,
        preparedAt: request.preparedAt,
      });
      return {
        ...base,
        format: DocumentFormat.Json,
        contentType: CONTENT_TYPES[DocumentFormat.Json],
        payload: Buffer.from(json, 'utf8'),
      };
    }
  }
}

/**
 * The 855's envelope: the 850's own ISA/GS addressing turned around (sender and receiver swapped, the
 * partner's application codes, version and usage indicator) when the order came in X12; otherwise the
 * identities in the catalog.
 */
function envelopeFor(request: AcknowledgementRequest, controls: X12Controls): X12OutboundEnvelope {
  if (request.order.x12 !== undefined) return replyEnvelope(request.order.x12, controls);
  const partner = request.partner.x12;
  const company = request.company;
  if (partner === undefined || company === undefined) {
    throw new Error(
      `partner ${request.partner.id} wants X12 855s but the catalog lacks ${partner === undefined ? "the partner's" : 'our'} X12 identity`,
    );
  }
  return {
    senderQualifier: company.qualifier,
    senderId: company.id,
    receiverQualifier: partner.qualifier,
    receiverId: partner.id,
    applicationSenderCode: company.applicationId ?? company.id,
    applicationReceiverCode: partner.applicationId ?? partner.id,
    usageIndicator: partner.usage ?? 'P',
    version: partner.version ?? '004010',
    ...controls,
  };
}
