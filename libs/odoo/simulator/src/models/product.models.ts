// product.product (default_code = SKU, barcode = GTIN), product.pricelist and its fixed-price items.
import type { Env } from '../orm/env';
import { asText, type FieldDef, type ModelDef } from '../orm/model.types';
import { always, boolean, char, date, float, many2one, one2many, selection } from './field.builders';
import { type StockQuantities, stockQuantities } from './stock-quantities';

export const productProduct: ModelDef = {
  name: 'product.product',
  description: 'Product Variant',
  order: 'default_code, name, id',
  fields: {
    name: char('Name', { required: true }),
    default_code: char('Internal Reference'),
    barcode: char('Barcode'),
    list_price: float('Sales Price', { default: always(1.0) }),
    standard_price: float('Cost', { default: always(0) }),
    type: selection(
      'Product Type',
      [
        ['consu', 'Goods'],
        ['service', 'Service'],
        ['combo', 'Combo'],
      ],
      { default: always('consu'), required: true },
    ),
    is_storable: boolean('Track Inventory', { default: always(true) }),
    sale_ok: boolean('Can be Sold', { default: always(true) }),
    purchase_ok: boolean('Can be Purchased', { default: always(true) }),
    active: boolean('Active', { default: always(true) }),
    qty_available: quantityField('Quantity On Hand', 'qty_available'),
    free_qty: quantityField('Free To Use Quantity', 'free_qty'),
    incoming_qty: quantityField('Incoming', 'incoming_qty'),
    outgoing_qty: quantityField('Outgoing', 'outgoing_qty'),
    virtual_available: quantityField('Forecasted Quantity', 'virtual_available'),
  },
  displayName: (row) =>
    row.default_code ? `[${asText(row.default_code)}] ${asText(row.name)}` : asText(row.name),
};

/** A stock quantity of the product, computed from quants and moves in the call's context. */
function quantityField(string: string, name: keyof StockQuantities): FieldDef {
  return { type: 'float', string, compute: (row, env) => stockQuantities(env, row)[name] };
}

export const productPricelist: ModelDef = {
  name: 'product.pricelist',
  description: 'Pricelist',
  order: 'sequence, id',
  fields: {
    name: char('Pricelist Name', { required: true }),
    sequence: { type: 'integer', string: 'Sequence', default: always(16) },
    active: boolean('Active', { default: always(true) }),
    item_ids: one2many('product.pricelist.item', 'pricelist_id', 'Pricelist Rules'),
  },
};

export const productPricelistItem: ModelDef = {
  name: 'product.pricelist.item',
  description: 'Pricelist Rule',
  order: 'applied_on, min_quantity desc, id desc',
  fields: {
    pricelist_id: many2one('product.pricelist', 'Pricelist', { required: true, ondelete: 'cascade' }),
    product_id: many2one('product.product', 'Product Variant', { ondelete: 'cascade' }),
    applied_on: selection(
      'Apply On',
      [
        ['3_global', 'All Products'],
        ['2_product_category', 'Product Category'],
        ['1_product', 'Product'],
        ['0_product_variant', 'Product Variant'],
      ],
      { default: always('3_global'), required: true },
    ),
    compute_price: selection(
      'Computation',
      [
        ['fixed', 'Fixed Price'],
        ['percentage', 'Discount'],
        ['formula', 'Formula'],
      ],
      { default: always('fixed'), required: true },
    ),
    fixed_price: float('Fixed Price', { default: always(0) }),
    percent_price: float('Percentage Price', { default: always(0) }),
    min_quantity: float('Min. Quantity', { default: always(0) }),
    date_start: date('Start Date'),
    date_end: date('End Date'),
  },
  displayName: (row, env) =>
    typeof row.product_id === 'number'
      ? `Variant: ${env.displayName('product.product', row.product_id)}`
      : 'All Products',
};

/** Unit price of a product on a pricelist: a matching fixed/percentage rule, else the list price. */
export function pricelistPrice(env: Env, pricelistId: unknown, productId: unknown, quantity = 1): number {
  if (typeof productId !== 'number') return 0;
  const listPrice = Number(env.store.get('product.product', productId)?.list_price ?? 0);
  if (typeof pricelistId !== 'number') return listPrice;
  const today = env.today();
  const rules = env.store
    .referencing('product.pricelist.item', 'pricelist_id', pricelistId)
    .map((id) => env.store.get('product.pricelist.item', id)!)
    .filter(
      (rule) =>
        (rule.product_id === productId || rule.applied_on === '3_global') &&
        Number(rule.min_quantity ?? 0) <= quantity &&
        (!rule.date_start || asText(rule.date_start) <= today) &&
        (!rule.date_end || asText(rule.date_end) >= today),
    )
    .sort((a, b) => asText(a.applied_on).localeCompare(asText(b.applied_on)));
  const rule = rules[0];
  if (!rule) return listPrice;
  if (rule.compute_price === 'percentage') return listPrice * (1 - Number(rule.percent_price ?? 0) / 100);
  return Number(rule.fixed_price ?? 0);
}
