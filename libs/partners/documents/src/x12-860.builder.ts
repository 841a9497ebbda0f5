// X12 860 purchase order change (004010): BCH (04 change, SA), the revision in REF*PD, and per changed
// line POC with its change code (CA changed, DI deleted, AI added) carrying the line as it now is. A
// cancellation of the whole order is an 860 with BCH01 01 and no POC (the order, not its lines, ends).
import type { SupplierOrder, SupplierOrderLine } from './purchase-order-document';
import {
  isoToX12Date,
  writeInterchange,
  x12Number,
  type X12OutboundEnvelope,
  type X12SegmentSpec,
} from './x12-envelope';

export type PoChangeCode = 'CA' | 'DI' | 'AI';

export interface PoLineChange {
  readonly code: PoChangeCode;
  /** The line as it now is (for DI: as it was). */
  readonly line: SupplierOrderLine;
  /** The quantity sent before (POC03 is the new quantity, POC04 the difference). */
  readonly previousQuantity: number;
}

export function buildX12PurchaseOrderChange(
  order: SupplierOrder,
  changes: readonly PoLineChange[],
  envelope: X12OutboundEnvelope,
): string {
  const segments: X12SegmentSpec[] = [
    ['BCH', ['04', 'SA', order.poNumber, '', '', isoToX12Date(order.orderDate)]],
    ['CUR', ['BY', order.currency]],
    ['REF', ['PD', String(order.revision)]],
  ];
  for (const change of changes) {
    const { line } = change;
    const quantity = change.code === 'DI' ? 0 : line.quantity;
    segments.push([
      'POC',
      [
        line.lineNumber,
        change.code,
        x12Number(quantity),
        x12Number(quantity - change.previousQuantity),
        line.uom,
        x12Number(line.unitPrice),
        'PE',
        'VP',
        line.supplierPartNumber,
        'BP',
        line.sku,
      ],
    ]);
    segments.push(['DTM', ['002', isoToX12Date(line.expectedDate)]]);
  }
  segments.push(['CTT', [String(changes.length)]]);
  return writeInterchange(envelope, 'PC', [{ transactionSetId: '860', segments }]);
}

/** The 860 cancelling the whole order (BCH01 01): the buyer cancelled it after it was sent. */
export function buildX12PurchaseOrderCancellation(
  order: SupplierOrder,
  envelope: X12OutboundEnvelope,
): string {
  const segments: X12SegmentSpec[] = [
    ['BCH', ['01', 'SA', order.poNumber, '', '', isoToX12Date(order.orderDate)]],
    ['CUR', ['BY', order.currency]],
    ['REF', ['PD', String(order.revision)]],
  ];
  return writeInterchange(envelope, 'PC', [{ transactionSetId: '860', segments }]);
}
