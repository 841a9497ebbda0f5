// The demo's goods receipt and supplier invoices against the Odoo simulator (no broker): a purchase order
// for Boltworks is received in Odoo (its quants rise by what the WMS then reports, so the WMS's count and
// Odoo's agree and the reconciliation has nothing to correct), received once; Boltworks' 810 bills the
// order's prices or line 2 at +25%; the summary counts Odoo's posted vendor bills and the held invoices.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import {
  type FinanceState,
  FinanceStatus,
  FinanceSubject,
  type PurchaseOrderState,
} from '@tradewind/contracts';
import { createOdooClient } from '@tradewind/odoo-client';
import { loadSeedFile, type OdooSimulator, startOdooSimulator } from '@tradewind/odoo-simulator';
import { DocumentFormat, readSupplierInvoices } from '@tradewind/partner-documents';
import { supplier810 } from '@tradewind/partner-testing';

import { receivePurchaseOrder, supplierBillsLine, supplierInvoiceFor } from './purchasing';

void describe('demo purchasing: goods received in Odoo and at the WMS, then billed by the supplier', () => {
  let sim: OdooSimulator;
  let odoo: ReturnType<typeof createOdooClient>;
  before(async () => {
    sim = await startOdooSimulator();
    odoo = createOdooClient({ url: sim.url, db: sim.db, apiKey: sim.apiKeys.write, apiFlavor: 'json2' });
  });
  after(() => sim.stop());

  const xid = (name: string) => sim.store.findByExternalId(name)!.id;
  const quantIn = async (product: number, warehouse: string) => {
    const [wh] = await odoo.searchRead('stock.warehouse', [['code', '=', warehouse]], {
      fields: ['lot_stock_id'],
    });
    const location = (wh.lot_stock_id as [number, string])[0];
    const quants = await odoo.searchRead(
      'stock.quant',
      [
        ['product_id', '=', product],
        ['location_id', '=', location],
      ],
      { fields: ['quantity'] },
    );
    return quants.reduce((sum, q) => sum + Number(q.quantity), 0);
  };

  void it("validates the order's receipt once and says what the WMS counts: the seed's stock plus the receipt, Odoo's quants", async () => {
    const [po] = await odoo.create('purchase.order', [
      {
        partner_id: xid('tradewind.vendor_boltworks'),
        order_line: [
          [0, 0, { product_id: xid('tradewind.product_sku_1001'), product_qty: 2000 }],
          [
            0,
            0,
            {
              product_id: xid('tradewind.product_sku_1002'),
              product_qty: 10,
              product_uom: xid('uom.product_uom_dozen'),
              price_unit: 1.2,
            },
          ],
        ],
      },
    ]);
    await odoo.callAction('purchase.order', 'button_confirm', [po]);
    const [order] = await odoo.read('purchase.order', [po], ['name']);
    const received = await receivePurchaseOrder(odoo, String(order.name));
    assert.deepEqual(
      [...received].sort((a, b) => a.sku.localeCompare(b.sku)),
      [
        { sku: 'SKU-1001', warehouse: 'MAIN', quantity: 2000 },
        { sku: 'SKU-1002', warehouse: 'MAIN', quantity: 120 }, // 10 dozen
      ],
    );
    // What the WMS reports (the seed's count it started from, plus the receipt) is what Odoo holds now.
    const seed = new Map(
      (loadSeedFile().products ?? []).map((p) => [p.sku, p.stock ?? {}] as [string, Record<string, number>]),
    );
    for (const r of received) {
      const product = xid(`tradewind.product_${r.sku.toLowerCase().replace('-', '_')}`);
      assert.equal(await quantIn(product, r.warehouse), (seed.get(r.sku)?.[r.warehouse] ?? 0) + r.quantity);
    }
    const [line] = await odoo.searchRead('purchase.order.line', [['order_id', '=', po]], {
      fields: ['qty_received'],
      order: 'id',
    });
    assert.equal(line.qty_received, 2000);
    assert.deepEqual(await receivePurchaseOrder(odoo, String(order.name)), [], 'received once');
  });

  void it("bills the order's prices, or line 2 at the +25% its 855 asked for, in an 810 the platform reads", () => {
    const state = {
      poNumber: 'P00042',
      currency: 'USD',
      lines: [
        {
          lineNumber: '1',
          sku: 'SKU-1001',
          supplierPartNumber: 'BW-SB-M8',
          quantity: 2000,
          uom: 'EA',
          unitPrice: 0.21,
        },
        {
          lineNumber: '2',
          sku: 'SKU-1002',
          supplierPartNumber: 'BW-HN-M8',
          quantity: 10,
          uom: 'CA',
          unitPrice: 1.2,
        },
      ],
    } as unknown as PurchaseOrderState;
    const parties = { senderId: 'BOLTWORKS', receiverId: 'TRADEWIND', controlNumber: 77 };
    const read = (overcharged: boolean) => {
      const fixture = supplierInvoiceFor(state, {
        invoiceNumber: 'BW-INV-1',
        invoiceDate: '2026-12-01',
        overcharged,
      });
      const parsed = readSupplierInvoices(DocumentFormat.X12, Buffer.from(supplier810(parties, fixture)));
      assert.ok(parsed.ok, JSON.stringify(parsed));
      return parsed.invoices[0];
    };
    const fair = read(false);
    assert.equal(fair.poNumber, 'P00042');
    assert.deepEqual(
      fair.lines.map((l) => [l.sku, l.supplierPartNumber, l.quantity, l.uom, l.unitPrice]),
      [
        ['SKU-1001', 'BW-SB-M8', 2000, 'EA', '0.21'],
        ['SKU-1002', 'BW-HN-M8', 10, 'CA', '1.2'],
      ],
    );
    assert.equal(fair.totalMinor, 43_200);
    assert.deepEqual(
      read(true).lines.map((l) => l.unitPrice),
      ['0.21', '1.5'],
    );
  });

  void it('counts the posted vendor bills in Odoo by ref and the held invoices on finance.state', async () => {
    const [bill] = await odoo.create('account.move', [
      {
        move_type: 'in_invoice',
        partner_id: xid('tradewind.vendor_boltworks'),
        ref: 'BW-INV-R-1',
        invoice_date: '2026-12-01',
        invoice_line_ids: [
          [0, 0, { product_id: xid('tradewind.product_sku_1001'), quantity: 10, price_unit: 0.21 }],
        ],
      },
    ]);
    await odoo.callAction('account.move', 'action_post', [bill]);
    const state = (reference: string, status: FinanceStatus): FinanceState => ({
      key: `supplier-invoice/boltworks-supply/${reference}`,
      subject: FinanceSubject.SupplierInvoice,
      status,
      partnerId: 'boltworks-supply',
      reference,
      currency: 'USD',
      amountMinor: 210,
      residualMinor: null,
      rule: null,
      confidence: null,
      invoices: [],
      reason: null,
      version: 2,
      updatedAt: 0,
      purchaseOrder: 'P00042',
      differences: [],
      billExternalId: null,
    });
    assert.equal(
      await supplierBillsLine(
        odoo,
        ['BW-INV-R-1', 'BW-INV-R-2', 'BW-INV-R-3'],
        [state('BW-INV-R-1', FinanceStatus.Posted), state('BW-INV-R-2', FinanceStatus.Held)],
      ),
      '   supplier bills: 1 posted in Odoo, 1 held (of 3 sent; finance.state: 1 posted, 1 held)',
    );
    assert.equal(
      await supplierBillsLine(odoo, [], []),
      '   supplier bills: 0 posted in Odoo, 0 held (of 0 sent; finance.state: 0 posted, 0 held)',
    );
  });
});
