import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { SupplierInvoice } from '@tradewind/partner-documents';

import type { PurchaseOrderSnapshot } from './odoo-purchase-orders.reader';
import { describeDifference, type MatchInput, threeWayMatch } from './three-way-match';

const ORDER: PurchaseOrderSnapshot = {
  id: 7,
  name: 'P00007',
  state: 'purchase',
  vendorId: 11,
  lines: [
    {
      id: 70,
      productId: 1,
      sku: 'SKU-1001',
      supplierPartNumber: 'BW-SB-M8',
      description: 'Bolt',
      ordered: 100,
      received: 60,
      billed: 10,
      unitsPerLineUnit: 1,
      priceUnit: 0.21,
    },
    // 2 Dozens: 24 Units; the supplier sells cases of 12
    {
      id: 71,
      productId: 2,
      sku: 'SKU-1002',
      supplierPartNumber: 'BW-SN-M8-C12',
      description: 'Nut',
      ordered: 2,
      received: 2,
      billed: 0,
      unitsPerLineUnit: 12,
      priceUnit: 10.8,
    },
  ],
};

const invoice = (
  lines: { sku?: string; part?: string; quantity: number; price: string; uom?: string }[],
): SupplierInvoice => ({
  invoiceNumber: 'BW-1',
  invoiceDate: '2026-12-01',
  poNumber: 'P00007',
  currency: 'USD',
  totalMinor: null,
  at: { kind: 'document' },
  lines: lines.map((line, i) => ({
    lineNumber: String(i + 1),
    quantity: line.quantity,
    uom: line.uom ?? 'EA',
    unitPrice: line.price,
    sku: line.sku ?? null,
    supplierPartNumber: line.part ?? null,
    at: { kind: 'json', pointer: `/lines/${i}` },
  })),
});

const match = (inv: SupplierInvoice, overrides: Partial<MatchInput> = {}) =>
  threeWayMatch({
    invoice: inv,
    order: ORDER,
    vendorId: 11,
    currency: 'USD',
    expectedCurrency: 'USD',
    tolerance: { pricePct: 2, priceAmount: 0.05 },
    billedByUs: new Map(),
    unitsPerInvoicedUnit: (sku, uom) => (sku === 'SKU-1002' && uom === 'CA' ? 12 : 1),
    ...overrides,
  });

describe('three-way match of a supplier invoice', () => {
  it('matches received and unbilled quantities at the ordered price, by SKU or part number, a case as its Units', () => {
    const result = match(
      invoice([
        { sku: 'SKU-1001', quantity: 50, price: '0.212' },
        { part: 'BW-SN-M8-C12', quantity: 2, uom: 'CA', price: '10.80' },
      ]),
    );
    assert.ok(result.matched);
    assert.deepEqual(
      result.lines.map((l) => [l.purchaseLineId, l.quantity, l.priceUnit]),
      [
        [70, 50, 0.212],
        // 2 cases = 24 Units = 2 Dozens, at 10.80 a case = 10.80 a Dozen
        [71, 2, 10.8],
      ],
    );
  });

  it('holds a price above the tolerance with its difference: the percentage, then the absolute cap', () => {
    const result = match(invoice([{ sku: 'SKU-1001', quantity: 10, price: '0.22' }]));
    assert.ok(!result.matched);
    assert.deepEqual(result.differences.map(describeDifference), [
      'line 1 unit_price: expected 0.21 on P00007 line SKU-1001, got 0.22 (tolerance ±2% and ±0.05)',
    ]);
    const big = { ...ORDER, lines: [{ ...ORDER.lines[0], priceUnit: 61 }] };
    // 61.90 is within 2% (1.22) but not within 0.05
    const capped = match(invoice([{ sku: 'SKU-1001', quantity: 1, price: '61.90' }]), { order: big });
    assert.ok(!capped.matched);
    assert.equal(capped.differences[0].field, 'unit_price');
    assert.ok(match(invoice([{ sku: 'SKU-1001', quantity: 1, price: '61.04' }]), { order: big }).matched);
  });

  it('holds more than received minus billed, counting our bills in flight, and over several lines of the invoice', () => {
    const over = match(invoice([{ sku: 'SKU-1001', quantity: 51, price: '0.21' }]));
    assert.ok(!over.matched);
    assert.deepEqual(over.differences.map(describeDifference), [
      'line 1 quantity: expected at most 50 (received 60, billed 10) on P00007 line SKU-1001, got 51',
    ]);
    const inFlight = match(invoice([{ sku: 'SKU-1001', quantity: 30, price: '0.21' }]), {
      billedByUs: new Map([[70, 40]]),
    });
    assert.ok(!inFlight.matched);
    assert.match(describeDifference(inFlight.differences[0]), /at most 20 \(received 60, billed 40\)/);
    const split = match(
      invoice([
        { sku: 'SKU-1001', quantity: 30, price: '0.21' },
        { part: 'BW-SB-M8', quantity: 30, price: '0.21' },
      ]),
    );
    assert.ok(!split.matched);
    assert.deepEqual(
      split.differences.map((d) => [d.line, d.field]),
      [['2', 'quantity']],
    );
  });

  it('lists every difference: a product not on the order, a currency, an unknown or unconfirmed order, another vendor', () => {
    const result = match(
      invoice([
        { sku: 'SKU-9999', quantity: 1, price: '1.00' },
        { sku: 'SKU-1001', quantity: 99, price: '0.50' },
      ]),
      {
        currency: 'EUR',
      },
    );
    assert.ok(!result.matched);
    assert.deepEqual(
      result.differences.map((d) => [d.line, d.field]),
      [
        [null, 'currency'],
        ['1', 'product'],
        ['2', 'quantity'],
        ['2', 'unit_price'],
      ],
    );
    const fields = (overrides: Partial<MatchInput>) => {
      const r = match(invoice([{ sku: 'SKU-1001', quantity: 1, price: '0.21' }]), overrides);
      return r.matched ? [] : r.differences.map((d) => d.field);
    };
    assert.deepEqual(fields({ order: undefined }), ['purchase_order']);
    assert.deepEqual(fields({ order: { ...ORDER, state: 'draft' } }), ['purchase_order']);
    assert.deepEqual(fields({ vendorId: 12 }), ['vendor']);
  });
});
