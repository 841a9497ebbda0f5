import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  acmeOrderJson,
  DocumentFormat,
  globex850,
  marketHubCsv,
  parseOne,
  repoCatalog,
  seedPrices,
} from '../test/fixtures';
import { IntakeReasonCode, judgeOrder, mapPartnerOrder } from './sales-order.evaluator';

const catalog = repoCatalog();
const partner = (id: string) => catalog.partner(id)!;

function judge(partnerId: string, format: DocumentFormat, text: string, prices = seedPrices) {
  const mapped = mapPartnerOrder(parseOne(format, text), partner(partnerId), catalog);
  return { mapped, verdict: judgeOrder(mapped, prices(mapped.skus)) };
}

describe('sales order evaluation', () => {
  it('accepts a JSON order: SKU and GTIN resolved, a case of 12 converted, prices within tolerance', () => {
    const { verdict } = judge('acme-portal', DocumentFormat.Json, acmeOrderJson('PO-1'));
    assert.equal(verdict.accepted, true);
    if (!verdict.accepted) return;
    assert.equal(verdict.canonical.customer.odooExternalId, 'tradewind.customer_acme');
    assert.deepEqual(
      verdict.priced.map((l) => [l.sku, l.quantity, l.priceUnit, l.productExternalId]),
      [
        ['SKU-1001', 1000, 0.4, 'tradewind.product_sku_1001'],
        ['SKU-2001', 2, 82, 'tradewind.product_sku_2001'],
        ['SKU-1003', 60, 0.05, 'tradewind.product_sku_1003'],
      ],
    );
    assert.deepEqual(verdict.lines[2], {
      lineNo: 3,
      partnerSku: 'AC-WASHER-M8',
      sku: 'SKU-1003',
      quantity: 60,
      uom: 'Units',
      unitPrice: 0.05,
    });
  });

  it('accepts a CSV order and an X12 850 (VP/BP ids, a case of nuts at 1.44 = 0.12 each)', () => {
    assert.equal(judge('market-hub', DocumentFormat.Csv, marketHubCsv('MH-1')).verdict.accepted, true);
    const { verdict } = judge('globex-edi', DocumentFormat.X12, globex850('GX-1'));
    assert.equal(verdict.accepted, true);
    if (verdict.accepted)
      assert.deepEqual(
        verdict.priced.map((l) => [l.sku, l.quantity, l.priceUnit]),
        [
          ['SKU-1001', 500, 0.4],
          ['SKU-1002', 120, 0.12],
        ],
      );
  });

  it('rejects with every reason at once, each with its code and location', () => {
    const text = acmeOrderJson('PO-2', {
      buyerCode: 'ACME-NOPE',
      lines: [
        { lineNumber: 1, sku: 'AC-NOT-A-THING', quantity: 1, uom: 'EA', unitPrice: 1 },
        { lineNumber: 2, gtin: '00012345600111', quantity: 2, uom: 'EA', unitPrice: 90 },
        { lineNumber: 3, sku: 'AC-WASHER-M8', quantity: 5, uom: 'PAL', unitPrice: 0.6 },
        { lineNumber: 4, sku: 'AC-BOLT-M8', quantity: 10, uom: 'EA', unitPrice: 0.4 },
      ],
    });
    const { verdict } = judge('acme-portal', DocumentFormat.Json, text);
    assert.equal(verdict.accepted, false);
    assert.deepEqual(
      verdict.problems.map((p) => [p.code, p.location, p.lineNumber]),
      [
        ['UNKNOWN_CUSTOMER', '/buyerCode', undefined],
        ['UNKNOWN_SKU', '/lines/0/sku', '1'],
        ['PRICE_OUT_OF_TOLERANCE', '/lines/1/unitPrice', '2'],
        ['UNKNOWN_UOM', '/lines/2/uom', '3'],
      ],
    );
    // The state shows what could be mapped and the partner's terms for the rest.
    assert.deepEqual(
      verdict.lines.map((l) => [l.partnerSku, l.sku, l.quantity, l.uom]),
      [
        ['AC-NOT-A-THING', null, 1, 'EA'],
        ['00012345600111', 'SKU-2001', 2, 'Units'],
        ['AC-WASHER-M8', 'SKU-1003', 5, 'PAL'],
        ['AC-BOLT-M8', 'SKU-1001', 10, 'Units'],
      ],
    );
  });

  it('checks prices against the price list within the partner tolerance (globex: 1 %)', () => {
    const within = judge('globex-edi', DocumentFormat.X12, globex850('GX-2', { priceOfLine1: '0.404' }));
    assert.equal(within.verdict.accepted, true);
    const outside = judge('globex-edi', DocumentFormat.X12, globex850('GX-3', { priceOfLine1: '0.41' }));
    assert.equal(outside.verdict.accepted, false);
    assert.deepEqual(
      outside.verdict.problems.map((p) => [p.code, p.location]),
      [['PRICE_OUT_OF_TOLERANCE', 'segment 7 (PO1), element 04, byte offset 264']],
    );
  });

  it('rejects a SKU the catalog maps but Odoo does not sell', () => {
    const { verdict } = judge('acme-portal', DocumentFormat.Json, acmeOrderJson('PO-4'), (skus) => {
      const prices = seedPrices(skus);
      prices.set('SKU-1003', undefined);
      return prices;
    });
    assert.equal(verdict.accepted, false);
    assert.deepEqual(
      verdict.problems.map((p) => [p.code, p.lineNumber]),
      [[IntakeReasonCode.UnknownProduct, '3']],
    );
  });

  it('reads prices for the SKUs it could map, also when the order already failed', () => {
    const { mapped } = judge(
      'market-hub',
      DocumentFormat.Csv,
      marketHubCsv('MH-2', { buyerCode: 'MH-NOWHERE' }),
    );
    assert.equal(mapped.mapping.ok, false);
    assert.deepEqual(mapped.skus, ['SKU-3001', 'SKU-1001']);
  });
});
