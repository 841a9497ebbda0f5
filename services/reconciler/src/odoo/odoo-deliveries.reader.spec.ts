// The batched read of Odoo's deliveries against the simulator (JSON-2, the read-only key): the shipments'
// sale orders by external id and their outgoing deliveries whatever the state, the deliveries validated in
// the window for the platform's customers (one by hand, found by its sale order's customer), each once
// with its sale order's customer and reference; another customer's validated delivery is not read.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { Command } from '@tradewind/odoo-client';

import { readerAgainstSimulator } from '../test/reader.fixtures';
import { OdooDeliveriesReader } from './odoo-deliveries.reader';

describe('OdooDeliveriesReader against the Odoo simulator', () => {
  const odoo = readerAgainstSimulator((readOnly) => new OdooDeliveriesReader(readOnly));

  it("reads the shipments' deliveries and those validated in the window for the customers, each once", async () => {
    const [product] = await odoo.admin.search('product.product', [['default_code', '=', 'SKU-1001']]);
    const [customer, other] = await odoo.admin.create('res.partner', [
      { name: 'Platform customer' },
      { name: 'Walk-in' },
    ]);
    const from = Date.now() - 1_000;
    /** A confirmed sale order (its delivery made by Odoo), under the writer's external id if given. */
    const order = async (partner: number, ref: string, xid?: string) => {
      const [id] = await odoo.admin.create('sale.order', [
        {
          partner_id: partner,
          client_order_ref: ref,
          order_line: [Command.create({ product_id: product, product_uom_qty: 3 })],
        },
      ]);
      await odoo.admin.callAction('sale.order', 'action_confirm', [id]);
      if (xid !== undefined)
        await odoo.admin.create('ir.model.data', [
          { module: 'tradewind', name: xid, model: 'sale.order', res_id: id },
        ]);
      const [picking] = await odoo.admin.search('stock.picking', [['sale_id', '=', id]]);
      return { id, picking };
    };
    const validate = async (picking: number, tracking: string | false) => {
      await odoo.admin.write('stock.picking', [picking], { carrier_tracking_ref: tracking });
      await odoo.admin.callAction('stock.picking', 'button_validate', [picking]);
    };
    const shipped = await order(customer, 'PO-A', 'so_acme_PO-A');
    const open = await order(customer, 'PO-B', 'so_acme_PO-B');
    const byHand = await order(customer, 'PO-C');
    const walkIn = await order(other, 'W-1');
    await validate(shipped.picking, 'TRK-A');
    await validate(byHand.picking, false);
    await validate(walkIn.picking, 'TRK-W');

    const read = await odoo.reader.read({
      saleOrderExternalIds: ['tradewind.so_acme_PO-A', 'tradewind.so_acme_PO-B', 'tradewind.so_acme_PO-GONE'],
      validatedFrom: from,
      validatedTo: Date.now() + 60_000,
      customerIds: [customer],
      batchSize: 1,
      concurrency: 2,
    });
    assert.deepEqual([...read.saleOrders].sort(), [
      ['tradewind.so_acme_PO-A', shipped.id],
      ['tradewind.so_acme_PO-B', open.id],
    ]);
    assert.deepEqual(
      read.deliveries.map((d) => [
        d.id,
        d.saleOrderId,
        d.state,
        d.trackingRef,
        d.customerId,
        d.clientOrderRef,
      ]),
      [
        [shipped.picking, shipped.id, 'done', 'TRK-A', customer, 'PO-A'],
        [open.picking, open.id, 'assigned', null, customer, 'PO-B'],
        [byHand.picking, byHand.id, 'done', null, customer, 'PO-C'],
      ].sort((a, b) => Number(a[0]) - Number(b[0])),
    );
    const done = read.deliveries.find((d) => d.id === shipped.picking)!;
    assert.ok(done.doneAt !== null && done.doneAt >= from - 1_000, 'date_done read as epoch ms');
    assert.equal(read.deliveries.find((d) => d.id === open.picking)!.doneAt, null);

    // Validated after the window: not the window's (its shipments' orders are still read).
    const later = await odoo.reader.read({
      saleOrderExternalIds: [],
      validatedFrom: from - 3_600_000,
      validatedTo: from,
      customerIds: [customer],
      batchSize: 10,
    });
    assert.deepEqual(later.deliveries, []);
  });
});
