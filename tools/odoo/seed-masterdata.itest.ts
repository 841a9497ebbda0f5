// The master-data seed through Odoo's API, against the Odoo simulator started as a fresh Odoo is after
// its modules are installed (one warehouse, no products or customers): the seeded records match what the
// simulator's own seed of the same file holds, and a second run changes nothing.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { createOdooClient, type OdooClient } from '@tradewind/odoo-client';
import { loadSeedFile, type OdooSimulator, startOdooSimulator } from '@tradewind/odoo-simulator';

import { seedMasterdata } from './seed-masterdata';

const SEED = loadSeedFile();

interface Snapshot {
  products: unknown[];
  customers: unknown[];
  addresses: unknown[];
  prices: unknown[];
  stock: unknown[];
  vendors: unknown[];
  supplierInfo: unknown[];
}

/** What order-intake and the writer look up, by business keys (database ids differ between the two). */
async function snapshot(client: OdooClient): Promise<Snapshot> {
  const products = await client.searchRead<{ id: number; default_code: string }>('product.product', [], {
    fields: ['default_code', 'name', 'barcode', 'list_price', 'type', 'is_storable'],
    order: 'default_code',
  });
  const skuOf = new Map(products.map((p) => [p.id, p.default_code]));
  const strip = <T extends { id?: number }>(rows: T[]) => rows.map(({ id: _id, ...rest }) => rest);
  const quants = await client.searchRead<{
    id: number;
    product_id: [number, string];
    warehouse_id: [number, string];
    quantity: number;
  }>('stock.quant', [['quantity', '>', 0]], { fields: ['product_id', 'warehouse_id', 'quantity'] });
  const warehouses = await client.searchRead<{ id: number; code: string }>('stock.warehouse', [], {
    fields: ['code'],
  });
  const codeOf = new Map(warehouses.map((w) => [w.id, w.code]));
  const items = await client.searchRead<{ id: number; product_id: [number, string]; fixed_price: number }>(
    'product.pricelist.item',
    [],
    { fields: ['product_id', 'fixed_price', 'compute_price', 'applied_on'] },
  );
  const vendors = await client.searchRead<{ id: number; name: string }>(
    'res.partner',
    [['supplier_rank', '>', 0]],
    { fields: ['name', 'email', 'is_company', 'supplier_rank'], order: 'name' },
  );
  const vendorOf = new Map(vendors.map((v) => [v.id, v.name]));
  const infos = await client.searchRead<{
    id: number;
    partner_id: [number, string];
    product_id: [number, string];
  }>('product.supplierinfo', [], {
    fields: ['partner_id', 'product_id', 'product_code', 'product_name', 'price', 'delay', 'min_qty'],
  });
  return {
    vendors: strip(vendors),
    supplierInfo: infos
      .map(({ partner_id, product_id, ...rest }) => ({
        ...strip([rest])[0],
        vendor: vendorOf.get(partner_id[0]),
        sku: skuOf.get(product_id[0]),
      }))
      .sort((a, b) => `${a.vendor} ${a.sku}`.localeCompare(`${b.vendor} ${b.sku}`)),
    products: strip(products),
    customers: strip(
      await client.searchRead('res.partner', [['customer_rank', '>', 0]], {
        fields: ['name', 'email', 'ref', 'is_company'],
        order: 'ref',
      }),
    ),
    addresses: (
      await client.searchRead<{ id: number; name: string; parent_id: [number, string]; city: string }>(
        'res.partner',
        [['type', '=', 'delivery']],
        { fields: ['name', 'parent_id', 'city'], order: 'name' },
      )
    ).map((a) => ({ name: a.name, parent: a.parent_id[1], city: a.city })),
    prices: items
      .map((i) => ({ ...strip([i])[0], product_id: skuOf.get(i.product_id[0]) }))
      .sort((a, b) => String(a.product_id).localeCompare(String(b.product_id))),
    stock: quants
      .map((q) => ({
        sku: skuOf.get(q.product_id[0]),
        warehouse: codeOf.get(q.warehouse_id[0]),
        quantity: q.quantity,
      }))
      .sort((a, b) => `${a.sku} ${a.warehouse}`.localeCompare(`${b.sku} ${b.warehouse}`)),
  };
}

void describe('odoo-seed: master data through Odoo’s external API', () => {
  let fresh: OdooSimulator;
  let reference: OdooSimulator;
  let client: OdooClient;

  before(async () => {
    // A fresh Odoo: the stock module's warehouse and location, nothing of ours.
    fresh = await startOdooSimulator({
      seed: {
        warehouses: [
          {
            externalId: 'stock.warehouse0',
            code: 'WH',
            name: 'YourCompany',
            stockLocationExternalId: 'stock.stock_location_stock',
          },
        ],
      },
    });
    reference = await startOdooSimulator();
    client = createOdooClient({ url: fresh.url, db: fresh.db, apiKey: fresh.apiKeys.write });
  });
  after(async () => {
    await fresh?.stop();
    await reference?.stop();
  });

  void it('creates what the seed file holds, as the simulator’s own seed has it', async () => {
    const report = await seedMasterdata(client, SEED);
    assert.ok(
      report.lines.some((l) => l.startsWith('product.product: 8 record(s)')),
      report.lines.join('\n'),
    );
    const seeded = await snapshot(client);
    const expected = await snapshot(
      createOdooClient({ url: reference.url, db: reference.db, apiKey: reference.apiKeys.write }),
    );
    assert.deepEqual(seeded, expected);
    assert.equal(seeded.products.length, SEED.products?.length);
    assert.equal(seeded.vendors.length, SEED.vendors?.length);
    assert.equal(
      seeded.supplierInfo.length,
      SEED.vendors?.reduce((n, v) => n + (v.supplierInfo?.length ?? 0), 0),
    );
    assert.ok(seeded.supplierInfo.length > 0);
    assert.equal(
      seeded.stock.length,
      SEED.products?.reduce((n, p) => n + Object.keys(p.stock ?? {}).length, 0),
    );
  });

  void it('changes nothing when run again', async () => {
    const before = await snapshot(client);
    const counts = async () =>
      Promise.all(
        [
          'product.product',
          'res.partner',
          'product.pricelist.item',
          'stock.quant',
          'product.supplierinfo',
        ].map((m) => client.searchCount(m, [])),
      );
    const countsBefore = await counts();
    const report = await seedMasterdata(client, SEED);
    const stockCounts = SEED.products?.reduce((n, p) => n + Object.keys(p.stock ?? {}).length, 0);
    assert.ok(
      report.lines.includes(`stock.quant: 0 count(s) applied, ${stockCounts} already right`),
      report.lines.join('\n'),
    );
    assert.deepEqual(await counts(), countsBefore);
    assert.deepEqual(await snapshot(client), before);
  });

  void it('is refused with the read-only key (the job runs with the writer’s)', async () => {
    const reader = createOdooClient({ url: fresh.url, db: fresh.db, apiKey: fresh.apiKeys.readOnly });
    await assert.rejects(seedMasterdata(reader, SEED));
  });
});
