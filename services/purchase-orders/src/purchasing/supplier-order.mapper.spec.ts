import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { type PurchasingSettings, SupplierChangePolicy } from '@tradewind/partner-catalog';

import type { OdooPurchaseOrder } from './odoo-purchase-orders.reader';
import {
  type AgreedLine,
  asAgreed,
  contentHash,
  type MappedLine,
  mapSupplierOrder,
} from './supplier-order.mapper';

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

  it('compares as agreed: an accepted date stands before and after Odoo takes it, even before the lead time; a buyer’s move is a change', () => {
    const read = (dates: [string, string], quantity = 500): readonly MappedLine[] => {
      const base = order();
      const mapped = mapSupplierOrder(
        order({
          lines: [
            { ...base.lines[0], quantity, datePlanned: `${dates[0]} 00:00:00` },
            { ...base.lines[1], datePlanned: `${dates[1]} 00:00:00` },
          ],
        }),
        settings,
      );
      assert.ok(mapped.ok);
      return mapped.lines;
    };
    const sent = read(['2026-12-20', '2026-12-03']);
    // Line 2 was sent at its lead time (approval + 10 days), later than Odoo's planned date.
    assert.deepEqual(
      sent.map((l) => l.expectedDate),
      ['2026-12-20', '2026-12-12'],
    );
    // The supplier promises line 1 later and line 2 earlier than the lead time; we accept both.
    const agreed: AgreedLine[] = sent.map((l, i) => {
      const promised = i === 0 ? '2026-12-25' : '2026-12-05';
      return { ...l, expectedDate: promised, pendingDay: promised };
    });
    const hashAgreed = contentHash(agreed);
    // Odoo read before our write-back lands: not a change.
    assert.equal(contentHash(asAgreed(agreed, sent)), hashAgreed);
    // After it lands: not a change either, and the promise is now what Odoo's date is measured from.
    const landed = asAgreed(agreed, read(['2026-12-25', '2026-12-05']));
    assert.equal(contentHash(landed), hashAgreed);
    assert.deepEqual(
      landed.map((l) => [l.odooDatePlanned, l.pendingDay]),
      [
        ['2026-12-25 00:00:00', null],
        ['2026-12-05 00:00:00', null],
      ],
    );
    // A quantity changed while the write-back is in flight: a change, with the promised date kept.
    const more = asAgreed(agreed, read(['2026-12-20', '2026-12-03'], 600));
    assert.notEqual(contentHash(more), hashAgreed);
    assert.deepEqual(
      more.map((l) => [l.quantity, l.expectedDate, l.pendingDay]),
      [
        [600, '2026-12-25', '2026-12-25'],
        [2, '2026-12-05', '2026-12-05'],
      ],
    );
    // The buyer moves line 1 after the promise landed: that date is sent; line 2's promise stands.
    const moved = asAgreed(landed, read(['2026-12-30', '2026-12-05']));
    assert.deepEqual(
      moved.map((l) => l.expectedDate),
      ['2026-12-30', '2026-12-05'],
    );
    // Back to the date first sent, after the promise landed: a change too.
    assert.equal(asAgreed(landed, read(['2026-12-20', '2026-12-05']))[0].expectedDate, '2026-12-20');
  });
});
