// Partner layouts by configuration: what the catalog refuses when it loads, and orders read and mapped
// through a mapping set's layout (the fourth partner, bazaarly, is configured in config/partners only).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';

import {
  CustomerCodeRole,
  DocumentFormat,
  parseSalesOrders,
  STANDARD_LAYOUT,
} from '@tradewind/partner-documents';

import { loadPartnerCatalog, validateCatalogDir } from './catalog.loader';
import { CatalogProblemCode } from './catalog-problem';
import { mapSalesOrder, OrderProblemCode } from './order-mapping';
import { type CatalogCopy, copyCatalog, PARTNERS_DIR, SEED_PATH } from './test/catalog-fixture';

const catalog = loadPartnerCatalog(PARTNERS_DIR, { masterdataSeedPath: SEED_PATH });
const BAZAARLY_EXAMPLE = readFileSync(join(PARTNERS_DIR, 'examples/bazaarly.sales-orders.csv'));

void describe('layouts in config/partners', () => {
  void it('bazaarly: its own header read by its layout, mapped onto customers and delivery addresses', () => {
    const layout = catalog.layoutOf('bazaarly');
    const parsed = parseSalesOrders(DocumentFormat.Csv, BAZAARLY_EXAMPLE, layout);
    assert.deepEqual(parsed.problems, []);
    const mapped = parsed.orders.map((o) => mapSalesOrder(o, 'bazaarly', catalog));
    assert.deepEqual(
      mapped.map((m) => m.problems),
      [[], []],
    );
    const [bolt, acme] = mapped.map((m) => (m.ok ? m.order : assert.fail('not mapped')));
    assert.equal(bolt.customer.odooExternalId, 'tradewind.customer_bolt');
    assert.deepEqual(bolt.shipTo, {
      partnerCode: 'RIVERSIDE',
      odooExternalId: 'tradewind.delivery_bolt_riverside',
    });
    assert.equal(bolt.currency, 'USD');
    assert.deepEqual(
      bolt.lines.map((l) => [l.lineNo, l.sku, l.quantity, l.partnerUom]),
      [
        [1, 'SKU-1001', 200, 'EA'],
        [2, 'SKU-2001', 1, 'EA'],
      ],
    );
    assert.equal(acme.shipTo, undefined);
    // Read with Tradewind's template instead, the same file is refused: the layout is what reads it.
    assert.equal(parseSalesOrders(DocumentFormat.Csv, BAZAARLY_EXAMPLE, STANDARD_LAYOUT).ok, false);
  });

  void it('bazaarly: a ship-to code that is no delivery address of the customer is a problem', () => {
    const text = BAZAARLY_EXAMPLE.toString()
      .replace(/RIVERSIDE/g, 'NOWHERE')
      .replace('BZ-NUT-M8,100,0.12,', 'BZ-NUT-M8,100,0.12,HILLTOP')
      .replace('BZ-GLOVES-L,12,3.20,', 'BZ-GLOVES-L,12,3.20,HILLTOP');
    const orders = parseSalesOrders(
      DocumentFormat.Csv,
      Buffer.from(text),
      catalog.layoutOf('bazaarly'),
    ).orders;
    assert.deepEqual(
      orders.map((o) => mapSalesOrder(o, 'bazaarly', catalog).problems.map((p) => [p.code, p.location])),
      [
        [[OrderProblemCode.UnknownShipTo, 'line 2, column 7 (ship_to)']],
        [[OrderProblemCode.ShipToOfOtherCustomer, 'line 4, column 7 (ship_to)']],
      ],
    );
  });

  void it('the three existing partners keep their layouts', () => {
    assert.deepEqual(catalog.layoutOf('market-hub').csv, STANDARD_LAYOUT.csv);
    assert.deepEqual(catalog.layoutOf('globex-edi').x12, STANDARD_LAYOUT.x12);
    assert.deepEqual(catalog.layoutOf('acme-portal').json, STANDARD_LAYOUT.json);
  });
});

