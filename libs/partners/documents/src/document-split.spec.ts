import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import { detectFormat, DocumentFormat } from './document-format';
import { DocumentProblemCode } from './document-problem';
import { DocumentPolicy, parseSalesOrders, selectSlices, splitDocument } from './document-split';
import { bytes, interchange850, orderFixture } from './test/x12-fixtures';

const examples = join(__dirname, '../../../../config/partners/examples');
const read = (name: string): Buffer => readFileSync(join(examples, name));

/** The orders without their source locations, which differ between a document and its slices. */
const essence = (format: DocumentFormat, data: Uint8Array): unknown =>
  parseSalesOrders(format, data).orders.map((o) => ({
    poNumber: o.poNumber,
    orderDate: o.orderDate,
    customerCode: o.customerCode,
    currency: o.currency,
    lines: o.lines.map((l) => [
      l.lineNumber,
      l.itemIds.map((i) => i.value),
      l.quantity,
      l.uom,
      l.unitPrice,
      l.description,
    ]),
    x12: o.x12,
  }));

void describe('splitDocument', () => {
  for (const [name, format, refs] of [
    ['acme-portal.sales-order.json', DocumentFormat.Json, ['ACME-PO-7781']],
    ['market-hub.sales-orders.csv', DocumentFormat.Csv, ['MH-20240115-001', 'MH-20240115-002']],
    ['globex-edi.850.x12', DocumentFormat.X12, ['GX-45001', 'GX-45002']],
  ] as const) {
    void it(`splits ${name} into slices that parse back to the same orders`, () => {
      const whole = read(name);
      const split = splitDocument(format, whole);
      assert.equal(split.ok, true);
      assert.deepEqual(
        split.slices.map((s) => s.businessRef),
        refs,
      );
      const fromSlices = split.slices.flatMap((s) => essence(format, s.bytes) as unknown[]);
      assert.deepEqual(fromSlices, essence(format, whole));
      for (const slice of split.slices) assert.equal(parseSalesOrders(format, slice.bytes).orders.length, 1);
    });
  }

  void it('gives X12 slices their interchange reference and keeps each set bytes as sent', () => {
    const text = interchange850([orderFixture('PO-1'), orderFixture('PO-2'), orderFixture('PO-3')], {
      isa13: '000000900',
      gs06: '900',
    });
    const split = splitDocument(DocumentFormat.X12, bytes(text));
    assert.equal(split.slices.length, 3);
    assert.deepEqual(
      split.slices.map((s) => [s.businessRef, s.interchangeRef, s.contentType]),
      [
        ['PO-1', '000000900/900', 'application/edi-x12'],
        ['PO-2', '000000900/900', 'application/edi-x12'],
        ['PO-3', '000000900/900', 'application/edi-x12'],
      ],
    );
    const second = Buffer.from(split.slices[1].bytes).toString('utf8');
    const setText = text.slice(text.indexOf('ST*850*0002'), text.indexOf('SE*8*0002') + 'SE*8*0002~'.length);
    assert.ok(second.includes(setText));
    assert.match(second, /GE\*1\*900~\nIEA\*1\*000000900~\n$/);
  });

  void it('keeps a slice per order with its own problems when one order is bad', () => {
    const text = interchange850([
      orderFixture('PO-1'),
      orderFixture('PO-2', [['1', '-1', 'EA', '1', 'VP', 'SKU-1001']]),
    ]);
    const split = splitDocument(DocumentFormat.X12, bytes(text));
    assert.equal(split.ok, false);
    assert.deepEqual(split.documentProblems, []);
    assert.deepEqual(
      split.slices.map((s) => s.problems.map((p) => p.code)),
      [[], [DocumentProblemCode.OutOfRange]],
    );
  });

  void it('returns problems, not slices, for an unreadable upload', () => {
    const split = splitDocument(DocumentFormat.Csv, Buffer.from([0x61, 0x2c, 0xff]));
    assert.equal(split.ok, false);
    assert.deepEqual(split.slices, []);
    assert.equal(split.documentProblems[0].code, DocumentProblemCode.EncodingInvalidUtf8);
    assert.equal(split.documentProblems[0].location, 'byte offset 2');
  });
});

