// purchase.order / purchase.order.line: button_confirm (draft/sent → purchase, creates the receipt),
// button_cancel, button_draft, button_done / button_unlock (lock and unlock a confirmed order), as in
// addons/purchase/models/purchase_order.py (Odoo 17/18). A line's quantity, price, unit or planned date
// changes the order's write_date too: Odoo stores the order's amounts and date_planned computed from its
// lines, so their recompute writes the order (what a poller on write_date relies on).
import type { Env } from '../orm/env';
import { pad } from '../orm/env';
import { asText, type ModelDef, type Row } from '../orm/model.types';
import { userError } from '../orm/python-error';
import {
  always,
  char,
  datetime,
  float,
  integer,
  many2one,
  one2many,
  selection,
  text,
} from './field.builders';
import { cancelPicking, locationFor, reserve, warehouseStock } from './stock.models';
import { sellerFor } from './supplierinfo.models';
import { unitOfMeasure, uomRatio } from './uom.models';

/** The vendor price list entry of a new line's product for its order's vendor and quantity. */
function sellerOf(env: Env, vals: Record<string, unknown>): Row | undefined {
  if (typeof vals.order_id !== 'number' || typeof vals.product_id !== 'number') return undefined;
  const order = env.store.get('purchase.order', vals.order_id);
  if (!order || typeof order.partner_id !== 'number') return undefined;
  return sellerFor(
    env,
    order.partner_id,
    vals.product_id,
    Number(vals.product_qty ?? 1),
    asText(order.date_order).slice(0, 10),
  );
}

/** An Odoo datetime (`YYYY-MM-DD HH:MM:SS`, UTC) plus whole days. */
function addDays(odooDatetime: string, days: number): string {
  const at = new Date(`${odooDatetime.replace(' ', 'T')}Z`);
  at.setUTCDate(at.getUTCDate() + days);
  return at.toISOString().slice(0, 19).replace('T', ' ');
}

function linesOf(env: Env, orderId: number): Row[] {
  return env.store
    .referencing('purchase.order.line', 'order_id', orderId)
    .map((id) => env.store.get('purchase.order.line', id)!);
}

/** Odoo's _compute_qty_invoiced: bills (not cancelled) add their quantity, vendor credit notes take it back. */
export function billedQuantity(env: Env, lineId: number): number {
  let quantity = 0;
  for (const billLineId of env.store.referencing('account.move.line', 'purchase_line_id', lineId)) {
    const billLine = env.store.get('account.move.line', billLineId);
    const bill = billLine ? env.store.get('account.move', billLine.move_id as number) : undefined;
    if (!billLine || !bill || bill.state === 'cancel') continue;
    if (bill.move_type === 'in_invoice') quantity += Number(billLine.quantity ?? 0);
    else if (bill.move_type === 'in_refund') quantity -= Number(billLine.quantity ?? 0);
  }
  return quantity;
}

const subtotal = (line: Row): number =>
  Math.round(Number(line.product_qty ?? 0) * Number(line.price_unit ?? 0) * 100) / 100;

