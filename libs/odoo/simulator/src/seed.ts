// Master data from config/masterdata/seed.yaml: warehouses and their stock locations, products (SKU, GTIN,
// list price) with on-hand quants per warehouse, customers with their delivery addresses and the B2B fixed-price list, each
// under its external id.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

import { parse } from 'yaml';

import { seedStandardUnits } from './models/uom.models';
import type { Env } from './orm/env';
import { registerExternalId } from './orm/load';
import { asText } from './orm/model.types';

export interface SeedData {
  company?: { name: string; currency?: string };
  warehouses?: { externalId: string; code: string; name: string; stockLocationExternalId: string }[];
  products?: {
    externalId: string;
    sku: string;
    gtin?: string;
    name: string;
    listPrice: number;
    /** Units on hand per warehouse code (a quant in that warehouse's stock location). */
    stock?: Record<string, number>;
  }[];
  customers?: {
    externalId: string;
    canonicalId?: string;
    name: string;
    email?: string;
    /** Child contacts of type delivery (the ship-to stores of a retailer). */
    deliveryAddresses?: { externalId: string; name: string; street?: string; city?: string; zip?: string }[];
  }[];
  /** Vendors with their price list entries (product.supplierinfo) per SKU. */
  vendors?: {
    externalId: string;
    name: string;
    email?: string;
    supplierInfo?: {
      sku: string;
      productCode: string;
      productName?: string;
      price: number;
      /** Delivery lead time in days. */
      delay: number;
      minQty?: number;
    }[];
  }[];
  /** Taxes (account.tax), percent of the untaxed line amount. */
  taxes?: { externalId: string; name: string; amount: number; typeTaxUse: 'sale' | 'purchase' }[];
  pricelists?: {
    externalId: string;
    name: string;
    currency?: string;
    items?: { sku: string; fixedPrice: number }[];
  }[];
}

/** The repository's seed file, resolved from this library's location. */
export const DEFAULT_SEED_PATH = resolve(__dirname, '../../../../config/masterdata/seed.yaml');

export function loadSeedFile(path: string = DEFAULT_SEED_PATH): SeedData {
  return parse(readFileSync(path, 'utf8')) as SeedData;
}

function createWithXmlid(env: Env, model: string, xmlid: string, vals: Record<string, unknown>): number {
  const [id] = env.create(model, [vals]);
  registerExternalId(env, xmlid, model, id);
  return id;
}

/** Odoo's standard locations (stock module data) that deliveries and receipts use. */
function seedStandardLocations(env: Env): void {
  const physical = createWithXmlid(env, 'stock.location', 'stock.stock_location_locations', {
    name: 'Physical Locations',
    usage: 'view',
  });
  const partners = createWithXmlid(env, 'stock.location', 'stock.stock_location_locations_partner', {
    name: 'Partners',
    usage: 'view',
  });
  createWithXmlid(env, 'stock.location', 'stock.stock_location_customers', {
    name: 'Customers',
    usage: 'customer',
    location_id: partners,
  });
  createWithXmlid(env, 'stock.location', 'stock.stock_location_suppliers', {
    name: 'Vendors',
    usage: 'supplier',
    location_id: partners,
  });
  const virtual = createWithXmlid(env, 'stock.location', 'stock.stock_location_locations_virtual', {
    name: 'Virtual Locations',
    usage: 'view',
  });
  // Where inventory adjustments take stock from and put it (action_apply_inventory).
  createWithXmlid(env, 'stock.location', 'stock.stock_location_inventory', {
    name: 'Inventory adjustment',
    usage: 'inventory',
    location_id: virtual,
  });
  void physical;
}

/** What Odoo's base module installs in every database: the currencies (USD and EUR active). */
export function applyBaseData(env: Env): void {
  createWithXmlid(env, 'res.currency', 'base.USD', {
    name: 'USD',
    full_name: 'United States dollar',
    symbol: '$',
    position: 'before',
  });
  createWithXmlid(env, 'res.currency', 'base.EUR', { name: 'EUR', full_name: 'Euro', symbol: '€' });
  createWithXmlid(env, 'res.currency', 'base.GBP', {
    name: 'GBP',
    full_name: 'Pound sterling',
    symbol: '£',
    position: 'before',
    active: false,
  });
}