void describe('selectSlices', () => {
  // The issue's case: the second 850's SE01 does not count its segments.
  const wrongSeCount = (): Uint8Array =>
    bytes(
      interchange850([orderFixture('PO-1'), orderFixture('PO-2'), orderFixture('PO-3')]).replace(
        'SE*8*0002~',
        'SE*9*0002~',
      ),
    );

  void it('accepts the sound X12 sets per order and refuses only the one with a wrong SE01', () => {
    const split = splitDocument(DocumentFormat.X12, wrongSeCount());
    const selection = selectSlices(split, DocumentPolicy.PerOrder);
    assert.deepEqual(
      selection.accepted.map((s) => s.businessRef),
      ['PO-1', 'PO-3'],
    );
    assert.deepEqual(
      selection.refused.map((s) => [s.businessRef, s.problems.map((p) => [p.code, p.location])]),
      [
        [
          'PO-2',
          [[DocumentProblemCode.X12ControlCountMismatch, 'segment 18 (SE), element 01, byte offset 524']],
        ],
      ],
    );
    assert.equal(selection.refusedWhole, false);
  });

  void it('refuses every order of the same upload for a whole-document partner', () => {
    const split = splitDocument(DocumentFormat.X12, wrongSeCount());
    const selection = selectSlices(split, DocumentPolicy.WholeDocument);
    assert.deepEqual(selection.accepted, []);
    assert.equal(selection.refused.length, 3);
    assert.equal(selection.refusedWhole, true);
  });

  void it('accepts a sound upload whole under either policy', () => {
    for (const policy of Object.values(DocumentPolicy)) {
      const selection = selectSlices(
        splitDocument(DocumentFormat.Csv, read('market-hub.sales-orders.csv')),
        policy,
      );
      assert.equal(selection.accepted.length, 2, policy);
      assert.deepEqual(selection.refused, [], policy);
    }
  });

  void it('refuses a CSV order with a bad quantity and keeps its neighbour', () => {
    const csv = read('market-hub.sales-orders.csv')
      .toString('utf8')
      .replace(',1,EA,24.50,', ',one,EA,24.50,');
    const selection = selectSlices(splitDocument(DocumentFormat.Csv, bytes(csv)), DocumentPolicy.PerOrder);
    assert.deepEqual(
      selection.accepted.map((s) => s.businessRef),
      ['MH-20240115-001'],
    );
    assert.deepEqual(
      selection.refused.map((s) => [s.businessRef, s.problems.map((p) => [p.code, p.location])]),
      [['MH-20240115-002', [[DocumentProblemCode.InvalidNumber, 'line 4, column 7 (quantity)']]]],
    );
  });

  void it('refuses the whole upload for a problem of the document itself, whatever the policy', () => {
    const csv = read('market-hub.sales-orders.csv').toString('utf8').replace('quantity,', 'qty,');
    const split = splitDocument(DocumentFormat.Csv, bytes(csv));
    const selection = selectSlices(split, DocumentPolicy.PerOrder);
    assert.deepEqual(selection.accepted, []);
    assert.equal(selection.refusedWhole, true);
  });
});

void describe('detectFormat', () => {
  void it('trusts a recognised content type', () => {
    assert.equal(detectFormat('application/json; charset=utf-8', bytes('ISA*')), DocumentFormat.Json);
    assert.equal(detectFormat('text/csv', bytes('{')), DocumentFormat.Csv);
    assert.equal(detectFormat('application/EDI-X12', bytes('')), DocumentFormat.X12);
    assert.equal(detectFormat('application/vnd.tradewind.order+json', bytes('')), DocumentFormat.Json);
  });

  void it('sniffs generic or missing content types, and gives up on unknown ones', () => {
    assert.equal(detectFormat(undefined, bytes('\ufeff  {"a":1}')), DocumentFormat.Json);
    assert.equal(detectFormat('text/plain', bytes('\r\nISA*00*')), DocumentFormat.X12);
    assert.equal(detectFormat('application/octet-stream', bytes('a,b\n1,2')), DocumentFormat.Csv);
    assert.equal(detectFormat(undefined, bytes('hello')), undefined);
    assert.equal(detectFormat('application/pdf', bytes('{')), undefined);
  });
});