export const purchaseOrder: ModelDef = {
  name: 'purchase.order',
  description: 'Purchase Order',
  order: 'priority desc, id desc',
  fields: {
    name: char('Order Reference', { required: true, default: always('New') }),
    priority: selection(
      'Priority',
      [
        ['0', 'Normal'],
        ['1', 'Urgent'],
      ],
      { default: always('0') },
    ),
    partner_id: many2one('res.partner', 'Vendor', { required: true }),
    partner_ref: char('Vendor Reference'),
    origin: char('Source'),
    state: selection(
      'Status',
      [
        ['draft', 'RFQ'],
        ['sent', 'RFQ Sent'],
        ['to approve', 'To Approve'],
        ['purchase', 'Purchase Order'],
        ['done', 'Locked'],
        ['cancel', 'Cancelled'],
      ],
      { default: always('draft') },
    ),
    date_order: datetime('Order Deadline', { required: true, default: ({ env }) => env.now() }),
    date_approve: datetime('Confirmation Date'),
    date_planned: datetime('Expected Arrival'),
    notes: text('Terms and Conditions'),
    order_line: one2many('purchase.order.line', 'order_id', 'Order Lines'),
    picking_ids: {
      type: 'one2many',
      string: 'Receptions',
      relation: 'stock.picking',
      compute: (row, env) => env.store.referencing('stock.picking', 'purchase_id', row.id),
    },
    amount_untaxed: {
      type: 'monetary',
      string: 'Untaxed Amount',
      compute: (row, env) => linesOf(env, row.id).reduce((sum, line) => sum + subtotal(line), 0),
    },
    // purchase_stock: pending / partial / full, from what the lines received.
    receipt_status: {
      type: 'selection',
      string: 'Receipt Status',
      selection: [
        ['pending', 'Not Received'],
        ['partial', 'Partially Received'],
        ['full', 'Fully Received'],
      ],
      compute: (row, env) => {
        const lines = linesOf(env, row.id).filter((line) => Number(line.product_qty ?? 0) > 0);
        if (lines.length === 0 || !['purchase', 'done'].includes(asText(row.state))) return false;
        const received = lines.filter((l) => Number(l.qty_received ?? 0) >= Number(l.product_qty ?? 0));
        if (received.length === lines.length) return 'full';
        return lines.some((l) => Number(l.qty_received ?? 0) > 0) ? 'partial' : 'pending';
      },
    },
    // _get_invoiced: 'to invoice' while a line has received goods not billed, 'invoiced' once all are.
    invoice_status: {
      type: 'selection',
      string: 'Billing Status',
      selection: [
        ['no', 'Nothing to Bill'],
        ['to invoice', 'Waiting Bills'],
        ['invoiced', 'Fully Billed'],
      ],
      compute: (row, env) => {
        if (!['purchase', 'done'].includes(asText(row.state))) return 'no';
        const lines = linesOf(env, row.id).filter((line) => typeof line.product_id === 'number');
        const toBill = lines.map((l) => Number(l.qty_received ?? 0) - billedQuantity(env, l.id));
        if (toBill.some((q) => q > 1e-9)) return 'to invoice';
        return lines.length > 0 &&
          lines.every((l) => billedQuantity(env, l.id) >= Number(l.product_qty ?? 0) - 1e-9)
          ? 'invoiced'
          : 'no';
      },
    },
    amount_total: {
      type: 'monetary',
      string: 'Total',
      compute: (row, env) => linesOf(env, row.id).reduce((sum, line) => sum + subtotal(line), 0),
    },
  },
  afterCreate: (env, ids) => {
    for (const id of ids) {
      const row = env.store.get('purchase.order', id)!;
      if (row.name === 'New')
        env.store.put('purchase.order', {
          ...row,
          name: `P${pad(env.store.nextNumber('purchase.order'), 5)}`,
        });
    }
  },
  beforeUnlink: (env, ids) => {
    if (ids.some((id) => env.row('purchase.order', id).state !== 'cancel')) {
      throw userError('In order to delete a purchase order, you must cancel it first.');
    }
  },
  actions: {
    button_confirm: (env, ids) => {
      // Odoo skips orders that are not RFQs instead of raising
      const rfqs = ids.filter((id) =>
        ['draft', 'sent'].includes(asText(env.row('purchase.order', id).state)),
      );
      env.write('purchase.order', rfqs, { state: 'purchase', date_approve: env.now() });
      for (const id of rfqs) createReceipt(env, id);
      return true;
    },
    button_cancel: (env, ids) => {
      for (const id of ids) {
        const order = env.row('purchase.order', id);
        const pickings = env.store.referencing('stock.picking', 'purchase_id', id);
        if (pickings.some((p) => env.store.get('stock.picking', p)!.state === 'done')) {
          throw userError(
            `Unable to cancel purchase order ${asText(order.name)} as some receptions have already been done.`,
          );
        }
        for (const picking of pickings) cancelPicking(env, picking);
      }
      env.write('purchase.order', ids, { state: 'cancel' });
      return true;
    },
    button_draft: (env, ids) => {
      env.write('purchase.order', ids, { state: 'draft' });
      return true;
    },
    button_done: (env, ids) => {
      env.write('purchase.order', ids, { state: 'done' });
      return true;
    },
    button_unlock: (env, ids) => {
      env.write('purchase.order', ids, { state: 'purchase' });
      return true;
    },
  },
};

function createReceipt(env: Env, orderId: number): void {
  const order = env.store.get('purchase.order', orderId)!;
  const lines = linesOf(env, orderId).filter(
    (line) => typeof line.product_id === 'number' && Number(line.product_qty ?? 0) > 0,
  );
  if (lines.length === 0) return;
  const sudo = env.sudo();
  const [pickingId] = sudo.create('stock.picking', [
    {
      picking_type_code: 'incoming',
      partner_id: order.partner_id,
      origin: order.name,
      purchase_id: orderId,
      location_id: locationFor(env, 'stock.stock_location_suppliers', 'supplier'),
      location_dest_id: warehouseStock(env),
      state: 'confirmed',
      scheduled_date: order.date_planned || env.now(),
      move_ids: lines.map((line) => [
        0,
        0,
        {
          product_id: line.product_id,
          product_uom_qty: Number(line.product_qty ?? 0) * uomRatio(env, line.product_uom),
          purchase_line_id: line.id,
          origin: order.name,
          state: 'confirmed',
        },
      ]),
    },
  ]);
  reserve(sudo, [pickingId]);
}

