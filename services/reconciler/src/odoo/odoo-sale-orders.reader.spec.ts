// The batched Odoo read against the simulator (JSON-2, the read-only key): which sale orders one window
// needs, each once, whichever way it was found; a duplicate made by hand after the window ended is found
// by its customer and PO, another customer's record with the same PO is not.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';

import { Command } from '@tradewind/odoo-client';

import { readerAgainstSimulator } from '../test/reader.fixtures';
import { OdooSaleOrdersReader } from './odoo-sale-orders.reader';

describe('OdooSaleOrdersReader against the Odoo simulator', () => {
  const odoo = readerAgainstSimulator((readOnly) => new OdooSaleOrdersReader(readOnly), { seed: false });
  let customers: number[];
  let product: number;
  before(async () => {
    customers = await odoo.admin.create('res.partner', [{ name: 'Reader A' }, { name: 'Reader B' }]);
    [product] = await odoo.admin.create('product.product', [
      { name: 'Reader product', default_code: 'SKU-R1' },
    ]);
  });

  async function saleOrder(customer: number, po: string, externalName?: string): Promise<number> {
    const [id] = await odoo.admin.create('sale.order', [
      {
        partner_id: customer,
        client_order_ref: po,
        order_line: [
          Command.create({ product_id: product, product_uom_qty: 3, price_unit: 2.5 }),
          Command.create({ product_id: product, product_uom_qty: 1, price_unit: 4 }),
        ],
      },
    ]);
    if (externalName !== undefined)
      await odoo.admin.create('ir.model.data', [
        { module: 'tradewind', name: externalName, model: 'sale.order', res_id: id },
      ]);
    return id;
  }

  it('reads by external id, by PO per customer after the window, and by write_date in it, each once', async () => {
    const [a, b] = customers;
    const first = await saleOrder(a, 'PO-R1', 'so_r1');
    const second = await saleOrder(a, 'PO-R2', 'so_r2');
    const duplicate = await saleOrder(a, 'PO-R1'); // by hand: the PO, no external id
    await saleOrder(b, 'PO-R1'); // another customer's PO-R1: not this order's
    const byHand = await saleOrder(a, 'PHONE-1'); // no platform order names it
    const query = {
      externalIds: ['tradewind.so_r1', 'tradewind.so_r2', 'tradewind.so_gone'],
      refsByCustomer: new Map([[a, ['PO-R1', 'PO-R2']]]),
      customerIds: [a],
      batchSize: 2,
      concurrency: 3,
    };

    // A window that ended an hour ago: everything above was written after it.
    const past = await odoo.reader.read({
      ...query,
      writtenFrom: Date.now() - 7_200_000,
      writtenTo: Date.now() - 3_600_000,
    });
    assert.deepEqual(
      past.map((record) => [record.id, record.externalId, record.clientOrderRef]),
      [
        [first, 'tradewind.so_r1', 'PO-R1'],
        [second, 'tradewind.so_r2', 'PO-R2'],
        [duplicate, null, 'PO-R1'],
      ],
    );
    assert.deepEqual(past[0].lines, [
      { sku: 'SKU-R1', quantity: 3, priceUnit: 2.5 },
      { sku: 'SKU-R1', quantity: 1, priceUnit: 4 },
    ]);
    assert.equal(past[0].partnerId, a);
    assert.equal(past[0].amountUntaxed, 11.5);

    // The window holding now: also what Odoo wrote in it for the customer (made by hand), once each.
    const current = await odoo.reader.read({
      ...query,
      writtenFrom: Date.now() - 3_600_000,
      writtenTo: Date.now() + 3_600_000,
    });
    assert.deepEqual(
      current.map((record) => record.id),
      [first, second, duplicate, byHand],
    );
  });
});
