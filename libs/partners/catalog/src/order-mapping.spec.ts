import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import {
  CustomerCodeRole,
  DocumentFormat,
  ItemIdQualifier,
  parseSalesOrders,
  type PartnerSalesOrder,
} from '@tradewind/partner-documents';
import { parse } from 'yaml';

import { loadPartnerCatalog } from './catalog.loader';
import { checkPrices, mapSalesOrder, OrderProblemCode } from './order-mapping';
import { copyCatalog, PARTNERS_DIR, SEED_PATH } from './test/catalog-fixture';

const catalog = loadPartnerCatalog(PARTNERS_DIR, { masterdataSeedPath: SEED_PATH });

interface Seed {
  products: { sku: string; listPrice: number }[];
  pricelists: { items: { sku: string; fixedPrice: number }[] }[];
}
const seed = parse(readFileSync(SEED_PATH, 'utf8')) as Seed;
const listPrice = (sku: string): number | undefined => seed.products.find((p) => p.sku === sku)?.listPrice;
const b2bPrice = (sku: string): number | undefined =>
  seed.pricelists[0].items.find((i) => i.sku === sku)?.fixedPrice ?? listPrice(sku);

const example = (name: string, format: DocumentFormat): readonly PartnerSalesOrder[] =>
  parseSalesOrders(format, readFileSync(join(PARTNERS_DIR, 'examples', name))).orders;

const line = (lineNumber: string, id: string, quantity: number, uom: string, unitPrice?: number) => ({
  lineNumber,
  itemIds: [{ qualifier: ItemIdQualifier.PartnerSku, value: id, sourceQualifier: 'sku' }],
  quantity,
  uom,
  unitPrice,
  locations: { line: { kind: 'order' as const, lineNumber } },
});

const order = (overrides: Partial<PartnerSalesOrder> = {}): PartnerSalesOrder => ({
  format: DocumentFormat.Json,
  poNumber: 'PO-9',
  orderDate: '2024-01-15',
  customerCode: 'ACME-001',
  customerCodeRole: CustomerCodeRole.Buyer,
  currency: undefined,
  lines: [line('1', 'AC-BOLT-M8', 24, 'EA', 0.4), line('2', 'AC-NUT-M8', 2, 'CA', 1.44)],
  locations: { order: { kind: 'json', pointer: '' }, customer: { kind: 'json', pointer: '/buyerCode' } },
  ...overrides,
});

