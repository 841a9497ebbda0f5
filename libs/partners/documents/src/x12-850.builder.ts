// X12 850 purchase order (004010) we send a supplier: BEG (00 original), CUR, per line PO1 with the
// supplier's part number (VP) and our SKU (BP), PID description, DTM*002 delivery requested; CTT.
import type { SupplierOrder, SupplierOrderLine } from './purchase-order-document';
import {
  isoToX12Date,
  writeInterchange,
  x12Number,
  type X12OutboundEnvelope,
  type X12SegmentSpec,
} from './x12-envelope';

export function poLineSegments(line: SupplierOrderLine): X12SegmentSpec[] {
  const segments: X12SegmentSpec[] = [
    [
      'PO1',
      [
        line.lineNumber,
        x12Number(line.quantity),
        line.uom,
        x12Number(line.unitPrice),
        'PE',
        'VP',
        line.supplierPartNumber,
        'BP',
        line.sku,
      ],
    ],
  ];
  if (line.description !== undefined && line.description !== '')
    segments.push(['PID', ['F', '', '', '', line.description.slice(0, 80)]]);
  segments.push(['DTM', ['002', isoToX12Date(line.expectedDate)]]);
  return segments;
}

/** The 850 interchange for one order. */
export function buildX12PurchaseOrder(order: SupplierOrder, envelope: X12OutboundEnvelope): string {
  const segments: X12SegmentSpec[] = [
    ['BEG', ['00', 'SA', order.poNumber, '', isoToX12Date(order.orderDate)]],
    ['CUR', ['BY', order.currency]],
    ['REF', ['PD', String(order.revision)]],
  ];
  for (const line of order.lines) segments.push(...poLineSegments(line));
  segments.push(['CTT', [String(order.lines.length)]]);
  return writeInterchange(envelope, 'PO', [{ transactionSetId: '850', segments }]);
}
