import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import { parseCsvSalesOrders } from './csv-sales-order.parser';
import { DocumentProblemCode } from './document-problem';
import { ItemIdQualifier } from './partner-sales-order';

const example = readFileSync(
  join(__dirname, '../../../../config/partners/examples/market-hub.sales-orders.csv'),
);
const HEADER =
  'order_number,order_date,buyer_code,currency,line_number,item_sku_or_gtin,quantity,uom,unit_price';
const csv = (...lines: string[]): Uint8Array => Buffer.from(lines.join('\n') + '\n', 'utf8');

void describe('parseCsvSalesOrders', () => {
  void it('groups the marketplace example into two orders', () => {
    const result = parseCsvSalesOrders(example);
    assert.equal(result.ok, true);
    assert.deepEqual(
      result.orders.map((o) => [o.poNumber, o.customerCode, o.lines.length]),
      [
        ['MH-20240115-001', 'MH-NORTH', 2],
        ['MH-20240115-002', 'MH-SOUTH', 2],
      ],
    );
    const glasses = result.orders[0].lines[1];
    // A valid GTIN is tried as a GTIN first, then as the partner's SKU.
    assert.deepEqual(
      glasses.itemIds.map((i) => i.qualifier),
      [ItemIdQualifier.Gtin, ItemIdQualifier.PartnerSku],
    );
    assert.equal(result.orders[1].lines[1].description, 'Stainless Bolt M8, case of 12');
    assert.deepEqual(result.orders[1].lines[1].locations.quantity, {
      kind: 'csv',
      line: 5,
      column: 7,
      header: 'quantity',
    });
  });

  void it('names a missing column at line 1', () => {
    const result = parseCsvSalesOrders(
      csv(HEADER.replace(',currency', ''), 'PO-1,2024-01-15,B1,1,SKU,1,EA,1'),
    );
    assert.equal(result.ok, false);
    assert.deepEqual(
      result.problems.map((p) => [p.code, p.location, p.message]),
      [[DocumentProblemCode.CsvMissingColumn, 'line 1', 'The header has no "currency" column.']],
    );
    assert.equal(result.entries.length, 0);
  });

  void it('locates a bad quantity at its exact line and column', () => {
    const result = parseCsvSalesOrders(
      csv(HEADER, 'PO-1,2024-01-15,B1,USD,1,SKU-A,10,EA,1.00', 'PO-1,2024-01-15,B1,USD,2,SKU-B,1O,EA,2.00'),
    );
    assert.equal(result.ok, false);
    assert.deepEqual(
      result.problems.map((p) => [p.code, p.location, p.lineNumber]),
      [[DocumentProblemCode.InvalidNumber, 'line 3, column 7 (quantity)', '2']],
    );
    assert.equal(result.entries[0].businessRef, 'PO-1');
    assert.equal(result.entries[0].order, undefined);
  });

  void it('keeps line numbers right across CRLF, a BOM, blank lines and quoted line breaks', () => {
    const text = `\ufeff${HEADER},description\r\nPO-1,2024-01-15,B1,USD,1,SKU-A,2,EA,1,"two\r\nlines"\r\n\r\nPO-1,2024-01-15,B1,USD,2,SKU-B,-3,EA,1,x\r\n`;
    const result = parseCsvSalesOrders(Buffer.from(text, 'utf8'));
    assert.deepEqual(
      result.problems.map((p) => [p.code, p.location]),
      [[DocumentProblemCode.OutOfRange, 'line 5, column 7 (quantity)']],
    );
  });

  void it('reports order fields that differ between rows of one order and rows with the wrong field count', () => {
    const result = parseCsvSalesOrders(
      csv(
        HEADER,
        'PO-1,2024-01-15,B1,USD,1,SKU-A,1,EA,1',
        'PO-1,2024-01-15,B2,USD,2,SKU-B,1,EA,1',
        'PO-2,2024-01-15,B1,USD,1,SKU-A,1,EA',
      ),
    );
    assert.deepEqual(
      result.problems.map((p) => [p.code, p.location]),
      [
        [DocumentProblemCode.CsvFieldCount, 'line 4'],
        [DocumentProblemCode.CsvInconsistentOrder, 'line 3, column 3 (buyer_code)'],
      ],
    );
  });

  void it('collects every cell problem of a file in one pass', () => {
    const result = parseCsvSalesOrders(
      csv(HEADER, 'PO-1,15/01/2024,B1,usd,x,,0,E A,abc', ',2024-01-15,B1,USD,1,SKU,1,EA,1'),
    );
    assert.deepEqual(
      result.problems.map((p) => [p.code, p.location]),
      [
        [DocumentProblemCode.MissingValue, 'line 3, column 1 (order_number)'],
        [DocumentProblemCode.InvalidDate, 'line 2, column 2 (order_date)'],
        [DocumentProblemCode.SchemaViolation, 'line 2, column 4 (currency)'],
        [DocumentProblemCode.InvalidNumber, 'line 2, column 5 (line_number)'],
        [DocumentProblemCode.MissingValue, 'line 2, column 6 (item_sku_or_gtin)'],
        [DocumentProblemCode.OutOfRange, 'line 2, column 7 (quantity)'],
        [DocumentProblemCode.SchemaViolation, 'line 2, column 8 (uom)'],
        [DocumentProblemCode.InvalidNumber, 'line 2, column 9 (unit_price)'],
      ],
    );
  });

  void it('reports a header-only file and an unclosed quote without throwing', () => {
    assert.equal(parseCsvSalesOrders(csv(HEADER)).problems[0].code, DocumentProblemCode.NoOrders);
    const broken = parseCsvSalesOrders(csv(HEADER, 'PO-1,2024-01-15,"B1,USD,1,SKU,1,EA,1'));
    assert.equal(broken.ok, false);
    assert.equal(broken.problems[0].code, DocumentProblemCode.CsvSyntax);
  });
});
