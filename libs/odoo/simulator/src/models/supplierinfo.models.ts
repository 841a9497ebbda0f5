// product.supplierinfo: a vendor's price list entry for a product (addons/product/models/product_supplierinfo.py,
// Odoo 17/18): the vendor's own code and name for it, the minimal quantity, the price and the delivery lead
// time in days. Purchase lines take their price and planned date from the matching entry (_select_seller:
// the vendor's entries valid on the order date, whose minimal quantity the line reaches, by sequence).
import type { Env } from '../orm/env';
import { asText, type ModelDef, type Row } from '../orm/model.types';
import { always, char, date, float, integer, many2one } from './field.builders';

export const productSupplierinfo: ModelDef = {
  name: 'product.supplierinfo',
  description: 'Supplier Pricelist',
  order: 'sequence, min_qty desc, price, id',
  fields: {
    partner_id: many2one('res.partner', 'Vendor', { required: true, ondelete: 'cascade' }),
    product_name: char('Vendor Product Name'),
    product_code: char('Vendor Product Code'),
    sequence: integer('Sequence', { default: always(1) }),
    min_qty: float('Quantity', { default: always(0), required: true }),
    price: float('Price', { default: always(0), required: true }),
    date_start: date('Start Date'),
    date_end: date('End Date'),
    product_id: many2one('product.product', 'Product Variant'),
    delay: integer('Delivery Lead Time', { default: always(1), required: true }),
  },
  displayName: (row, env) => env.displayName('res.partner', row.partner_id as number),
};

/** The vendor's entry for the product, as _select_seller picks it; undefined when it has none. */
export function sellerFor(
  env: Env,
  partnerId: number,
  productId: number,
  quantity: number,
  onDate: string,
): Row | undefined {
  return env.store
    .referencing('product.supplierinfo', 'partner_id', partnerId)
    .map((id) => env.store.get('product.supplierinfo', id)!)
    .filter(
      (info) =>
        (info.product_id === productId || typeof info.product_id !== 'number') &&
        Number(info.min_qty ?? 0) <= quantity &&
        (!info.date_start || asText(info.date_start) <= onDate) &&
        (!info.date_end || asText(info.date_end) >= onDate),
    )
    .sort(
      (a, b) =>
        Number(a.sequence ?? 1) - Number(b.sequence ?? 1) ||
        Number(b.min_qty ?? 0) - Number(a.min_qty ?? 0) ||
        a.id - b.id,
    )[0];
}
