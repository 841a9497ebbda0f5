// sale.order / sale.order.line: draft → sale via action_confirm (creates and reserves the delivery), cancel,
// back to draft; Odoo's messages from addons/sale/models/sale_order.py.
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
  monetary,
  one2many,
  selection,
  text,
} from './field.builders';
import { pricelistPrice } from './product.models';
import { cancelPicking, locationFor, reserve, warehouseStock } from './stock.models';

function linesOf(env: Env, orderId: number): Row[] {
  return env.store
    .referencing('sale.order.line', 'order_id', orderId)
    .map((id) => env.store.get('sale.order.line', id)!);
}

function subtotal(line: Row): number {
  const value =
    Number(line.product_uom_qty ?? 0) * Number(line.price_unit ?? 0) * (1 - Number(line.discount ?? 0) / 100);
  return Math.round(value * 100) / 100;
}

export const saleOrder: ModelDef = {
  name: 'sale.order',
  description: 'Sales Order',
  order: 'date_order desc, id desc',
  fields: {
    name: char('Order Reference', { required: true, default: always('New') }),
    partner_id: many2one('res.partner', 'Customer', { required: true }),
    state: selection(
      'Status',
      [
        ['draft', 'Quotation'],
        ['sent', 'Quotation Sent'],
        ['sale', 'Sales Order'],
        ['cancel', 'Cancelled'],
      ],
      { default: always('draft') },
    ),
    date_order: datetime('Order Date', { required: true, default: ({ env }) => env.now() }),
    commitment_date: datetime('Delivery Date'),
    client_order_ref: char('Customer Reference'),
    origin: char('Source Document'),
    note: text('Terms and conditions'),
    pricelist_id: many2one('product.pricelist', 'Pricelist', {
      default: ({ env, vals }) =>
        typeof vals.partner_id === 'number'
          ? (env.store.get('res.partner', vals.partner_id)?.property_product_pricelist ?? null)
          : null,
    }),
    warehouse_id: many2one('stock.warehouse', 'Warehouse', {
      default: ({ env }) => env.sudo().search('stock.warehouse', [], { limit: 1 })[0] ?? null,
    }),
    order_line: one2many('sale.order.line', 'order_id', 'Order Lines'),
    picking_ids: {
      type: 'one2many',
      string: 'Transfers',
      relation: 'stock.picking',
      compute: (row, env) => env.store.referencing('stock.picking', 'sale_id', row.id),
    },
    amount_untaxed: {
      type: 'monetary',
      string: 'Untaxed Amount',
      compute: (row, env) => linesOf(env, row.id).reduce((sum, line) => sum + subtotal(line), 0),
    },
    amount_tax: { type: 'monetary', string: 'Taxes', compute: () => 0 },
    amount_total: {
      type: 'monetary',
      string: 'Total',
      compute: (row, env) => linesOf(env, row.id).reduce((sum, line) => sum + subtotal(line), 0),
    },
  },
  afterCreate: (env, ids) => {
    for (const id of ids) {
      const row = env.store.get('sale.order', id)!;
      if (row.name === 'New')
        env.store.put('sale.order', { ...row, name: `S${pad(env.store.nextNumber('sale.order'), 5)}` });
    }
  },
  beforeUnlink: (env, ids) => {
    if (ids.some((id) => !['draft', 'cancel'].includes(asText(env.row('sale.order', id).state)))) {
      throw userError(
        'You can not delete a sent quotation or a confirmed sales order. You must first cancel it.',
      );
    }
  },
  actions: {
    action_confirm: (env, ids) => {
      for (const id of ids) {
        const order = env.row('sale.order', id);
        if (!['draft', 'sent'].includes(asText(order.state))) {
          throw userError('Some orders are not in a state requiring confirmation.');
        }
        if (linesOf(env, id).some((line) => typeof line.product_id !== 'number')) {
          throw userError('A line on these orders missing a product, you cannot confirm it.');
        }
      }
      env.write('sale.order', ids, { state: 'sale', date_order: env.now() });
      for (const id of ids) createDelivery(env, id);
      return true;
    },
    action_quotation_sent: (env, ids) => {
      if (ids.some((id) => env.row('sale.order', id).state !== 'draft')) {
        throw userError('Only draft orders can be marked as sent directly.');
      }
      env.write('sale.order', ids, { state: 'sent' });
      return true;
    },
    // Odoo 17/18's confirmed path: a person's Cancel on a confirmed order opens sale.order.cancel (which only
    // alerts when a delivery is done), whose confirm calls action_cancel with disable_cancel_warning; the
    // simulator takes that path at once. Done deliveries stay done (their goods left), open ones are
    // cancelled with their moves; Odoo refuses nothing here (a refusal is a third-party addon's).
    action_cancel: (env, ids) => {
      for (const id of ids) {
        env.row('sale.order', id);
        for (const picking of env.store.referencing('stock.picking', 'sale_id', id))
          cancelPicking(env, picking);
      }
      env.write('sale.order', ids, { state: 'cancel' });
      return true;
    },
    action_draft: (env, ids) => {
      const orders = ids.filter((id) => ['cancel', 'sent'].includes(asText(env.row('sale.order', id).state)));
      env.write('sale.order', orders, { state: 'draft' });
      return true;
    },
  },
};

