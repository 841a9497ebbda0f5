import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { parseCsvSalesOrders } from './csv-sales-order.parser';
import { DocumentProblemCode } from './document-problem';
import { parseJsonSalesOrders } from './json-sales-order.parser';
import { CustomerCodeRole, ItemIdQualifier } from './partner-sales-order';
import {
  CsvField,
  CsvItemIdType,
  type CsvLayout,
  type JsonLayout,
  STANDARD_JSON_LAYOUT,
  STANDARD_X12_LAYOUT,
  type X12Layout,
} from './sales-order-layout';
import { interchange850 } from './test/x12-fixtures';
import { parseX12SalesOrders } from './x12-sales-order.parser';

const bytes = (text: string): Buffer => Buffer.from(text, 'utf8');

// A marketplace with its own header, one row per line, no line numbers, units or currency.
const MARKETPLACE: CsvLayout = {
  columns: {
    [CsvField.PoNumber]: { column: 'po_number', required: true },
    [CsvField.OrderDate]: { column: 'order_date', required: true },
    [CsvField.CustomerCode]: { column: 'customer_code', required: true },
    [CsvField.ShipToCode]: { column: 'ship_to', required: false },
    [CsvField.Item]: { column: 'sku', required: true, idType: CsvItemIdType.PartnerSku },
    [CsvField.Quantity]: { column: 'qty', required: true },
    [CsvField.UnitPrice]: { column: 'price', required: true },
    [CsvField.Uom]: { required: false, default: 'EA' },
  },
};

void describe('CSV read through a partner layout', () => {
  void it("maps the partner's own columns onto the canonical fields, with defaults and positions", () => {
    const result = parseCsvSalesOrders(
      bytes(
        'po_number,order_date,customer_code,sku,qty,price,ship_to\n' +
          'PO-1,2024-01-15,C-1,00012345600012,3,0.40,STORE-9\n' +
          'PO-1,2024-01-15,C-1,BOLT,5,1.00,STORE-9\n' +
          'PO-2,2024-01-16,C-2,NUT,1,0.12,\n',
      ),
      MARKETPLACE,
    );
    assert.deepEqual(result.problems, []);
    const [first, second] = result.orders;
    assert.equal(first.poNumber, 'PO-1');
    assert.equal(first.customerCode, 'C-1');
    assert.equal(first.customerCodeRole, CustomerCodeRole.Buyer);
    assert.equal(first.shipToCode, 'STORE-9');
    assert.equal(first.currency, undefined, "no currency column: the partner's default applies later");
    assert.deepEqual(
      first.lines.map((l) => [
        l.lineNumber,
        l.uom,
        l.quantity,
        l.unitPrice,
        l.itemIds.map((i) => i.qualifier),
      ]),
      [
        // A digits-only SKU that passes the GTIN check stays a partner SKU: the layout says so.
        ['1', 'EA', 3, 0.4, [ItemIdQualifier.PartnerSku]],
        ['2', 'EA', 5, 1, [ItemIdQualifier.PartnerSku]],
      ],
    );
    assert.equal(second.shipToCode, undefined);
    assert.deepEqual(first.locations.shipTo, { kind: 'csv', line: 2, column: 7, header: 'ship_to' });
  });

  void it("names the partner's columns in problems and refuses a file without a required one", () => {
    const missing = parseCsvSalesOrders(
      bytes('po_number,order_date,sku,qty,price\nPO-1,2024-01-15,X,1,1\n'),
      MARKETPLACE,
    );
    assert.deepEqual(
      missing.problems.map((p) => [p.code, p.message]),
      [[DocumentProblemCode.CsvMissingColumn, 'The header has no "customer_code" column.']],
    );
    const bad = parseCsvSalesOrders(
      bytes('po_number,order_date,customer_code,sku,qty,price\nPO-1,15/01/2024,C-1,X,-1,\n'),
      MARKETPLACE,
    );
    assert.deepEqual(
      bad.problems.map((p) => [p.code, p.location]),
      [
        [DocumentProblemCode.InvalidDate, 'line 2, column 2 (order_date)'],
        [DocumentProblemCode.OutOfRange, 'line 2, column 5 (qty)'],
        [DocumentProblemCode.MissingValue, 'line 2, column 6 (price)'],
      ],
    );
  });

  void it("a file in the partner's layout is refused by the standard template", () => {
    const file = bytes('po_number,order_date,customer_code,sku,qty,price\nPO-1,2024-01-15,C-1,X,1,1\n');
    assert.ok(
      parseCsvSalesOrders(file).problems.every((p) => p.code === DocumentProblemCode.CsvMissingColumn),
    );
  });
});

