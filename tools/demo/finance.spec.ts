// The demo's accounting and bank against the Odoo simulator (no broker): each confirmed sale order of the
// run is invoiced once, with its lines and the sales tax, and posted; the bank's statement for them is a
// camt.053 the gateway accepts, paying all but one in full by their numbers, one in part, plus a stranger.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { createOdooClient } from '@tradewind/odoo-client';
import { type OdooSimulator, startOdooSimulator } from '@tradewind/odoo-simulator';
import {
  DocumentFormat,
  SettlementDocumentType,
  SettlementEntryKind,
  splitSettlementDocument,
} from '@tradewind/partner-documents';

import { bankStatementPaying, invoiceConfirmedOrders } from './finance';

void describe('demo finance: invoices for confirmed orders and the statement paying them', () => {
  let sim: OdooSimulator;
  let odoo: ReturnType<typeof createOdooClient>;
  before(async () => {
    sim = await startOdooSimulator();
    odoo = createOdooClient({ url: sim.url, db: sim.db, apiKey: sim.apiKeys.write, apiFlavor: 'json2' });
  });
  after(() => sim.stop());

  void it('invoices each confirmed order of the run once and pays them in one balanced statement', async () => {
    const xid = (name: string) => sim.store.findByExternalId(name)!.id;
    const order = async (ref: string, qty: number, confirm: boolean) => {
      const [id] = await odoo.create('sale.order', [
        {
          partner_id: xid('tradewind.customer_acme'),
          client_order_ref: ref,
          order_line: [
            [0, 0, { product_id: xid('tradewind.product_sku_1001'), product_uom_qty: qty, price_unit: 12.5 }],
          ],
        },
      ]);
      if (confirm) await odoo.callAction('sale.order', 'action_confirm', [id]);
      return id;
    };
    await order('ACME-RUN1-0001', 4, true);
    await order('MH-RUN1-0002', 2, true);
    await order('ACME-RUN1-0003', 1, false); // a quotation: nothing to invoice
    await order('ACME-OTHER-0004', 3, true); // another run's
    const invoiced = new Set<number>();
    const tax = xid('tradewind.tax_sale_10');
    const invoices = await invoiceConfirmedOrders(odoo, 'RUN1', invoiced, tax);
    assert.deepEqual(
      invoices.map((i) => i.totalMinor).sort((a, b) => a - b),
      [2_750, 5_500], // 2 × 12.50 and 4 × 12.50, plus 10 %
    );
    const moves = await odoo.read(
      'account.move',
      invoices.map((i) => i.id),
      ['state', 'move_type', 'invoice_origin', 'name'],
    );
    assert.deepEqual(
      moves.map((m) => [m.state, m.move_type]),
      [
        ['posted', 'out_invoice'],
        ['posted', 'out_invoice'],
      ],
    );
    assert.ok(
      moves.every((m) => /^INV\//.test(String(m.name))),
      JSON.stringify(moves),
    );
    assert.deepEqual(await invoiceConfirmedOrders(odoo, 'RUN1', invoiced, tax), []);

    const split = splitSettlementDocument(
      SettlementDocumentType.BankStatement,
      DocumentFormat.Xml,
      Buffer.from(bankStatementPaying('HB-RUN1-1', invoices)),
    );
    assert.equal(split.ok, true, JSON.stringify(split.documentProblems));
    assert.ok(split.parsed?.ok);
    const entries = split.parsed.document.entries;
    assert.deepEqual(
      entries.map((e) => [e.kind, e.amountMinor]),
      [
        [SettlementEntryKind.Payment, invoices[0].totalMinor],
        [SettlementEntryKind.Payment, Math.floor(invoices[1].totalMinor / 2)],
        [SettlementEntryKind.Payment, 1_337],
      ],
    );
    assert.ok(entries[0].references.some((r) => r.includes(invoices[0].name)));
    assert.ok(entries[1].references.includes(invoices[1].name));
    assert.ok(!entries[2].references.some((r) => r.includes('INV')));
  });
});