export function applySeed(env: Env, seed: SeedData): void {
  if (seed.company) {
    createWithXmlid(env, 'res.partner', 'base.main_partner', { name: seed.company.name, is_company: true });
  }
  seedStandardLocations(env);
  seedStandardUnits(env);
  for (const tax of seed.taxes ?? []) {
    createWithXmlid(env, 'account.tax', tax.externalId, {
      name: tax.name,
      amount: tax.amount,
      amount_type: 'percent',
      type_tax_use: tax.typeTaxUse,
    });
  }
  for (const warehouse of seed.warehouses ?? []) {
    const view = env.create('stock.location', [{ name: warehouse.code, usage: 'view' }])[0];
    const stock = createWithXmlid(env, 'stock.location', warehouse.stockLocationExternalId, {
      name: 'Stock',
      usage: 'internal',
      location_id: view,
    });
    createWithXmlid(env, 'stock.warehouse', warehouse.externalId, {
      name: warehouse.name,
      code: warehouse.code,
      view_location_id: view,
      lot_stock_id: stock,
    });
  }
  const stockByCode = new Map(
    env
      .search('stock.warehouse', [])
      .map((id) => env.store.get('stock.warehouse', id)!)
      .map((w) => [asText(w.code), w.lot_stock_id as number] as const),
  );
  const productBySku = new Map<string, number>();
  for (const product of seed.products ?? []) {
    const id = createWithXmlid(env, 'product.product', product.externalId, {
      name: product.name,
      default_code: product.sku,
      barcode: product.gtin ?? false,
      list_price: product.listPrice,
      type: 'consu',
      is_storable: true,
    });
    productBySku.set(product.sku, id);
    for (const [code, quantity] of Object.entries(product.stock ?? {})) {
      const location = stockByCode.get(code);
      if (location === undefined)
        throw new Error(`seed: product ${product.sku} has stock in unknown warehouse ${code}`);
      if (quantity > 0) {
        env.create('stock.quant', [{ product_id: id, location_id: location, quantity, in_date: env.now() }]);
      }
    }
  }
  for (const customer of seed.customers ?? []) {
    const customerId = createWithXmlid(env, 'res.partner', customer.externalId, {
      name: customer.name,
      email: customer.email ?? false,
      ref: customer.canonicalId ?? false,
      is_company: true,
      customer_rank: 1,
    });
    for (const address of customer.deliveryAddresses ?? []) {
      createWithXmlid(env, 'res.partner', address.externalId, {
        name: address.name,
        type: 'delivery',
        parent_id: customerId,
        street: address.street ?? false,
        city: address.city ?? false,
        zip: address.zip ?? false,
      });
    }
  }
  for (const pricelist of seed.pricelists ?? []) {
    const id = createWithXmlid(env, 'product.pricelist', pricelist.externalId, { name: pricelist.name });
    for (const item of pricelist.items ?? []) {
      const productId = productBySku.get(item.sku);
      if (productId === undefined)
        throw new Error(`seed: price list ${pricelist.externalId} names unknown SKU ${item.sku}`);
      env.create('product.pricelist.item', [
        {
          pricelist_id: id,
          applied_on: '0_product_variant',
          product_id: productId,
          compute_price: 'fixed',
          fixed_price: item.fixedPrice,
        },
      ]);
    }
  }
  for (const vendor of seed.vendors ?? []) {
    const vendorId = createWithXmlid(env, 'res.partner', vendor.externalId, {
      name: vendor.name,
      email: vendor.email ?? false,
      is_company: true,
      supplier_rank: 1,
    });
    for (const info of vendor.supplierInfo ?? []) {
      const productId = productBySku.get(info.sku);
      if (productId === undefined)
        throw new Error(`seed: vendor ${vendor.externalId} names unknown SKU ${info.sku}`);
      env.create('product.supplierinfo', [
        {
          partner_id: vendorId,
          product_id: productId,
          product_code: info.productCode,
          product_name: info.productName ?? false,
          price: info.price,
          delay: info.delay,
          min_qty: info.minQty ?? 0,
        },
      ]);
    }
  }
}
