import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { CommandType, type CreateVendorBill, type OdooCommand } from '@tradewind/contracts';

import { OdooWriterErrorCode, OdooWriterException } from '../odoo-writer.exception';
import { confirmSaleOrder, setStockLevel, upsertSaleOrder } from '../test/command-fixtures';
import { WRITABLE_COMMAND_TYPES } from './command-type';
import { createWriterCommand } from './writer-command';

const invalid = (value: OdooCommand, pattern: RegExp) =>
  assert.throws(
    () => createWriterCommand(value),
    (error) =>
      error instanceof OdooWriterException &&
      error.code === OdooWriterErrorCode.InvalidCommand &&
      error.business &&
      pattern.test(error.message),
  );

describe('createWriterCommand (commands validate themselves on creation)', () => {
  it('creates a typed command with parsed references', () => {
    const command = createWriterCommand(upsertSaleOrder('tradewind.so_1', { lines: 2, customer: '7' }));
    assert.equal(command.type, CommandType.UpsertSaleOrder);
    if (command.type !== CommandType.UpsertSaleOrder) return;
    assert.deepEqual(command.partner, { kind: 'id', id: 7, text: '7' });
    assert.deepEqual(command.lines[0].product, {
      kind: 'xid',
      xid: 'tradewind.product_sku_1001',
      text: 'tradewind.product_sku_1001',
    });
  });

  it('creates every command type', () => {
    const values: OdooCommand[] = [
      upsertSaleOrder('tradewind.so_1'),
      confirmSaleOrder('tradewind.so_1'),
      setStockLevel('tradewind.stock_1', 'tradewind.product_sku_1001', 5),
      {
        ...confirmSaleOrder('tradewind.po_1'),
        type: 'upsert_purchase_order',
        confirmSaleOrder: null,
        upsertPurchaseOrder: {
          partnerRef: 'tradewind.customer_acme',
          vendorReference: null,
          origin: null,
          dateOrder: null,
          datePlanned: '2026-02-01',
          lines: [{ productRef: '12', quantity: 3, priceUnit: 1.5, description: null }],
        },
      },
      {
        ...confirmSaleOrder('tradewind.so_1'),
        type: 'validate_picking',
        confirmSaleOrder: null,
        validatePicking: {
          pickingRef: null,
          orderExternalId: 'tradewind.so_1',
          carrierTrackingRef: null,
          moves: null,
        },
      },
      {
        ...confirmSaleOrder('tradewind.inv_1'),
        type: 'post_invoice',
        confirmSaleOrder: null,
        postInvoice: { invoiceRef: '42' },
      },
      {
        ...confirmSaleOrder('tradewind.pay_1'),
        type: 'register_payment',
        confirmSaleOrder: null,
        registerPayment: {
          invoiceRef: '42',
          amount: 10,
          paymentDate: '2026-02-01',
          memo: null,
          invoiceRefs: [],
          writeoffAmount: null,
          writeoffLabel: null,
        },
      },
      {
        ...confirmSaleOrder('tradewind.purchase_order_7'),
        type: 'set_purchase_line_dates',
        confirmSaleOrder: null,
        setPurchaseLineDates: {
          orderRef: '7',
          lines: [{ lineRef: '12', datePlanned: '2026-12-24T00:00:00Z' }],
        },
      },
      {
        ...confirmSaleOrder('tradewind.bill_1'),
        type: 'create_vendor_bill',
        confirmSaleOrder: null,
        createVendorBill: vendorBill(),
      },
    ];
    assert.deepEqual(
      values.map((value) => createWriterCommand(value).type),
      WRITABLE_COMMAND_TYPES,
    );
  });

  it('refuses purchase line dates without lines, with a line by external id or a date that is not one', () => {
    const dates = (lines: { lineRef: string; datePlanned: string }[]): OdooCommand => ({
      ...confirmSaleOrder('tradewind.purchase_order_7'),
      type: 'set_purchase_line_dates',
      confirmSaleOrder: null,
      setPurchaseLineDates: { orderRef: '7', lines },
    });
    invalid(dates([]), /setPurchaseLineDates.lines: at least one line/);
    invalid(
      dates([{ lineRef: 'tradewind.line_1', datePlanned: 'soon' }]),
      /lines\[0\]\.datePlanned: "soon" is not an ISO date-time[\s\S]*lines\[0\]\.lineRef: an Odoo id/,
    );
  });

  it('refuses a vendor bill without lines, with a purchase line by external id, a bad date or a zero quantity', () => {
    const bill = (body: Partial<CreateVendorBill>): OdooCommand => ({
      ...confirmSaleOrder('tradewind.bill_1'),
      type: 'create_vendor_bill',
      confirmSaleOrder: null,
      createVendorBill: { ...vendorBill(), ...body },
    });
    invalid(bill({ lines: [] }), /createVendorBill.lines: at least one line/);
    invalid(
      bill({
        invoiceDate: '1 Dec',
        lines: [{ ...vendorBill().lines[0], purchaseLineRef: 'tradewind.pol_1', quantity: 0 }],
      }),
      /invoiceDate: "1 Dec" is not an ISO date[\s\S]*purchaseLineRef: an Odoo id[\s\S]*quantity: 0 must be greater than 0/,
    );
  });

  it('refuses a type newer than its schema (decoded as the enum default)', () => {
    invalid(
      { ...confirmSaleOrder('tradewind.so_1'), type: CommandType.Unknown },
      /unknown type \(expected one of/,
    );
  });

  it('refuses a command whose body is missing or another body is set', () => {
    invalid({ ...confirmSaleOrder('tradewind.so_1'), confirmSaleOrder: null }, /confirmSaleOrder: required/);
    invalid(
      { ...confirmSaleOrder('tradewind.so_1'), postInvoice: { invoiceRef: '1' } },
      /postInvoice: must be null for type confirm_sale_order/,
    );
  });

  it('lists every problem at once', () => {
    const value = upsertSaleOrder('not an external id');
    value.upsertSaleOrder!.partnerRef = 'acme';
    value.upsertSaleOrder!.lines[0].quantity = -1;
    value.upsertSaleOrder!.dateOrder = 'yesterday';
    invalid(
      value,
      /externalId: .*partnerRef: "acme" is neither.*dateOrder: "yesterday".*quantity: -1 must be 0 or more/,
    );
  });

  it('refuses lines that reference products both by id and by external id (one load column per field)', () => {
    const value = upsertSaleOrder('tradewind.so_1', {
      lines: 2,
      productRef: (line) => (line === 0 ? '5' : 'tradewind.p'),
    });
    invalid(value, /productRef must be an Odoo id on every line or an external id on every line/);
  });

  it('refuses a payment without a positive amount and a picking with two targets', () => {
    invalid(
      {
        ...confirmSaleOrder('tradewind.pay_1'),
        type: 'register_payment',
        confirmSaleOrder: null,
        registerPayment: {
          invoiceRef: '42',
          amount: 0,
          paymentDate: null,
          memo: null,
          invoiceRefs: [],
          writeoffAmount: null,
          writeoffLabel: null,
        },
      },
      /amount: 0 must be greater than 0/,
    );
    invalid(
      {
        ...confirmSaleOrder('tradewind.so_1'),
        type: 'validate_picking',
        confirmSaleOrder: null,
        validatePicking: {
          pickingRef: '3',
          orderExternalId: 'tradewind.so_1',
          carrierTrackingRef: null,
          moves: null,
        },
      },
      /exactly one of pickingRef and orderExternalId/,
    );
  });

  it('hashes what Odoo should hold: not the command id, not the issue time, not the key order', () => {
    const a = upsertSaleOrder('tradewind.so_1');
    const b = { ...a, commandId: 'other', issuedAt: a.issuedAt + 5_000, issuedBy: 'replay' };
    const reordered = JSON.parse(JSON.stringify(a)) as OdooCommand;
    reordered.upsertSaleOrder = Object.fromEntries(
      Object.entries(a.upsertSaleOrder!).reverse(),
    ) as OdooCommand['upsertSaleOrder'];
    const hash = createWriterCommand(a).payloadHash();
    assert.match(hash, /^[0-9a-f]{64}$/);
    assert.equal(createWriterCommand(b).payloadHash(), hash);
    assert.equal(createWriterCommand(reordered).payloadHash(), hash);
    assert.notEqual(
      createWriterCommand(upsertSaleOrder('tradewind.so_1', { variant: 1 })).payloadHash(),
      hash,
    );
    assert.notEqual(createWriterCommand(upsertSaleOrder('tradewind.so_2')).payloadHash(), hash);
  });
});

function vendorBill(): CreateVendorBill {
  return {
    partnerRef: 'tradewind.vendor_boltworks',
    vendorInvoiceNumber: 'BW-1',
    invoiceDate: '2026-12-01',
    dueDate: null,
    currency: 'USD',
    purchaseOrderName: 'P00001',
    lines: [{ purchaseLineRef: '12', productRef: '7', quantity: 2, priceUnit: 0.21, description: null }],
    post: true,
  };
}
