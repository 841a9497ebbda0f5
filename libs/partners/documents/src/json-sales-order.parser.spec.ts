import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import { DocumentFormat } from './document-format';
import { DocumentProblemCode } from './document-problem';
import { parseJsonSalesOrders } from './json-sales-order.parser';
import { CustomerCodeRole, ItemIdQualifier } from './partner-sales-order';

const example = readFileSync(
  join(__dirname, '../../../../config/partners/examples/acme-portal.sales-order.json'),
);
const json = (value: unknown): Uint8Array => Buffer.from(JSON.stringify(value), 'utf8');
const order = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  poNumber: 'PO-1',
  orderDate: '2024-01-15',
  buyerCode: 'ACME-001',
  currency: 'USD',
  lines: [
    { lineNumber: 1, sku: 'AC-BOLT-M8', quantity: 10, uom: 'EA', unitPrice: 0.4 },
    { lineNumber: 2, gtin: '00012345600111', quantity: 1, uom: 'EA', unitPrice: 82 },
    { lineNumber: 3, sku: 'AC-WASHER-M8', quantity: 5, uom: 'CA', unitPrice: 0.6 },
  ],
  ...overrides,
});

void describe('parseJsonSalesOrders', () => {
  void it('reads the portal example into a partner sales order', () => {
    const result = parseJsonSalesOrders(example);
    assert.equal(result.ok, true);
    assert.deepEqual(result.problems, []);
    const [o] = result.orders;
    assert.equal(o.format, DocumentFormat.Json);
    assert.equal(o.poNumber, 'ACME-PO-7781');
    assert.equal(o.orderDate, '2024-01-15');
    assert.equal(o.customerCode, 'ACME-001');
    assert.equal(o.customerCodeRole, CustomerCodeRole.Buyer);
    assert.equal(o.currency, 'USD');
    assert.deepEqual(
      o.lines.map((l) => [
        l.lineNumber,
        l.itemIds[0].qualifier,
        l.itemIds[0].value,
        l.quantity,
        l.uom,
        l.unitPrice,
      ]),
      [
        ['1', ItemIdQualifier.PartnerSku, 'AC-BOLT-M8', 1000, 'EA', 0.4],
        ['2', ItemIdQualifier.Gtin, '00012345600111', 2, 'EA', 82],
        ['3', ItemIdQualifier.PartnerSku, 'AC-WASHER-M8', 5, 'CA', 0.6],
      ],
    );
    assert.deepEqual(o.lines[2].locations.quantity, { kind: 'json', pointer: '/lines/2/quantity' });
    assert.ok(Object.isFrozen(o.lines[0]));
  });

  void it('reports every schema problem at once, each at its JSON pointer', () => {
    const bad = order({ poNumber: undefined, currency: 'usd' });
    const lines = bad.lines as Record<string, unknown>[];
    lines[2] = { ...lines[2], quantity: 'five', colour: 'red' };
    lines[1] = { lineNumber: 2, quantity: 1, uom: 'EA', unitPrice: -1 };
    const result = parseJsonSalesOrders(json(bad));
    assert.equal(result.ok, false);
    const byLocation = Object.fromEntries(result.problems.map((p) => [p.location, p]));
    assert.deepEqual(Object.keys(byLocation).sort(), [
      '/currency',
      '/lines/1',
      '/lines/1/unitPrice',
      '/lines/2/colour',
      '/lines/2/quantity',
      '/poNumber',
    ]);
    assert.equal(byLocation['/lines/2/quantity'].code, DocumentProblemCode.SchemaViolation);
    assert.equal(byLocation['/lines/2/quantity'].message, '/lines/2/quantity must be number.');
    assert.equal(byLocation['/lines/2/quantity'].lineNumber, '3');
    assert.equal(byLocation['/poNumber'].message, '/poNumber is required.');
    assert.match(byLocation['/lines/1'].message, /"sku" or "gtin"/);
    assert.match(byLocation['/lines/2/colour'].message, /not a known field/);
    assert.equal(result.entries[0].businessRef, undefined);
  });

  void it('checks GTIN check digits and calendar dates', () => {
    const bad = order({ orderDate: '2024-02-30' });
    (bad.lines as Record<string, unknown>[])[1].gtin = '00012345600112';
    const result = parseJsonSalesOrders(json(bad));
    assert.deepEqual(
      result.problems.map((p) => [p.code, p.location]),
      [
        [DocumentProblemCode.InvalidDate, '/orderDate'],
        [DocumentProblemCode.SchemaViolation, '/lines/1/gtin'],
      ],
    );
  });

  void it('splits a batch and keeps each order its own problems', () => {
    const second = order({ poNumber: 'PO-2' });
    (second.lines as Record<string, unknown>[])[0].uom = 'each unit';
    const result = parseJsonSalesOrders(json({ orders: [order(), second] }));
    assert.equal(result.ok, false);
    assert.deepEqual(result.documentProblems, []);
    assert.equal(result.entries.length, 2);
    assert.equal(result.entries[0].order?.poNumber, 'PO-1');
    assert.deepEqual(result.entries[0].problems, []);
    assert.equal(result.entries[1].order, undefined);
    assert.equal(result.entries[1].businessRef, 'PO-2');
    assert.deepEqual(
      result.entries[1].problems.map((p) => p.location),
      ['/orders/1/lines/0/uom'],
    );
    assert.equal(result.orders.length, 1);
  });

  void it('gives the byte offset of a JSON syntax error, never throwing', () => {
    const text = '{"poNumber": "PO-1",\n "orderDate": "2024-01-15" "x": 1}';
    const result = parseJsonSalesOrders(Buffer.from(text));
    assert.equal(result.problems[0].code, DocumentProblemCode.JsonSyntax);
    assert.deepEqual(result.problems[0].at, { kind: 'bytes', byteOffset: text.indexOf('"x"') });
  });

  void it('reports document-level problems for empty documents and wrong shapes', () => {
    assert.equal(parseJsonSalesOrders(Buffer.from('  ')).problems[0].code, DocumentProblemCode.EmptyDocument);
    const arrayResult = parseJsonSalesOrders(json([order()]));
    assert.equal(arrayResult.ok, false);
    assert.equal(arrayResult.problems[0].location, '(root)');
    const emptyBatch = parseJsonSalesOrders(json({ orders: [] }));
    assert.deepEqual(
      emptyBatch.documentProblems.map((p) => p.location),
      ['/orders'],
    );
  });

  void it('refuses non-UTF-8 bytes with their offset', () => {
    const bytes = Buffer.concat([Buffer.from('{"poNumber": "'), Buffer.from([0xe9]), Buffer.from('"}')]);
    const result = parseJsonSalesOrders(bytes);
    assert.equal(result.problems[0].code, DocumentProblemCode.EncodingInvalidUtf8);
    assert.equal(result.problems[0].location, 'byte offset 14');
  });
});
