// purchase.order / purchase.order.line: button_confirm (draft/sent → purchase, creates the receipt),
// button_cancel, button_draft (addons/purchase/models/purchase_order.py).
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

function linesOf(env: Env, orderId: number): Row[] {
  return env.store
    .referencing('purchase.order.line', 'order_id', orderId)
    .map((id) => env.store.get('purchase.order.line', id)!);
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
          product_uom_qty: line.product_qty,
          purchase_line_id: line.id,
          origin: order.name,
          state: 'confirmed',
        },
      ]),
    },
  ]);
  reserve(sudo, [pickingId]);
}

export const purchaseOrderLine: ModelDef = {
  name: 'purchase.order.line',
  description: 'Purchase Order Line',
  order: 'order_id, sequence, id',
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
    price_unit: float('Unit Price', {
      default: ({ env, vals }) =>
        typeof vals.product_id === 'number'
          ? Number(env.store.get('product.product', vals.product_id)?.standard_price ?? 0)
          : 0,
    }),
    date_planned: datetime('Expected Arrival'),
    qty_received: float('Received Qty', { default: always(0) }),
    qty_invoiced: float('Billed Qty', { default: always(0) }),
    price_subtotal: { type: 'monetary', string: 'Subtotal', compute: (row) => subtotal(row) },
    state: {
      type: 'selection',
      string: 'Status',
      selection: [
        ['draft', 'RFQ'],
        ['sent', 'RFQ Sent'],
        ['to approve', 'To Approve'],
        ['purchase', 'Purchase Order'],
        ['cancel', 'Cancelled'],
      ],
      compute: (row, env) => env.store.get('purchase.order', row.order_id as number)?.state ?? false,
    },
  },
};