void describe('mapSalesOrder', () => {
  for (const [partnerId, name, format, priceOf] of [
    ['acme-portal', 'acme-portal.sales-order.json', DocumentFormat.Json, b2bPrice],
    ['market-hub', 'market-hub.sales-orders.csv', DocumentFormat.Csv, b2bPrice],
    ['globex-edi', 'globex-edi.850.x12', DocumentFormat.X12, b2bPrice],
  ] as const) {
    void it(`maps every example order of ${partnerId} and its prices are within tolerance`, () => {
      const orders = example(name, format);
      assert.ok(orders.length > 0);
      for (const partnerOrder of orders) {
        const result = mapSalesOrder(partnerOrder, partnerId, catalog);
        assert.ok(result.ok, JSON.stringify(result.problems));
        const tolerance = catalog.partner(partnerId)?.priceTolerancePct ?? 0;
        assert.deepEqual(checkPrices(result.order, priceOf, tolerance), []);
      }
    });
  }

  void it('normalizes customers, SKUs and units of the EDI example', () => {
    const [first] = example('globex-edi.850.x12', DocumentFormat.X12);
    const result = mapSalesOrder(first, 'globex-edi', catalog);
    assert.ok(result.ok);
    assert.equal(result.order.orderId, 'globex-edi/GX-45001');
    assert.deepEqual(result.order.customer, {
      customerId: 'CUST-GLOBEX',
      odooExternalId: 'tradewind.customer_globex',
      partnerCode: 'GLOBEX-HQ',
      role: CustomerCodeRole.Buyer,
    });
    assert.deepEqual(
      result.order.lines.map((l) => [
        l.lineNo,
        l.sku,
        l.quantity,
        l.uom,
        l.partnerQuantity,
        l.partnerUom,
        l.uomFactor,
        l.unitPrice,
      ]),
      [
        [1, 'SKU-1001', 500, 'Units', 500, 'EA', 1, 0.4],
        [2, 'SKU-1002', 120, 'Units', 10, 'CA', 12, 0.12],
      ],
    );
    assert.equal(result.order.lines[1].partnerItem.sourceQualifier, 'BP');
  });

  void it('uses the partner default currency when the order has none', () => {
    const result = mapSalesOrder(order(), 'acme-portal', catalog);
    assert.ok(result.ok);
    assert.equal(result.order.currency, 'USD');
  });

  void it('collects every problem of an order at once, each where the partner sent it', () => {
    const bad = order({
      customerCode: 'ACME-404',
      lines: [
        line('1', 'AC-BOLT-M8', 24, 'EA', 0.4),
        line('2', 'AC-UNKNOWN', 1, 'EA', 1),
        line('3', 'AC-NUT-M8', 1, 'PL', 1),
        line('01', 'AC-NUT-M8', 1, 'EA', 0.12),
        line('4', 'AC-NUT-M8', 2.5, 'EA', 0.12),
        line('5', 'AC-NUT-M8', 0, 'EA', 0.12),
      ],
    });
    const result = mapSalesOrder(bad, 'acme-portal', catalog);
    assert.equal(result.ok, false);
    assert.deepEqual(
      result.problems.map((p) => [p.code, p.lineNumber, p.location]),
      [
        [OrderProblemCode.UnknownCustomer, undefined, '/buyerCode'],
        [OrderProblemCode.UnknownSku, '2', 'line 2'],
        [OrderProblemCode.UnknownUom, '3', 'line 3'],
        [OrderProblemCode.DuplicateLine, '01', 'line 01'],
        [OrderProblemCode.InvalidQuantity, '4', 'line 4'],
        [OrderProblemCode.InvalidQuantity, '5', 'line 5'],
      ],
    );
    assert.match(result.problems[1].message, /sku AC-UNKNOWN/);
    assert.match(result.problems[4].message, /2\.5 EA on line 4 is 2\.5 Units/);
  });

  void it('points business problems at the source location of the line (X12 segment and element)', () => {
    const text = readFileSync(join(PARTNERS_DIR, 'examples/globex-edi.850.x12'), 'utf8').replace(
      'BP*GX-88002*UP*012345600029',
      'BP*GX-00000',
    );
    const [first] = parseSalesOrders(DocumentFormat.X12, Buffer.from(text)).orders;
    const result = mapSalesOrder(first, 'globex-edi', catalog);
    assert.equal(result.ok, false);
    assert.deepEqual(
      result.problems.map((p) => [p.code, p.location]),
      [
        [
          OrderProblemCode.UnknownSku,
          `segment 10 (PO1), element 07, byte offset ${text.indexOf('GX-00000')}`,
        ],
      ],
    );
  });

  void it('refuses unknown partners, suspended partners and partners without cross-references', () => {
    assert.deepEqual(
      mapSalesOrder(order(), 'nobody', catalog).problems.map((p) => p.code),
      [OrderProblemCode.UnknownPartner],
    );
    assert.deepEqual(
      mapSalesOrder(order(), 'odoo', catalog).problems.map((p) => p.code),
      [OrderProblemCode.UnknownMappingSet],
    );
    const copy = copyCatalog();
    try {
      copy.edit(
        'catalog.yaml',
        '    kind: portal\n    status: active',
        '    kind: portal\n    status: suspended',
      );
      const suspended = loadPartnerCatalog(copy.dir);
      assert.deepEqual(
        mapSalesOrder(order(), 'acme-portal', suspended).problems.map((p) => p.code),
        [OrderProblemCode.PartnerSuspended],
      );
    } finally {
      copy.cleanup();
    }
  });
});

void describe('checkPrices', () => {
  const mapped = mapSalesOrder(order(), 'acme-portal', catalog);
  assert.ok(mapped.ok);

  void it('accepts prices within tolerance, per canonical unit', () => {
    assert.deepEqual(
      checkPrices(mapped.order, (sku) => ({ 'SKU-1001': 0.408, 'SKU-1002': 0.12 })[sku], 2),
      [],
    );
  });

  void it('reports PRICE_OUT_OF_TOLERANCE with expected and actual figures', () => {
    const problems = checkPrices(mapped.order, (sku) => ({ 'SKU-1001': 0.5, 'SKU-1002': 0.1 })[sku], 2);
    assert.deepEqual(
      problems.map((p) => [p.code, p.lineNumber]),
      [
        [OrderProblemCode.PriceOutOfTolerance, '1'],
        [OrderProblemCode.PriceOutOfTolerance, '2'],
      ],
    );
    assert.equal(
      problems[0].message,
      'Line 1 SKU-1001: unit price 0.4 differs from the expected 0.5 by 20.00%; tolerance is 2%.',
    );
    assert.equal(
      problems[1].message,
      'Line 2 SKU-1002: unit price 0.12 (1.44 per CA of 12) differs from the expected 0.1 by 20.00%; tolerance is 2%.',
    );
  });

  void it('skips lines without a price on either side', () => {
    assert.deepEqual(
      checkPrices(mapped.order, () => undefined, 0),
      [],
    );
    const noPrice = mapSalesOrder(
      order({ lines: [line('1', 'AC-BOLT-M8', 1, 'EA')] }),
      'acme-portal',
      catalog,
    );
    assert.ok(noPrice.ok);
    assert.deepEqual(
      checkPrices(noPrice.order, () => 99, 0),
      [],
    );
  });
});
