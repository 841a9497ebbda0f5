// X12 855 purchase order acknowledgement (004010), one transaction set per order:
// BAK, CUR, header reasons as N9*L1 + MSG, then per PO1 loop: PO1 (echo), ACK (line status),
// line reasons as N9*L1 + MSG (the PO1 loop's N9 loop follows ACK), and CTT.
import {
  type AckReason,
  type LineAcknowledgement,
  LineAckStatus,
  type OrderAcknowledgement,
  OrderAckStatus,
} from './order-acknowledgement';
import { ItemIdQualifier, type PartnerItemId } from './partner-sales-order';
import {
  isoToX12Date,
  writeInterchange,
  x12Number,
  type X12OutboundEnvelope,
  type X12SegmentSpec,
} from './x12-envelope';

/** BAK02 acknowledgment type per order status. */
export function bakAcknowledgmentType(status: OrderAckStatus): 'AD' | 'AC' | 'RJ' {
  switch (status) {
    case OrderAckStatus.Accepted:
      return 'AD'; // Acknowledge - with detail, no change
    case OrderAckStatus.AcceptedWithChanges:
      return 'AC'; // Acknowledge - with detail and change
    case OrderAckStatus.Rejected:
      return 'RJ'; // Rejected
  }
}

/** ACK01 line item status code per line status. */
export function ackLineStatusCode(status: LineAckStatus): 'IA' | 'IC' | 'IB' | 'IR' {
  switch (status) {
    case LineAckStatus.Accepted:
      return 'IA';
    case LineAckStatus.Changed:
      return 'IC';
    case LineAckStatus.Backordered:
      return 'IB';
    case LineAckStatus.Rejected:
      return 'IR';
  }
}

/** X12 product id qualifier for an id that did not come in X12. */
function x12QualifierFor(id: PartnerItemId): string | undefined {
  switch (id.qualifier) {
    case ItemIdQualifier.VendorSku:
      return 'VP';
    case ItemIdQualifier.PartnerSku:
      return 'BP';
    case ItemIdQualifier.Gtin:
      // UPC-A (12) is UP, EAN/GTIN-13 is EN, GTIN-14 is UK; GTIN-8 travels padded as GTIN-14.
      return id.value.length === 12 ? 'UP' : id.value.length === 13 ? 'EN' : 'UK';
    case ItemIdQualifier.Other:
      return undefined;
  }
}

/** The 855 interchange for one order. */
export function buildX12PurchaseOrderAck(ack: OrderAcknowledgement, envelope: X12OutboundEnvelope): string {
  const segments: X12SegmentSpec[] = [
    [
      'BAK',
      [
        '00',
        bakAcknowledgmentType(ack.status),
        ack.poNumber,
        isoToX12Date(ack.orderDate),
        '',
        '',
        '',
        ack.sellerOrderRef ?? '',
        isoToX12Date(envelope.preparedAt.toISOString().slice(0, 10)),
      ],
    ],
  ];
  if (ack.currency !== undefined) segments.push(['CUR', ['SE', ack.currency]]);
  segments.push(...reasonSegments(ack.reasons));
  for (const line of ack.lines) segments.push(...lineSegments(line));
  segments.push(['CTT', [String(ack.lines.length)]]);
  return writeInterchange(envelope, 'PR', [{ transactionSetId: '855', segments }]);
}

function lineSegments(line: LineAcknowledgement): X12SegmentSpec[] {
  const ids = line.itemIds.flatMap((id: PartnerItemId) => {
    // Echo the ids as the partner sent them when they came in X12; translate JSON/CSV qualifiers.
    const fromX12 = /^[A-Z0-9]{2}$/.test(id.sourceQualifier);
    const qualifier = fromX12 ? id.sourceQualifier : x12QualifierFor(id);
    const value =
      !fromX12 && id.qualifier === ItemIdQualifier.Gtin && id.value.length === 8
        ? id.value.padStart(14, '0')
        : id.value;
    return qualifier === undefined ? [] : [qualifier, value];
  });
  const quantity = x12Number(line.quantity);
  return [
    [
      'PO1',
      [
        line.lineNumber,
        quantity,
        line.uom,
        line.unitPrice === undefined ? '' : x12Number(line.unitPrice),
        '',
        ...ids,
      ],
    ],
    ['ACK', [ackLineStatusCode(line.status), quantity, line.uom]],
    ...reasonSegments(line.reasons),
  ];
}

/** N9*L1 with the reason code, then its text in MSG01 (264 characters at most). */
function reasonSegments(reasons: readonly AckReason[]): X12SegmentSpec[] {
  return reasons.flatMap((r): X12SegmentSpec[] => {
    const text = r.location === undefined ? r.message : `${r.message} (${r.location})`;
    return [
      ['N9', ['L1', r.code.slice(0, 30)]],
      ['MSG', [text.slice(0, 264)]],
    ];
  });
}
