// The typed stock reads against the Odoo simulator, over JSON-2 (Odoo 19) and JSON-RPC (Odoo 17).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { type OdooSimulator, startOdooSimulator } from '@tradewind/odoo-simulator';

import { createOdooClient } from './odoo.client';
import { readProductStock, readStockQuants } from './odoo-stock.reader';

for (const serverVersion of [19, 17]) {
  void describe(`stock reads (Odoo ${serverVersion})`, () => {
    let sim: OdooSimulator;
    const client = () =>
      createOdooClient({
        url: sim.url,
        db: sim.db,
        apiKey: sim.apiKeys.readOnly,
        login: sim.logins.readOnly,
        apiFlavor: serverVersion >= 19 ? 'json2' : 'jsonrpc',
      });
    before(async () => {
      sim = await startOdooSimulator({ serverVersion });
    });
    after(() => sim.stop());

    void it('reads quants per SKU and warehouse code with the read-only key', async () => {
      const quants = await readStockQuants(client(), { skus: ['SKU-2001'] });
      assert.deepEqual(quants.map((q) => [q.sku, q.warehouseCode, q.quantity, q.reservedQuantity]).sort(), [
        ['SKU-2001', 'EAST', 120, 0],
        ['SKU-2001', 'MAIN', 400, 0],
      ]);
      const east = await readStockQuants(client(), { warehouseCodes: ['EAST'], pageSize: 2 });
      assert.deepEqual(east.map((q) => q.sku).sort(), ['SKU-1001', 'SKU-1002', 'SKU-2001', 'SKU-3001']);
      assert.match(east[0].writeDate, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
      assert.deepEqual(await readStockQuants(client(), { since: '2999-01-01 00:00:00' }), []);
    });

    void it("reads a product's computed quantities in a warehouse or across all", async () => {
      const [main] = sim.store.search('stock.warehouse', [['code', '=', 'MAIN']]);
      assert.deepEqual(
        (await readProductStock(client(), ['SKU-2001'], main)).map((p) => [p.sku, p.qtyAvailable, p.freeQty]),
        [['SKU-2001', 400, 400]],
      );
      assert.equal((await readProductStock(client(), ['SKU-2001']))[0].virtualAvailable, 520);
    });
  });
}
