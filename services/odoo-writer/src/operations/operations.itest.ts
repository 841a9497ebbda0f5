import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { loadConfig } from '@tradewind/config';
import { CommandType, NO_COMMAND_BODY, type OdooCommand } from '@tradewind/contracts';
import { configureLogging } from '@tradewind/observability';
import { createOdooClient } from '@tradewind/odoo-client';
import { type OdooSimulator, startOdooSimulator } from '@tradewind/odoo-simulator';

import { createWriterCommand } from '../commands/writer-command';
import { odooWriterConfig } from '../odoo-writer.config';
import { createOdooWriterCore, type OdooWriterCore } from '../odoo-writer.core';
import { OdooWriterErrorCode, OdooWriterException } from '../odoo-writer.exception';
import {
  confirmSaleOrder,
  SEED,
  setStockLevel,
  shipPicking,
  upsertSaleOrder,
} from '../test/command-fixtures';

configureLogging({ level: 'warn' });

/** Every command type against the Odoo simulator, each applied twice: the second time changes nothing. */
describe('write operations against the Odoo simulator', () => {
  let odoo: OdooSimulator;
  let core: OdooWriterCore;
  const write = (value: OdooCommand) => core.writer.execute(createWriterCommand(value));
  const twice = async (value: OdooCommand) => [(await write(value)).outcome, (await write(value)).outcome];

  before(async () => {
    odoo = await startOdooSimulator();
    const { values } = loadConfig(odooWriterConfig, {
      ODOO_URL: odoo.url,
      ODOO_API_KEY: odoo.apiKeys.write,
      ODOO_API_FLAVOR: 'json2',
      ODOO_BATCH_LINGER: '1ms',
    });
    core = createOdooWriterCore(values);
  });
  after(async () => {
    core.close();
    await odoo.stop();
  });

  it('upsert-sale-order: a re-load updates the order and its lines, never duplicates them', async () => {
    assert.deepEqual(await twice(upsertSaleOrder('tradewind.so_ops', { lines: 3 })), ['written', 'written']);
    await write(upsertSaleOrder('tradewind.so_ops', { lines: 3, variant: 2 }));
    const order = odoo.store.findByExternalId('tradewind.so_ops')!;
    const lines = odoo.store.read('sale.order.line', order.record.order_line as number[], [
      'product_uom_qty',
    ]);
    assert.deepEqual(
      lines.map((l) => l.product_uom_qty),
      [3, 4, 5],
    );
  });

  it('validate-picking with shipped quantities: a partial shipment leaves a backorder, each validated once', async () => {
    const xid = 'tradewind.so_ship';
    await write(upsertSaleOrder(xid, { lines: 2 })); // SKU-1001 × 1, SKU-1002 × 2
    await write(confirmSaleOrder(xid));
    const first = shipPicking(xid, 'TRK-A', [
      { sku: 'SKU-1001', quantity: 1 },
      { sku: 'SKU-1002', quantity: 1 },
    ]);
    assert.deepEqual(await twice(first), ['written', 'already_done']);
    const order = odoo.store.findByExternalId(xid)!;
    const pickingsOf = () =>
      odoo.store
        .search('stock.picking', [['sale_id', '=', order.id]])
        .sort((a, b) => a - b)
        .map(
          (id) =>
            odoo.store.read('stock.picking', [id], ['state', 'backorder_id', 'carrier_tracking_ref'])[0],
        );
    const [done, backorder] = pickingsOf();
    assert.deepEqual([done.state, done.carrier_tracking_ref], ['done', 'TRK-A']);
    assert.equal(backorder.state, 'assigned');
    const second = shipPicking(xid, 'TRK-B', [{ sku: 'SKU-1002', quantity: 1 }]);
    assert.deepEqual(await twice(second), ['written', 'already_done']);
    // The first shipment again, after the backorder was validated: still recognised, nothing validated.
    assert.equal((await write(first)).outcome, 'already_done');
    assert.deepEqual(
      pickingsOf().map((p) => [p.state, p.carrier_tracking_ref]),
      [
        ['done', 'TRK-A'],
        ['done', 'TRK-B'],
      ],
    );
    const refusedSku = await write(shipPicking(xid, 'TRK-C', [{ sku: 'SKU-9999', quantity: 1 }])).catch(
      (e: unknown) => e,
    );
    assert.ok(refusedSku instanceof OdooWriterException, String(refusedSku));
  });

  it('confirm-sale-order, then validate-picking by the order: done once, then already done', async () => {
    assert.deepEqual(await twice(confirmSaleOrder('tradewind.so_ops')), ['written', 'already_done']);
    const validate: OdooCommand = {
      ...confirmSaleOrder('tradewind.so_ops'),
      type: CommandType.ValidatePicking,
      ...NO_COMMAND_BODY,
      validatePicking: {
        pickingRef: null,
        orderExternalId: 'tradewind.so_ops',
        carrierTrackingRef: null,
        moves: null,
      },
    };
    assert.deepEqual(await twice(validate), ['written', 'already_done']);
    const order = odoo.store.findByExternalId('tradewind.so_ops')!;
    const pickings = odoo.store.search('stock.picking', [['sale_id', '=', order.id]]);
    assert.equal(pickings.length, 1);
    assert.equal(odoo.store.read('stock.picking', pickings, ['state'])[0].state, 'done');
  });

  it('upsert-purchase-order: created once by external id', async () => {
    const value: OdooCommand = {
      ...confirmSaleOrder('tradewind.po_ops'),
      type: CommandType.UpsertPurchaseOrder,
      ...NO_COMMAND_BODY,
      upsertPurchaseOrder: {
        partnerRef: SEED.customers[0],
        vendorReference: 'V-1',
        origin: 'tradewind.so_ops',
        dateOrder: null,
        datePlanned: '2026-03-01',
        lines: [{ productRef: SEED.products[0], quantity: 100, priceUnit: 0.3, description: 'Bolts' }],
      },
    };
    assert.deepEqual(await twice(value), ['written', 'written']);
    const po = odoo.store.findByExternalId('tradewind.po_ops')!;
    assert.equal((po.record.order_line as number[]).length, 1);
    assert.equal(po.record.partner_ref, 'V-1');
  });

  it('set-stock-level: updates the existing quant of (product, location) instead of adding one', async () => {
    assert.deepEqual(await twice(setStockLevel('tradewind.stock_ops', SEED.products[1], 777)), [
      'written',
      'already_done',
    ]);
    const product = odoo.store.findByExternalId(SEED.products[1])!.id;
    const location = odoo.store.findByExternalId(SEED.stockLocation)!.id;
    const quants = odoo.store.search('stock.quant', [
      ['product_id', '=', product],
      ['location_id', '=', location],
    ]);
    assert.equal(quants.length, 1);
    assert.equal(odoo.store.read('stock.quant', quants, ['quantity'])[0].quantity, 777);
    // A product without a quant there yet (by database id): created once.
    const fresh = odoo.store.findByExternalId('tradewind.product_sku_4001')!.id;
    const freshCommand = setStockLevel('tradewind.stock_ops_2', String(fresh), 3);
    freshCommand.setStockLevel!.locationRef = String(
      odoo.store.findByExternalId('stock.stock_location_customers')!.id,
    );
    assert.deepEqual(await twice(freshCommand), ['written', 'already_done']);
  });

  it('takes references by database id as well as by external id', async () => {
    const customer = String(odoo.store.findByExternalId(SEED.customers[1])!.id);
    const product = String(odoo.store.findByExternalId(SEED.products[2])!.id);
    await write(upsertSaleOrder('tradewind.so_dbids', { customer, productRef: () => product }));
    const order = odoo.store.findByExternalId('tradewind.so_dbids')!;
    assert.equal((order.record.partner_id as [number, string])[0], Number(customer));
  });

  it('post-invoice and register-payment: posted once, paid once', async () => {
    const client = createOdooClient({
      url: odoo.url,
      db: odoo.db,
      apiKey: odoo.apiKeys.write,
      apiFlavor: 'json2',
    });
    const partner = odoo.store.findByExternalId(SEED.customers[0])!.id;
    const product = odoo.store.findByExternalId(SEED.products[0])!.id;
    const [invoiceId] = await client.create('account.move', [
      {
        move_type: 'out_invoice',
        partner_id: partner,
        invoice_line_ids: [[0, 0, { product_id: product, quantity: 10, price_unit: 2 }]],
      },
    ]);
    const post: OdooCommand = {
      ...confirmSaleOrder('tradewind.inv_ops'),
      type: CommandType.PostInvoice,
      ...NO_COMMAND_BODY,
      postInvoice: { invoiceRef: String(invoiceId) },
    };
    assert.deepEqual(await twice(post), ['written', 'already_done']);
    const pay: OdooCommand = {
      ...confirmSaleOrder('tradewind.pay_ops'),
      type: CommandType.RegisterPayment,
      ...NO_COMMAND_BODY,
      registerPayment: {
        invoiceRef: String(invoiceId),
        amount: 20,
        paymentDate: '2026-03-02',
        memo: 'BANK-1',
        invoiceRefs: [],
        writeoffAmount: null,
        writeoffLabel: null,
      },
    };
    assert.deepEqual(await twice(pay), ['written', 'already_done']);
    assert.equal(odoo.store.externalIds('tradewind.pay_ops').length, 1);
    assert.equal(odoo.store.read('account.move', [invoiceId], ['payment_state'])[0].payment_state, 'paid');
  });

  it('register-payment: one payment for several invoices with a fee written off, once after a crash', async () => {
    const client = createOdooClient({
      url: odoo.url,
      db: odoo.db,
      apiKey: odoo.apiKeys.write,
      apiFlavor: 'json2',
    });
    const partner = odoo.store.findByExternalId(SEED.customers[0])!.id;
    const product = odoo.store.findByExternalId(SEED.products[0])!.id;
    const invoices = await client.create(
      'account.move',
      [30, 70].map((price) => ({
        move_type: 'out_invoice',
        partner_id: partner,
        invoice_line_ids: [[0, 0, { product_id: product, quantity: 1, price_unit: price }]],
      })),
    );
    await client.callAction('account.move', 'action_post', invoices);
    const pay: OdooCommand = {
      ...confirmSaleOrder('tradewind.pay_grouped'),
      type: CommandType.RegisterPayment,
      ...NO_COMMAND_BODY,
      registerPayment: {
        invoiceRef: String(invoices[0]),
        amount: 97.1,
        paymentDate: '2026-03-02',
        memo: 'PAYOUT-7',
        invoiceRefs: [String(invoices[1])],
        writeoffAmount: 2.9,
        writeoffLabel: 'Gateway fee',
      },
    };
    assert.deepEqual(await twice(pay), ['written', 'already_done']);
    const states = odoo.store.read('account.move', invoices, ['payment_state', 'amount_residual']);
    assert.deepEqual(
      states.map((s) => [s.payment_state, s.amount_residual]),
      [
        ['paid', 0],
        ['paid', 0],
      ],
    );
    assert.equal(odoo.store.search('account.payment', [['memo', 'like', 'PAYOUT-7']]).length, 1);

    // A crash after Odoo made the payment and before its external id: the replay finds it by its memo
    const [third] = await client.create('account.move', [
      {
        move_type: 'out_invoice',
        partner_id: partner,
        invoice_line_ids: [[0, 0, { product_id: product, quantity: 1, price_unit: 10 }]],
      },
    ]);
    await client.callAction('account.move', 'action_post', [third]);
    const context = { active_model: 'account.move', active_ids: [third] };
    const [wizard] = await client.create(
      'account.payment.register',
      [{ amount: 4, communication: 'BANK-9 [tradewind.pay_crashed]' }],
      { context },
    );
    await client.callAction('account.payment.register', 'action_create_payments', [wizard], { context });
    const replay: OdooCommand = {
      ...pay,
      commandId: 'crashed',
      externalId: 'tradewind.pay_crashed',
      registerPayment: {
        ...pay.registerPayment!,
        invoiceRef: String(third),
        amount: 4,
        invoiceRefs: [],
        writeoffAmount: null,
      },
    };
    assert.deepEqual(await twice(replay), ['already_done', 'already_done']);
    assert.equal(odoo.store.read('account.move', [third], ['amount_residual'])[0].amount_residual, 6);
    assert.equal(odoo.store.externalIds('tradewind.pay_crashed').length, 1);
  });

  it('refuses, as business errors, what Odoo cannot do', async () => {
    await assert.rejects(
      write(confirmSaleOrder('tradewind.so_nowhere')),
      (e) => e instanceof OdooWriterException && e.code === OdooWriterErrorCode.MissingRecord && e.business,
    );
    await assert.rejects(
      write(setStockLevel('tradewind.stock_x', 'tradewind.product_nowhere', 1)),
      (e) => e instanceof OdooWriterException && e.code === OdooWriterErrorCode.MissingRecord,
    );
    await assert.rejects(
      write(upsertSaleOrder('tradewind.so_bad_customer', { customer: 'tradewind.customer_nowhere' })),
      (e) =>
        e instanceof OdooWriterException &&
        e.code === OdooWriterErrorCode.OdooRejected &&
        /customer_nowhere/.test(e.message),
    );
  });

  it('set-purchase-line-dates: moves the planned date of a confirmed order line once, refuses a line of another order', async () => {
    const admin = createOdooClient({
      url: odoo.url,
      db: odoo.db,
      apiKey: odoo.apiKeys.write,
      apiFlavor: 'json2',
    });
    const vendor = odoo.store.findByExternalId('tradewind.vendor_boltworks')!.id;
    const product = odoo.store.findByExternalId(SEED.products[0])!.id;
    const [orderId] = await admin.create('purchase.order', [
      { partner_id: vendor, order_line: [[0, 0, { product_id: product, product_qty: 10 }]] },
    ]);
    await admin.callAction('purchase.order', 'button_confirm', [orderId]);
    const [lineId] = odoo.store.search('purchase.order.line', [['order_id', '=', orderId]]);
    const value = (lineRef: string): OdooCommand => ({
      ...confirmSaleOrder(`tradewind.purchase_order_${orderId}`),
      type: CommandType.SetPurchaseLineDates,
      ...NO_COMMAND_BODY,
      setPurchaseLineDates: {
        orderRef: String(orderId),
        lines: [{ lineRef, datePlanned: '2026-12-24T00:00:00Z' }],
      },
    });
    assert.deepEqual(await twice(value(String(lineId))), ['written', 'already_done']);
    assert.equal(
      odoo.store.read('purchase.order.line', [lineId], ['date_planned'])[0].date_planned,
      '2026-12-24 00:00:00',
    );
    await assert.rejects(write(value('999999')), (error: unknown) => {
      assert.ok(error instanceof OdooWriterException);
      assert.match(error.message, /line of purchase order/);
      return true;
    });
  });

  it('create-vendor-bill: one posted bill per external id however often it is sent, its lines billing the order lines', async () => {
    const admin = createOdooClient({
      url: odoo.url,
      db: odoo.db,
      apiKey: odoo.apiKeys.write,
      apiFlavor: 'json2',
    });
    const vendor = odoo.store.findByExternalId('tradewind.vendor_boltworks')!.id;
    const product = odoo.store.findByExternalId(SEED.products[0])!.id;
    const [orderId] = await admin.create('purchase.order', [
      {
        partner_id: vendor,
        order_line: [[0, 0, { product_id: product, product_qty: 10, price_unit: 0.21 }]],
      },
    ]);
    await admin.callAction('purchase.order', 'button_confirm', [orderId]);
    const [lineId] = odoo.store.search('purchase.order.line', [['order_id', '=', orderId]]);
    const xid = 'tradewind.bill_it_1';
    const value: OdooCommand = {
      ...confirmSaleOrder(xid),
      type: CommandType.CreateVendorBill,
      ...NO_COMMAND_BODY,
      createVendorBill: {
        partnerRef: 'tradewind.vendor_boltworks',
        vendorInvoiceNumber: 'BW-INV-77',
        invoiceDate: '2026-12-01',
        dueDate: null,
        currency: 'USD',
        purchaseOrderName: null,
        lines: [
          {
            purchaseLineRef: String(lineId),
            productRef: SEED.products[0],
            quantity: 6,
            priceUnit: 0.21,
            description: null,
          },
        ],
        post: true,
      },
    };
    assert.deepEqual(await twice(value), ['written', 'already_done']);
    const bills = odoo.store.search('account.move', [
      ['move_type', '=', 'in_invoice'],
      ['ref', '=', 'BW-INV-77'],
    ]);
    assert.equal(bills.length, 1);
    const [bill] = odoo.store.read('account.move', bills, ['state', 'partner_id', 'name', 'amount_total']);
    assert.deepEqual(
      [bill.state, (bill.partner_id as [number, string])[0], bill.amount_total],
      ['posted', vendor, 1.26],
    );
    assert.equal(odoo.store.read('purchase.order.line', [lineId], ['qty_invoiced'])[0].qty_invoiced, 6);
    // A crash after the load, before the post: the replay finds the draft by its external id and posts it
    const draftXid = 'tradewind.bill_it_2';
    const draft = {
      ...value,
      externalId: draftXid,
      createVendorBill: { ...value.createVendorBill!, vendorInvoiceNumber: 'BW-INV-78', post: false },
    };
    assert.equal((await write(draft)).outcome, 'written');
    assert.deepEqual(
      await twice({
        ...value,
        externalId: draftXid,
        createVendorBill: { ...draft.createVendorBill, post: true },
      }),
      ['written', 'already_done'],
    );
    assert.equal(odoo.store.search('account.move', [['ref', '=', 'BW-INV-78']]).length, 1);
    assert.equal(odoo.store.read('purchase.order.line', [lineId], ['qty_invoiced'])[0].qty_invoiced, 12);
  });
});
