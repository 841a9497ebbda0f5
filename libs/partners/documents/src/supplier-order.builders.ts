// A purchase order in a supplier's JSON or CSV format (the X12 ones are x12-850/860.builder.ts).
import { purposeOf, type SupplierOrder } from './purchase-order-document';

export const JSON_PURCHASE_ORDER_TYPE = 'tradewind.purchase-order';

/**
 * JSON: the whole order at every revision (`revision` > 1 replaces the previous one, same poNumber);
 * `purpose: cancel` cancels the order (its lines as last sent).
 */
export function buildJsonPurchaseOrder(order: SupplierOrder): string {
  return JSON.stringify({
    type: JSON_PURCHASE_ORDER_TYPE,
    version: 1,
    poNumber: order.poNumber,
    revision: order.revision,
    purpose: purposeOf(order),
    orderDate: order.orderDate,
    currency: order.currency,
    lines: order.lines.map((line) => ({
      lineNumber: line.lineNumber,
      partNumber: line.supplierPartNumber,
      buyerSku: line.sku,
      description: line.description ?? null,
      quantity: line.quantity,
      uom: line.uom,
      unitPrice: line.unitPrice,
      deliveryDate: line.expectedDate,
    })),
  });
}

const CSV_HEADER = [
  'po_number',
  'revision',
  'order_date',
  'line',
  'part_number',
  'buyer_sku',
  'quantity',
  'uom',
  'unit_price',
  'currency',
  'delivery_date',
  // original, replace (the whole order again) or cancel (the order is cancelled): the last column, so a
  // reader of the first eleven is not disturbed.
  'purpose',
];

function csvCell(value: string): string {
  // RFC 4180 quoting; a leading = + - @ is prefixed so a spreadsheet never evaluates it.
  const safe = /^[=+\-@]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** CSV: one row per line, the whole order at every revision; a cancellation carries `cancel` on each row. */
export function buildCsvPurchaseOrder(order: SupplierOrder): string {
  const purpose = purposeOf(order);
  const rows = order.lines.map((line) =>
    [
      order.poNumber,
      String(order.revision),
      order.orderDate,
      line.lineNumber,
      line.supplierPartNumber,
      line.sku,
      String(line.quantity),
      line.uom,
      String(line.unitPrice),
      order.currency,
      line.expectedDate,
      purpose,
    ].map(csvCell),
  );
  return [CSV_HEADER, ...rows].map((row) => row.join(',')).join('\r\n') + '\r\n';
}
