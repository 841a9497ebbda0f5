// The batched read of Odoo's purchase orders against the simulator (JSON-2, the read-only key): by id and
// by write_date for the suppliers' vendors, each once; a line in Dozens read in Units too; a deleted
// order silently absent; another vendor's order not found by write_date.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { Command, createOdooClient, type OdooClient } from '@tradewind/odoo-client';
import { type OdooSimulator, startOdooSimulator } from '@tradewind/odoo-simulator';

import { OdooPurchaseOrdersReader } from './odoo-purchase-orders.reader';

describe('OdooPurchaseOrdersReader against the Odoo simulator', () => {
  let sim: OdooSimulator;
  let admin: OdooClient;
  let reader: OdooPurchaseOrdersReader;

  before(async () => {
    sim = await startOdooSimulator();
    const client = (apiKey: string) =>
      createOdooClient({ url: sim.url, db: sim.db, apiKey, apiFlavor: 'json2', maxConcurrentRequests: 2 });
    admin = client(sim.apiKeys.write);
    reader = new OdooPurchaseOrdersReader(client(sim.apiKeys.readOnly));
  });
  after(() => sim.stop());

  const xmlid = async (module: string, name: string) =>
    (
      await admin.searchRead(
        'ir.model.data',
        [
          ['module', '=', module],
          ['name', '=', name],
        ],
        { fields: ['res_id'] },
      )
    )[0].res_id as number;

  it('reads by id and by write_date for the vendors, each once, in the line unit and in Units', async () => {
    const vendor = await xmlid('tradewind', 'vendor_boltworks');
    const product = await xmlid('tradewind', 'product_sku_1002');
    const dozen = await xmlid('uom', 'product_uom_dozen');
    const [other] = await admin.create('res.partner', [{ name: 'Bought by hand' }]);
    const from = Date.now() - 1_000;
    const order = async (partner: number) => {
      const [id] = await admin.create('purchase.order', [
        {
          partner_id: partner,
          order_line: [Command.create({ product_id: product, product_qty: 2, product_uom: dozen })],
        },
      ]);
      await admin.callAction('purchase.order', 'button_confirm', [id]);
      return id;
    };
    const [ours, byHand, deleted] = [await order(vendor), await order(other), await order(vendor)];
    await admin.callAction('purchase.order', 'button_cancel', [deleted]);
    await admin.unlink('purchase.order', [deleted]);
    const to = Date.now() + 2_000;

    const read = await reader.read({
      ids: [ours, deleted],
      writtenFrom: from,
      writtenTo: to,
      vendorIds: [vendor],
      batchSize: 1,
      concurrency: 2,
    });
    assert.deepEqual(
      read.map((r) => r.id),
      [ours],
    );
    const [po] = read;
    assert.equal(po.state, 'purchase');
    assert.equal(po.partnerId, vendor);
    assert.ok(po.writtenAt >= from - 1_000 && po.writtenAt <= to, String(po.writtenAt));
    assert.deepEqual(po.lines, [{ sku: 'SKU-1002', quantity: 2, units: 24, priceUnit: 0.9 }]);
    assert.equal(po.amountUntaxed, 1.8);

    // By id whatever the vendor; never by write_date for a vendor not asked for.
    const byId = await reader.read({
      ids: [byHand],
      writtenFrom: from,
      writtenTo: to,
      vendorIds: [],
      batchSize: 10,
    });
    assert.deepEqual(
      byId.map((r) => r.id),
      [byHand],
    );
  });
});