void describe('layouts a mapping set configures (a copy of config/partners)', () => {
  let copy: CatalogCopy;
  beforeEach(() => {
    copy = copyCatalog();
  });
  afterEach(() => {
    copy.cleanup();
  });
  const problems = (): string[][] =>
    validateCatalogDir(copy.dir, { masterdataSeedPath: SEED_PATH }).map((p) => [
      p.code,
      p.file.split('/').slice(-2).join('/'),
      p.path,
      p.message,
    ]);

  void it('refuses an unusable layout when the catalog loads, with the file and path of each problem', () => {
    copy.edit('xref/bazaarly.yaml', '      poNumber: { column: po_number }\n', '');
    copy.edit('xref/bazaarly.yaml', 'quantity: { column: qty }', 'quantity: { column: SKU }');
    copy.edit('xref/bazaarly.yaml', 'uom: { default: EA }', 'uom: { default: "each piece" }');
    copy.edit(
      'xref/bazaarly.yaml',
      'unitPrice: { column: price }',
      'unitPrice: { column: price, required: true, default: "0" }',
    );
    copy.edit(
      'xref/bazaarly.yaml',
      '      orderDate: { column: order_date }',
      '      orderDate: { colum: order_date }',
    );
    assert.deepEqual(problems(), [
      [
        CatalogProblemCode.SchemaViolation,
        'xref/bazaarly.yaml',
        '/layout/csv/columns/orderDate/colum',
        '"colum" is not a known field.',
      ],
    ]);
    copy.edit(
      'xref/bazaarly.yaml',
      '      orderDate: { colum: order_date }',
      '      orderDate: { column: order_date }',
    );
    assert.deepEqual(problems(), [
      [
        CatalogProblemCode.InvalidLayout,
        'xref/bazaarly.yaml',
        '/layout/csv/columns/poNumber',
        'poNumber is needed by every order: give it a column.',
      ],
      [
        CatalogProblemCode.InvalidLayout,
        'xref/bazaarly.yaml',
        '/layout/csv/columns/quantity/column',
        'Column "SKU" is already mapped to item.',
      ],
      [
        CatalogProblemCode.InvalidLayout,
        'xref/bazaarly.yaml',
        '/layout/csv/columns/unitPrice/default',
        'unitPrice is required and has a default; a required column has no fallback.',
      ],
      [
        CatalogProblemCode.InvalidLayout,
        'xref/bazaarly.yaml',
        '/layout/csv/columns/uom/default',
        'Default "each piece" is not a unit code.',
      ],
    ]);
  });

  void it("takes JSON field paths from the mapping set, over the portal schema's own, and refuses clashes", () => {
    copy.edit(
      'xref/acme.yaml',
      'mappingSet: acme\n',
      'mappingSet: acme\nlayout:\n  json:\n    order: { buyerCode: /buyer/code, poNumber: /buyer }\n    line: { sku: /item/id, gtin: /item/id }\n',
    );
    assert.deepEqual(
      problems().map(([code, , path]) => [code, path]),
      [
        [CatalogProblemCode.InvalidLayout, '/layout/json/order/buyerCode'],
        [CatalogProblemCode.InvalidLayout, '/layout/json/line/gtin'],
      ],
    );
    copy.edit('xref/acme.yaml', 'poNumber: /buyer }', 'poNumber: /number }');
    copy.edit('xref/acme.yaml', 'gtin: /item/id }', 'gtin: /item/gtin }');
    assert.deepEqual(problems(), []);
    const json = loadPartnerCatalog(copy.dir).layoutOf('acme-portal').json;
    assert.deepEqual(
      [json.order.buyerCode, json.order.poNumber, json.order.orderDate, json.line.sku, json.line.quantity],
      ['/buyer/code', '/number', '/orderDate', '/item/id', '/quantity'],
    );
  });

  void it('refuses a sender customer or ship-to that the set or the masterdata does not know', () => {
    copy.edit(
      'xref/globex.yaml',
      '    shipTo: [ST]\n',
      '    shipTo: [ST]\n    senderCustomerCode: GLOBEX-NOBODY\n' +
        'shipTos:\n' +
        '  - { partnerCode: "0791", customerId: CUST-ACME, odooExternalId: tradewind.customer_acme_dock }\n' +
        '  - { partnerCode: "0017", customerId: CUST-GLOBEX, odooExternalId: tradewind.customer_acme }\n',
    );
    assert.deepEqual(
      problems().map(([code, , path]) => [code, path]),
      [
        [CatalogProblemCode.InvalidLayout, '/layout/x12/senderCustomerCode'],
        [CatalogProblemCode.InvalidLayout, '/shipTos/0/customerId'],
        [CatalogProblemCode.UnknownMasterdataAddress, '/shipTos/0/odooExternalId'],
        [CatalogProblemCode.UnknownMasterdataAddress, '/shipTos/1/odooExternalId'],
      ],
    );
  });

  void it('an 850 naming only N1*ST stores maps to the sender and the store to its delivery address', () => {
    copy.edit(
      'xref/globex.yaml',
      '    customer: [BY, ST]\n    shipTo: [ST]\n',
      '    customer: [BY, BT]\n    shipTo: [ST]\n    senderCustomerCode: GLOBEX-HQ\n' +
        '    itemQualifiers: { VA: partner-sku }\n' +
        'shipTos:\n' +
        '  - { partnerCode: "0791", customerId: CUST-GLOBEX, odooExternalId: tradewind.delivery_globex_store_0791 }\n',
    );
    copy.edit(
      'xref/globex.yaml',
      '  - { partnerItemId: GX-88001,',
      '  - { partnerItemId: BOLT-M8, qualifier: partner-sku, sku: SKU-1001 }\n  - { partnerItemId: GX-88001,',
    );
    assert.deepEqual(problems(), []);
    const configured = loadPartnerCatalog(copy.dir, { masterdataSeedPath: SEED_PATH });
    const vics = [
      'ISA*00*          *00*          *ZZ*GLOBEXEDI      *ZZ*TRADEWIND      *240115*0930*U*00401*000000301*0*P*>',
      'GS*PO*GLOBEXEDI*TRADEWIND*20240115*0930*301*X*004010VICS',
      'ST*850*0001',
      'BEG*00*SA*GX-5001**20240115',
      'N1*ST**92*0791',
      'PO1*1*6*EA*0.40**VA*BOLT-M8*UP*012345600012',
      'CTT*1*6',
      'SE*6*0001',
      'GE*1*301',
      'IEA*1*000000301',
      '',
    ].join('\n');
    const parsed = parseSalesOrders(DocumentFormat.X12, Buffer.from(vics), configured.layoutOf('globex-edi'));
    assert.deepEqual(parsed.problems, []);
    const [order] = parsed.orders;
    assert.equal(order.customerCodeRole, CustomerCodeRole.Sender);
    const mapped = mapSalesOrder(order, 'globex-edi', configured);
    assert.ok(mapped.ok, JSON.stringify(mapped.problems));
    assert.equal(mapped.order.customer.odooExternalId, 'tradewind.customer_globex');
    assert.deepEqual(mapped.order.shipTo, {
      partnerCode: '0791',
      odooExternalId: 'tradewind.delivery_globex_store_0791',
    });
    assert.equal(mapped.order.lines[0].partnerItem.sourceQualifier, 'VA');

    // A bill-to party is the customer under this layout; N1*BY would still be preferred.
    const billTo = vics
      .replace('N1*ST**92*0791', 'N1*BT*Globex Retail Corp*92*GLOBEX-HQ\nN1*ST**92*0791')
      .replace('SE*6', 'SE*7');
    const [fromBillTo] = parseSalesOrders(
      DocumentFormat.X12,
      Buffer.from(billTo),
      configured.layoutOf('globex-edi'),
    ).orders;
    assert.equal(fromBillTo.customerCodeRole, CustomerCodeRole.BillTo);
    assert.ok(mapSalesOrder(fromBillTo, 'globex-edi', configured).ok);
  });
});