function createDelivery(env: Env, orderId: number): void {
  const order = env.store.get('sale.order', orderId)!;
  const lines = linesOf(env, orderId).filter((line) => Number(line.product_uom_qty ?? 0) > 0);
  if (lines.length === 0) return;
  const source = warehouseStock(env, order.warehouse_id);
  const destination = locationFor(env, 'stock.stock_location_customers', 'customer');
  const sudo = env.sudo();
  const [pickingId] = sudo.create('stock.picking', [
    {
      picking_type_code: 'outgoing',
      partner_id: order.partner_id,
      origin: order.name,
      sale_id: orderId,
      location_id: source,
      location_dest_id: destination,
      state: 'confirmed',
      scheduled_date: order.commitment_date || env.now(),
      move_ids: lines.map((line) => [
        0,
        0,
        {
          product_id: line.product_id,
          product_uom_qty: line.product_uom_qty,
          sale_line_id: line.id,
          origin: order.name,
          state: 'confirmed',
        },
      ]),
    },
  ]);
  reserve(sudo, [pickingId]);
}

export const saleOrderLine: ModelDef = {
  name: 'sale.order.line',
  description: 'Sales Order Line',
  order: 'order_id, sequence, id',
  fields: {
    order_id: many2one('sale.order', 'Order Reference', { required: true, ondelete: 'cascade' }),
    sequence: integer('Sequence', { default: always(10) }),
    product_id: many2one('product.product', 'Product', { ondelete: 'restrict' }),
    name: text('Description', {
      required: true,
      default: ({ env, vals }) =>
        typeof vals.product_id === 'number' ? env.displayName('product.product', vals.product_id) : null,
    }),
    product_uom_qty: float('Quantity', { default: always(1) }),
    price_unit: float('Unit Price', {
      default: ({ env, vals }) => {
        const order =
          typeof vals.order_id === 'number' ? env.store.get('sale.order', vals.order_id) : undefined;
        return pricelistPrice(env, order?.pricelist_id, vals.product_id, Number(vals.product_uom_qty ?? 1));
      },
    }),
    discount: float('Discount (%)', { default: always(0) }),
    price_subtotal: { type: 'monetary', string: 'Subtotal', compute: (row) => subtotal(row) },
    price_total: { type: 'monetary', string: 'Total', compute: (row) => subtotal(row) },
    qty_delivered: float('Delivery Quantity', { default: always(0) }),
    qty_invoiced: float('Invoiced Quantity', { default: always(0) }),
    state: {
      type: 'selection',
      string: 'Order Status',
      selection: saleStates(),
      compute: (row, env) => env.store.get('sale.order', row.order_id as number)?.state ?? false,
    },
    price_reduce_taxexcl: monetary('Price Reduce Tax excl', {
      compute: (row) => Number(row.price_unit ?? 0) * (1 - Number(row.discount ?? 0) / 100),
    }),
  },
};

function saleStates(): ReadonlyArray<readonly [string, string]> {
  return [
    ['draft', 'Quotation'],
    ['sent', 'Quotation Sent'],
    ['sale', 'Sales Order'],
    ['cancel', 'Cancelled'],
  ];
}
