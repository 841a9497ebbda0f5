// The batched read of Odoo's purchase orders against the simulator (JSON-2, the read-only key): by id and
// by write_date for the suppliers' vendors, each once; a line in Dozens read in Units too; a deleted
// order silently absent; another vendor's order not found by write_date.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { Command } from '@tradewind/odoo-client';

import { readerAgainstSimulator } from '../test/reader.fixtures';
import { OdooPurchaseOrdersReader } from './odoo-purchase-orders.reader';

describe('OdooPurchaseOrdersReader against the Odoo simulator', () => {
  const odoo = readerAgainstSimulator((readOnly) => new OdooPurchaseOrdersReader(readOnly));

  it('reads by id and by write_date for the vendors, each once, in the line unit and in Units', async () => {
    const vendor = await odoo.xmlid('tradewind', 'vendor_boltworks');
    const product = await odoo.xmlid('tradewind', 'product_sku_1002');
    const dozen = await odoo.xmlid('uom', 'product_uom_dozen');
    const [other] = await odoo.admin.create('res.partner', [{ name: 'Bought by hand' }]);
    const from = Date.now() - 1_000;
    const order = async (partner: number) => {
      const [id] = await odoo.admin.create('purchase.order', [
        {
          partner_id: partner,
          order_line: [Command.create({ product_id: product, product_qty: 2, product_uom: dozen })],
        },
      ]);
      await odoo.admin.callAction('purchase.order', 'button_confirm', [id]);
      return id;
    };
    const [ours, byHand, deleted] = [await order(vendor), await order(other), await order(vendor)];
    await odoo.admin.callAction('purchase.order', 'button_cancel', [deleted]);
    await odoo.admin.unlink('purchase.order', [deleted]);
    const to = Date.now() + 2_000;

    const read = await odoo.reader.read({
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
    const byId = await odoo.reader.read({
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
