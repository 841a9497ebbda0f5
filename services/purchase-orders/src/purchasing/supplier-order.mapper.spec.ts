import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { type PurchasingSettings, SupplierChangePolicy } from '@tradewind/partner-catalog';

import type { OdooPurchaseOrder } from './odoo-purchase-orders.reader';
import { mapSupplierOrder } from './supplier-order.mapper';

const settings: PurchasingSettings = {
  format: 'x12',
  changePolicy: SupplierChangePolicy.X12ChangeOrder,
  odooVendorRef: 'tradewind.vendor_boltworks',
  packs: [{ sku: 'SKU-1002', uom: 'CA', unitsPer: 12 }],
};

const order = (overrides: Partial<OdooPurchaseOrder> = {}): OdooPurchaseOrder => ({
  id: 7,
  name: 'P00007',
  state: 'purchase',
  vendorId: 11,
  dateOrder: '2026-12-01 08:00:00',
  dateApprove: '2026-12-02 09:30:00',
  writeDate: '2026-12-02 09:30:00',
  receiptStatus: 'pending',
  lines: [
    {
      id: 70,
      productId: 1,
      sku: 'SKU-1001',
      description: 'Bolt',
      quantity: 500,
      uomRatio: 1,
      priceUnit: 0.21,
      datePlanned: '2026-12-20 00:00:00',
    },
    {
      id: 71,
      productId: 2,
      sku: 'SKU-1002',
      description: 'Nut',
      quantity: 2,
      uomRatio: 12,
      priceUnit: 1.2,
      datePlanned: '2026-12-03 00:00:00',
    },
  ],
  supplierInfo: [
    { productId: 1, productCode: 'BW-SB-M8', delay: 7, price: 0.21 },
    { productId: 2, productCode: 'BW-SN-M8-C12', delay: 10, price: 0.1 },
  ],
  ...overrides,
});

describe('an Odoo purchase order as the supplier sees it', () => {
  it("uses the vendor's part numbers, converts Dozens to its cases and never expects before the lead time", () => {
    const mapped = mapSupplierOrder(order(), settings);
    assert.ok(mapped.ok);
    assert.deepEqual(
      mapped.lines.map((l) => [l.supplierPartNumber, l.quantity, l.uom, l.unitPrice, l.expectedDate]),
      [
        // Odoo's planned date is later than approval + 7 days: kept.
        ['BW-SB-M8', 500, 'EA', 0.21, '2026-12-20'],
        // 2 Dozens = 24 Units = 2 cases of 12 at 1.20 a case; planned before approval + 10 days: the lead time wins.
        ['BW-SN-M8-C12', 2, 'CA', 1.2, '2026-12-12'],
      ],
    );
  });

  it('the hash changes with what the supplier sees, not with what it does not', () => {
    const base = mapSupplierOrder(order(), settings);
    const renamed = mapSupplierOrder(order({ writeDate: '2026-12-03 10:00:00', name: 'P00007' }), settings);
    const more = mapSupplierOrder(
      order({ lines: [{ ...order().lines[0], quantity: 600 }, order().lines[1]] }),
      settings,
    );
    assert.ok(base.ok && renamed.ok && more.ok);
    assert.equal(base.contentHash, renamed.contentHash);
    assert.notEqual(base.contentHash, more.contentHash);
  });

  it('holds an order with a SKU the vendor has no code for, or a quantity that is not whole packs', () => {
    const mapped = mapSupplierOrder(
      order({
        lines: [
          { ...order().lines[1], quantity: 13, uomRatio: 1 },
          { ...order().lines[0], productId: 9, sku: 'SKU-9' },
        ],
      }),
      settings,
    );
    assert.equal(mapped.ok, false);
    assert.deepEqual(mapped.ok ? [] : mapped.problems.map((p) => [p.code, p.location]), [
      ['NOT_WHOLE_PACKS', 'purchase.order P00007 line 1'],
      ['NO_SUPPLIER_PART_NUMBER', 'purchase.order P00007 line 2'],
    ]);
  });
});
