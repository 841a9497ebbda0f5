// The batched read of Odoo's journal entries against the simulator (JSON-2, the read-only key): a customer
// invoice by id (deleted ones silently absent), a vendor bill by the odoo-writer's external id and one
// entered by hand by its supplier's number, the posted moves written in the window for the customers and
// vendors asked for (not others', not drafts), each once, amounts in minor units.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { Command } from '@tradewind/odoo-client';

import { readerAgainstSimulator } from '../test/reader.fixtures';
import { OdooAccountMovesReader } from './odoo-account-moves.reader';

describe('OdooAccountMovesReader against the Odoo simulator', () => {
  const odoo = readerAgainstSimulator((readOnly) => new OdooAccountMovesReader(readOnly));

  it('reads invoices by id, bills by external id and by number, and the window’s posted moves of the partners', async () => {
    const customer = await odoo.xmlid('tradewind', 'customer_acme');
    const vendor = await odoo.xmlid('tradewind', 'vendor_boltworks');
    const product = await odoo.xmlid('tradewind', 'product_sku_1001');
    const tax = await odoo.xmlid('tradewind', 'tax_sale_10');
    const [stranger] = await odoo.admin.create('res.partner', [{ name: 'Not a catalog partner' }]);
    const from = Date.now() - 1_000;
    const move = async (
      values: { move_type: string; partner_id: number; ref?: string },
      line: { quantity: number; price_unit: number; tax?: boolean },
      post = true,
    ) => {
      const [id] = await odoo.admin.create('account.move', [
        {
          ...values,
          invoice_date: '2026-12-01',
          invoice_line_ids: [
            Command.create({
              product_id: product,
              quantity: line.quantity,
              price_unit: line.price_unit,
              ...(line.tax === true ? { tax_ids: [Command.set([tax])] } : {}),
            }),
          ],
        },
      ]);
      if (post) await odoo.admin.callAction('account.move', 'action_post', [id]);
      return id;
    };
    const invoice = await move(
      { move_type: 'out_invoice', partner_id: customer },
      { quantity: 3, price_unit: 10.1, tax: true },
    );
    const deleted = await move(
      { move_type: 'out_invoice', partner_id: customer },
      { quantity: 1, price_unit: 1 },
      false,
    );
    await odoo.admin.unlink('account.move', [deleted]);
    const draft = await move(
      { move_type: 'out_invoice', partner_id: customer },
      { quantity: 1, price_unit: 1 },
      false,
    );
    const strangers = await move(
      { move_type: 'out_invoice', partner_id: stranger },
      { quantity: 1, price_unit: 1 },
    );
    const billed = await move(
      { move_type: 'in_invoice', partner_id: vendor, ref: 'B-100' },
      { quantity: 12, price_unit: 0.21 },
    );
    await odoo.admin.create('ir.model.data', [
      { module: 'tradewind', name: 'bill_b100', model: 'account.move', res_id: billed },
    ]);
    const byHand = await move(
      { move_type: 'in_invoice', partner_id: vendor, ref: 'B-101' },
      { quantity: 1, price_unit: 5 },
    );
    const to = Date.now() + 2_000;

    const query = {
      ids: [invoice, deleted],
      billExternalIds: ['tradewind.bill_b100'],
      refsByVendor: new Map([[vendor, ['B-101']]]),
      writtenFrom: from,
      writtenTo: to,
      customerIds: [],
      vendorIds: [],
      batchSize: 1,
      concurrency: 2,
    };
    const read = await odoo.reader.read(query);
    assert.deepEqual(
      read.map((m) => m.id),
      [invoice, billed, byHand],
    );
    const [inv, bill, hand] = read;
    // 3 × 10.10 = 30.30, tax 3.03.
    assert.deepEqual(
      [
        inv.moveType,
        inv.state,
        inv.paymentState,
        inv.partnerId,
        inv.amountUntaxedMinor,
        inv.amountTotalMinor,
        inv.amountResidualMinor,
      ],
      ['out_invoice', 'posted', 'not_paid', customer, 3_030, 3_333, 3_333],
    );
    assert.ok(inv.writtenAt >= from - 1_000 && inv.writtenAt <= to, String(inv.writtenAt));
    assert.deepEqual(
      [bill.externalId, bill.ref, bill.moveType, bill.amountUntaxedMinor, hand.externalId, hand.ref],
      ['tradewind.bill_b100', 'B-100', 'in_invoice', 252, null, 'B-101'],
    );

    // By write_date: posted only, and only the customers' and vendors' asked for.
    const written = await odoo.reader.read({
      ...query,
      ids: [],
      billExternalIds: [],
      refsByVendor: new Map(),
      customerIds: [customer],
      vendorIds: [vendor],
    });
    const ids = written.map((m) => m.id);
    assert.ok(ids.includes(invoice) && ids.includes(billed) && ids.includes(byHand), String(ids));
    assert.ok(!ids.includes(draft) && !ids.includes(strangers), String(ids));
  });
});
