// `odoo-seed` (compose job after Odoo is up): the master data of config/masterdata/seed.yaml into a real
// Odoo through its own external API (libs/odoo/client), so the demo traffic finds its customers, products
// and prices, and purchase-orders its vendors with their price lists (part numbers, lead times). Odoo's
// import (`load`) with the seed's external ids creates or updates each record, so a second run changes
// nothing. The seed's warehouses are created by external id too, and on-hand stock
// goes into each one's stock location through inventory mode, as a stock count would. The integration users and
// their API keys are odoo-init's (deploy/docker/odoo/provision.py); this job runs with the writer's key.
import { defineConfig, loadConfigOrExit, str, variable } from '@tradewind/config';
import { type OdooClient, odooClientFrom, odooConnectionConfig } from '@tradewind/odoo-client';
import { DEFAULT_SEED_PATH, loadSeedFile, type SeedData } from '@tradewind/odoo-simulator';

export const seedConfig = defineConfig({
  // The writer's user: it may create products, partners and price lists.
  odoo: odooConnectionConfig({ access: 'write', timeoutMs: 30_000 }),
  seedFile: variable('MASTERDATA_SEED_FILE', str({ desc: 'The seed YAML', default: DEFAULT_SEED_PATH })),
});

export interface SeedReport {
  /** `<model>: <n> record(s)` per step, then the stock counts applied. */
  lines: string[];
}

const bool = (value: boolean): string => (value ? 'True' : 'False');
const text = (value: string | number | undefined): string => (value === undefined ? '' : String(value));

async function load(
  client: OdooClient,
  model: string,
  fields: string[],
  rows: string[][],
  report: SeedReport,
): Promise<number[]> {
  if (rows.length === 0) return [];
  const result = await client.load(model, fields, rows);
  const errors = result.messages.filter((m) => m.type === 'error');
  if (errors.length > 0 || result.ids === false) {
    throw new Error(`seed: ${model}: ${errors.map((m) => m.message).join('; ') || 'nothing loaded'}`);
  }
  report.lines.push(`${model}: ${result.ids.length} record(s)`);
  return result.ids;
}

export async function seedMasterdata(client: OdooClient, seed: SeedData): Promise<SeedReport> {
  const report: SeedReport = { lines: [] };
  const products = seed.products ?? [];
  const productIds = await load(
    client,
    'product.product',
    ['id', 'name', 'default_code', 'barcode', 'list_price', 'type', 'is_storable'],
    products.map((p) => [p.externalId, p.name, p.sku, text(p.gtin), text(p.listPrice), 'consu', bool(true)]),
    report,
  );
  const customers = seed.customers ?? [];
  await load(
    client,
    'res.partner',
    ['id', 'name', 'email', 'ref', 'is_company', 'customer_rank'],
    customers.map((c) => [c.externalId, c.name, text(c.email), text(c.canonicalId), bool(true), '1']),
    report,
  );
  await load(
    client,
    'res.partner',
    ['id', 'name', 'type', 'parent_id/id', 'street', 'city', 'zip'],
    customers.flatMap((c) =>
      (c.deliveryAddresses ?? []).map((a) => [
        a.externalId,
        a.name,
        'delivery',
        c.externalId,
        text(a.street),
        text(a.city),
        text(a.zip),
      ]),
    ),
    report,
  );
  const bySku = new Map(products.map((p) => [p.sku, p]));
  await loadVendors(client, seed, bySku, report);
  for (const pricelist of seed.pricelists ?? []) {
    await load(client, 'product.pricelist', ['id', 'name'], [[pricelist.externalId, pricelist.name]], report);
    const items = (pricelist.items ?? []).map((item) => {
      const product = bySku.get(item.sku);
      if (!product) throw new Error(`seed: price list ${pricelist.externalId} names unknown SKU ${item.sku}`);
      const itemId = `${pricelist.externalId}_item_${item.sku.toLowerCase().replace(/[^a-z0-9]+/g, '_')}`;
      return [
        itemId,
        pricelist.externalId,
        '0_product_variant',
        product.externalId,
        'fixed',
        text(item.fixedPrice),
      ];
    });
    await load(
      client,
      'product.pricelist.item',
      ['id', 'pricelist_id/id', 'applied_on', 'product_id/id', 'compute_price', 'fixed_price'],
      items,
      report,
    );
  }
  await applyStock(client, seed, productIds, report);
  return report;
}