/** The fields of a line the order's stored computes (amounts, date_planned, receipt_status) depend on. */
const ORDER_DEPENDS_ON = [
  'product_id',
  'product_qty',
  'product_uom',
  'price_unit',
  'date_planned',
  'qty_received',
];

export const purchaseOrderLine: ModelDef = {
  name: 'purchase.order.line',
  description: 'Purchase Order Line',
  order: 'order_id, sequence, id',
  beforeWrite: (env, ids, vals) => {
    if (!ORDER_DEPENDS_ON.some((field) => field in vals)) return vals;
    const orders = new Set(ids.map((id) => env.store.get('purchase.order.line', id)?.order_id));
    for (const orderId of orders) {
      if (typeof orderId !== 'number') continue;
      const order = env.store.get('purchase.order', orderId);
      if (order) env.store.put('purchase.order', { ...order, write_date: env.now() });
    }
    return vals;
  },
  fields: {
    order_id: many2one('purchase.order', 'Order Reference', { required: true, ondelete: 'cascade' }),
    sequence: integer('Sequence', { default: always(10) }),
    product_id: many2one('product.product', 'Product'),
    name: text('Description', {
      required: true,
      default: ({ env, vals }) =>
        typeof vals.product_id === 'number' ? env.displayName('product.product', vals.product_id) : null,
    }),
    product_qty: float('Quantity', { default: always(1) }),
    product_uom: many2one('uom.uom', 'Unit of Measure', {
      default: ({ env }) => unitOfMeasure(env),
    }),
    product_uom_qty: {
      type: 'float',
      string: 'Total Quantity',
      // product_qty in the product's reference unit (Units): Odoo's _compute_product_uom_qty.
      compute: (row, env) => Number(row.product_qty ?? 0) * uomRatio(env, row.product_uom),
    },
    // The vendor's price list first (product.supplierinfo), else the product's cost: _compute_price_unit_and_date_planned_and_name.
    price_unit: float('Unit Price', {
      default: ({ env, vals }) => {
        const seller = sellerOf(env, vals);
        if (seller) return Number(seller.price ?? 0);
        return typeof vals.product_id === 'number'
          ? Number(env.store.get('product.product', vals.product_id)?.standard_price ?? 0)
          : 0;
      },
    }),
    // The order date plus the vendor's delivery lead time (supplierinfo.delay, days).
    date_planned: datetime('Expected Arrival', {
      default: ({ env, vals }) => {
        const order =
          typeof vals.order_id === 'number' ? env.store.get('purchase.order', vals.order_id) : undefined;
        const start = order?.date_order ? asText(order.date_order) : env.now();
        const delay = Number(sellerOf(env, vals)?.delay ?? 0);
        return addDays(start, delay);
      },
    }),
    qty_received: float('Received Qty', { default: always(0) }),
    // The bill lines of this order line (account.move.line.purchase_line_id): Odoo's invoice_lines.
    invoice_lines: {
      type: 'one2many',
      string: 'Bill Lines',
      relation: 'account.move.line',
      compute: (row, env) => env.store.referencing('account.move.line', 'purchase_line_id', row.id),
    },
    // _compute_qty_invoiced: every bill line of a bill that is not cancelled (a draft counts), credit
    // notes (in_refund) subtracted; bill lines are in the order line's unit.
    qty_invoiced: {
      type: 'float',
      string: 'Billed Qty',
      compute: (row, env) => billedQuantity(env, row.id),
    },
    // purchase_method 'receive' (the default with purchase_stock): what was received and not billed yet.
    qty_to_invoice: {
      type: 'float',
      string: 'To Invoice Quantity',
      compute: (row, env) => {
        const order = env.store.get('purchase.order', row.order_id as number);
        if (!order || !['purchase', 'done'].includes(asText(order.state))) return 0;
        return Number(row.qty_received ?? 0) - billedQuantity(env, row.id);
      },
    },
    price_subtotal: { type: 'monetary', string: 'Subtotal', compute: (row) => subtotal(row) },
    state: {
      type: 'selection',
      string: 'Status',
      selection: [
        ['draft', 'RFQ'],
        ['sent', 'RFQ Sent'],
        ['to approve', 'To Approve'],
        ['purchase', 'Purchase Order'],
        ['done', 'Locked'],
        ['cancel', 'Cancelled'],
      ],
      compute: (row, env) => env.store.get('purchase.order', row.order_id as number)?.state ?? false,
    },
  },
};