void describe('X12 read through a partner layout', () => {
  const BOLTS = { poNumber: 'PO-1', lines: [['1', '5', 'EA', '0.40', 'VP', 'SKU-1001']] };

  void it('takes the customer from N1*BT when configured so, and refuses it by default', () => {
    const text = interchange850([BOLTS]).replace('N1*BY', 'N1*BT');
    assert.deepEqual(
      parseX12SalesOrders(bytes(text)).problems.map((p) => [p.code, p.message]),
      [
        [
          DocumentProblemCode.X12MissingSegment,
          'Transaction set 0001 has no N1*BY or N1*ST segment with an identification code (N103/N104).',
        ],
      ],
    );
    const billTo: X12Layout = { ...STANDARD_X12_LAYOUT, customerQualifiers: ['BY', 'BT'] };
    const [order] = parseX12SalesOrders(bytes(text), billTo).orders;
    assert.equal(order.customerCode, 'GLOBEX-HQ');
    assert.equal(order.customerCodeRole, CustomerCodeRole.BillTo);
  });

  // A typical retail 850: newline-terminated segments, 004010VICS, no buyer party, only the store.
  const VICS = [
    'ISA*00*          *00*          *ZZ*RETAILCO       *ZZ*TRADEWIND      *240115*0930*U*00401*000000301*0*P*>',
    'GS*PO*RETAILCO*TRADEWIND*20240115*0930*301*X*004010VICS',
    'ST*850*0001',
    'BEG*00*SA*RC-5001**20240115',
    'N1*ST**92*0791',
    'PO1*1*6*EA*0.40**VA*BOLT-M8*UP*012345600012',
    'PO1*2*2*EA*82.00**VA*DRILL-18V',
    'CTT*2*8',
    'SE*7*0001',
    'GE*1*301',
    'IEA*1*000000301',
    '',
  ].join('\n');
  const SENDER_IS_CUSTOMER: X12Layout = {
    customerQualifiers: [],
    shipToQualifiers: ['ST'],
    senderCustomerCode: 'RETAILCO',
    itemQualifiers: { ...STANDARD_X12_LAYOUT.itemQualifiers, VA: ItemIdQualifier.VendorSku },
  };

  void it('reads an 850 naming only N1*ST stores as an order of the sender, with VA/UP item ids', () => {
    const result = parseX12SalesOrders(bytes(VICS), SENDER_IS_CUSTOMER);
    assert.deepEqual(result.problems, []);
    const [order] = result.orders;
    assert.equal(order.customerCode, 'RETAILCO');
    assert.equal(order.customerCodeRole, CustomerCodeRole.Sender);
    assert.equal(order.shipToCode, '0791');
    assert.equal(order.x12?.version, '004010VICS');
    assert.deepEqual(
      order.lines[0].itemIds.map((i) => [i.sourceQualifier, i.qualifier, i.value]),
      [
        ['VA', ItemIdQualifier.VendorSku, 'BOLT-M8'],
        ['UP', ItemIdQualifier.Gtin, '012345600012'],
      ],
    );
    // The standard layout takes the store as the customer and does not know VA.
    const [standard] = parseX12SalesOrders(bytes(VICS)).orders;
    assert.equal(standard.customerCode, '0791');
    assert.equal(standard.lines[1].itemIds[0].qualifier, ItemIdQualifier.Other);
  });
});

void describe('JSON read through a partner layout', () => {
  // The portal schema's fields at the partner's own paths, one of them nested.
  const NESTED: JsonLayout = {
    order: {
      ...STANDARD_JSON_LAYOUT.order,
      poNumber: '/header/po',
      orderDate: '/header/date',
      buyerCode: '/header/customer',
      lines: '/items',
    },
    line: {
      ...STANDARD_JSON_LAYOUT.line,
      lineNumber: '/no',
      sku: '/article',
      quantity: '/qty',
      uom: '/unit',
      unitPrice: '/price',
    },
  };
  const order = (line: Record<string, unknown> = {}, header: Record<string, unknown> = {}) => ({
    header: { po: 'PO-7', date: '2024-01-15', customer: 'C-1', ...header },
    currency: 'USD',
    items: [{ no: 1, article: 'BOLT', qty: 4, unit: 'EA', price: 0.4, ...line }],
  });

  void it('reads each field at its configured path', () => {
    const result = parseJsonSalesOrders(
      bytes(JSON.stringify({ orders: [order(), order({}, { po: 'PO-8' })] })),
      NESTED,
    );
    assert.deepEqual(result.problems, []);
    assert.deepEqual(
      result.orders.map((o) => [
        o.poNumber,
        o.orderDate,
        o.customerCode,
        o.lines[0].itemIds[0].value,
        o.lines[0].quantity,
      ]),
      [
        ['PO-7', '2024-01-15', 'C-1', 'BOLT', 4],
        ['PO-8', '2024-01-15', 'C-1', 'BOLT', 4],
      ],
    );
    assert.deepEqual(result.orders[1].locations.customer, {
      kind: 'json',
      pointer: '/orders/1/header/customer',
    });
    assert.deepEqual(result.orders[0].lines[0].locations.quantity, {
      kind: 'json',
      pointer: '/orders/0/items/0/qty',
    });
    // The same document in the standard layout is refused: the layout is what reads it.
    assert.equal(parseJsonSalesOrders(bytes(JSON.stringify(order()))).ok, false);
  });

  void it("points every problem at the partner's own path", () => {
    const bad = { ...order({ qty: undefined, colour: 'red' }, { date: '15/01/2024' }), poNumber: 'X' };
    const result = parseJsonSalesOrders(bytes(JSON.stringify(bad)), NESTED);
    assert.deepEqual(result.problems.map((p) => [p.code, p.message]).sort(), [
      [DocumentProblemCode.InvalidDate, '/header/date must be a valid date.'],
      [DocumentProblemCode.SchemaViolation, '/items/0/colour is not a known field.'],
      [DocumentProblemCode.SchemaViolation, '/items/0/qty is required.'],
      [DocumentProblemCode.SchemaViolation, '/poNumber is not a known field.'],
    ]);
  });
});