const slug = (sku: string): string => sku.toLowerCase().replace(/[^a-z0-9]+/g, '_');

/**
 * The seed's vendors (res.partner, supplier_rank 1) and their price list entries (product.supplierinfo:
 * the vendor's part number and name, price, lead time, minimal quantity) per product variant, each by an
 * external id of its own, so a second run updates rather than adds. purchase-orders sends purchase orders
 * in these part numbers (docs/purchase-orders.md).
 */
async function loadVendors(
  client: OdooClient,
  seed: SeedData,
  bySku: ReadonlyMap<string, { externalId: string }>,
  report: SeedReport,
): Promise<void> {
  const vendors = seed.vendors ?? [];
  await load(
    client,
    'res.partner',
    ['id', 'name', 'email', 'is_company', 'supplier_rank'],
    vendors.map((v) => [v.externalId, v.name, text(v.email), bool(true), '1']),
    report,
  );
  const infos = vendors.flatMap((vendor) =>
    (vendor.supplierInfo ?? []).map((info) => {
      const product = bySku.get(info.sku);
      if (!product) throw new Error(`seed: vendor ${vendor.externalId} names unknown SKU ${info.sku}`);
      return [
        `${vendor.externalId}_info_${slug(info.sku)}`,
        vendor.externalId,
        product.externalId,
        info.productCode,
        text(info.productName),
        text(info.price),
        text(info.delay),
        text(info.minQty ?? 0),
      ];
    }),
  );
  await load(
    client,
    'product.supplierinfo',
    ['id', 'partner_id/id', 'product_id/id', 'product_code', 'product_name', 'price', 'delay', 'min_qty'],
    infos,
    report,
  );
}

/**
 * Creates the seed's warehouses by external id (Odoo makes each one's view and `Stock` locations), then sets
 * each product's on-hand quantity per warehouse code in that warehouse's stock location; already right,
 * nothing moves.
 */
async function applyStock(
  client: OdooClient,
  seed: SeedData,
  productIds: number[],
  report: SeedReport,
): Promise<void> {
  await load(
    client,
    'stock.warehouse',
    ['id', 'name', 'code'],
    (seed.warehouses ?? []).map((w) => [w.externalId, w.name, w.code]),
    report,
  );
  const counted = (seed.products ?? []).flatMap((p, i) =>
    Object.entries(p.stock ?? {}).map(([code, onHand]) => ({ productId: productIds[i], code, onHand })),
  );
  if (counted.length === 0) return;
  const warehouses = await client.searchRead<{ id: number; code: string; lot_stock_id: [number, string] }>(
    'stock.warehouse',
    [],
    { fields: ['code', 'lot_stock_id'] },
  );
  const stockLocationOf = new Map(warehouses.map((w) => [w.code, w.lot_stock_id[0]]));
  const inventoryMode = { context: { inventory_mode: true } };
  let applied = 0;
  for (const { productId, code, onHand } of counted) {
    const location = stockLocationOf.get(code);
    if (location === undefined)
      throw new Error(`seed: stock for warehouse ${code}, which Odoo does not have`);
    const [quant] = await client.searchRead<{ id: number; quantity: number }>(
      'stock.quant',
      [
        ['product_id', '=', productId],
        ['location_id', '=', location],
      ],
      { fields: ['quantity'], limit: 1 },
    );
    if (quant && quant.quantity === onHand) continue;
    let quantId = quant?.id;
    if (quantId === undefined) {
      [quantId] = await client.create(
        'stock.quant',
        [{ product_id: productId, location_id: location, inventory_quantity: onHand }],
        inventoryMode,
      );
    } else {
      await client.write('stock.quant', [quantId], { inventory_quantity: onHand }, inventoryMode);
    }
    await client.callAction('stock.quant', 'action_apply_inventory', [quantId], inventoryMode);
    applied++;
  }
  report.lines.push(`stock.quant: ${applied} count(s) applied, ${counted.length - applied} already right`);
}

if (require.main === module) {
  const config = loadConfigOrExit(seedConfig).values;
  const client = odooClientFrom(config.odoo, { userAgent: 'tradewind-odoo-seed' });
  seedMasterdata(client, loadSeedFile(config.seedFile)).then(
    (report) => {
      for (const line of report.lines) console.log(`odoo-seed: ${line}`);
    },
    (error: unknown) => {
      console.error(`odoo-seed: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
