import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import fc from 'fast-check';

import { parseCsvStockSnapshot } from './csv-stock-snapshot.parser';
import { DocumentFormat } from './document-format';
import { DocumentProblemCode, printable } from './document-problem';
import { DocumentPolicy, selectSlices } from './document-split';
import { parseJsonStockEvents } from './json-stock-event.parser';
import { readStockQuantEvent } from './odoo-webhook.reader';
import { parseEventTime, StockDocumentType } from './stock-document';
import { splitStockDocument } from './stock-document-split';

const examples = join(__dirname, '../../../../config/partners/examples');
const eventExample = readFileSync(join(examples, 'northwind-wms.stock-event.json'));
const snapshotExample = readFileSync(join(examples, 'northwind-wms.stock-snapshot.csv'));
const json = (value: unknown): Uint8Array => Buffer.from(JSON.stringify(value), 'utf8');
const csv = (...lines: string[]): Uint8Array => Buffer.from(lines.join('\n') + '\n', 'utf8');
const EVENT = {
  eventId: 'e-1',
  sku: 'SKU-1001',
  warehouse: 'MAIN',
  onHand: 10,
  eventTime: '2026-12-01T10:00:00Z',
};
const HEADER = 'snapshot_id,as_of,warehouse,sku,on_hand';

void describe('parseJsonStockEvents', () => {
  void it('reads the WMS example into canonical events', () => {
    const parsed = parseJsonStockEvents(eventExample);
    assert.equal(parsed.ok, true);
    assert.deepEqual(
      parsed.records.map((e) => [e.eventId, e.sku, e.warehouse, e.onHand, e.sequence, e.reason]),
      [
        ['nw-evt-000101', 'SKU-1001', 'MAIN', 49950, 101, 'pick'],
        ['nw-evt-000102', 'SKU-2001', 'EAST', 118, 57, 'receipt'],
      ],
    );
    // The offset is honoured: 10:15:02+01:00 is 09:15:02Z.
    assert.equal(parsed.records[1].eventTimeMs, Date.UTC(2026, 11, 1, 9, 15, 2));
    assert.equal(parsed.records[0].locations.onHand.kind, 'json');
  });

  void it('reads a single event object as a document of one event', () => {
    const parsed = parseJsonStockEvents(json(EVENT));
    assert.equal(parsed.ok, true);
    assert.equal(parsed.entries[0].businessRef, 'e-1');
    assert.equal(parsed.records[0].sequence, undefined);
  });

  void it('lists every problem of every event with its JSON pointer', () => {
    const parsed = parseJsonStockEvents(
      json({
        events: [
          EVENT,
          { ...EVENT, eventId: 'e-2', onHand: -1, eventTime: '2026-12-01 10:00', extra: true },
          { ...EVENT, eventId: 'e-1', sku: 'SKU\u202E1', sequence: 1.5 },
          { eventId: 'e-4' },
        ],
      }),
    );
    assert.equal(parsed.ok, false);
    assert.deepEqual(
      parsed.problems.map((p) => [p.code, p.location]),
      [
        [DocumentProblemCode.SchemaViolation, '/events/1/extra'],
        [DocumentProblemCode.InvalidDate, '/events/1/eventTime'],
        [DocumentProblemCode.OutOfRange, '/events/1/onHand'],
        [DocumentProblemCode.InvalidCharacters, '/events/2/sku'],
        [DocumentProblemCode.InvalidNumber, '/events/2/sequence'],
        [DocumentProblemCode.DuplicateStockRecord, '/events/2/eventId'],
        [DocumentProblemCode.MissingValue, '/events/3/sku'],
        [DocumentProblemCode.MissingValue, '/events/3/warehouse'],
        [DocumentProblemCode.MissingValue, '/events/3/eventTime'],
        [DocumentProblemCode.MissingValue, '/events/3/onHand'],
      ],
    );
    // The sound event is still read: per-event acceptance can take it.
    assert.deepEqual(
      parsed.records.map((e) => e.eventId),
      ['e-1'],
    );
  });

  void it('refuses hostile documents as a whole, located', () => {
    const invalidUtf8 = parseJsonStockEvents(Uint8Array.from([0x7b, 0xff, 0x7d]));
    assert.equal(invalidUtf8.documentProblems[0].code, DocumentProblemCode.EncodingInvalidUtf8);
    const duplicateKey = parseJsonStockEvents(
      Buffer.from(
        '{"eventId":"a","eventId":"b","sku":"S","warehouse":"W","onHand":1,"eventTime":"2026-12-01T10:00:00Z"}',
      ),
    );
    assert.equal(duplicateKey.problems[0].code, DocumentProblemCode.JsonDuplicateKey);
    assert.equal(duplicateKey.ok, false);
    const deep = parseJsonStockEvents(Buffer.from('['.repeat(100) + ']'.repeat(100)));
    assert.equal(deep.documentProblems[0].code, DocumentProblemCode.JsonTooDeep);
    const syntax = parseJsonStockEvents(Buffer.from('{"events": [}'));
    assert.equal(syntax.documentProblems[0].code, DocumentProblemCode.JsonSyntax);
    assert.equal(syntax.documentProblems[0].at.kind, 'bytes');
    assert.equal(
      parseJsonStockEvents(json({ events: [] })).documentProblems[0].code,
      DocumentProblemCode.NoStockRecords,
    );
    assert.equal(parseJsonStockEvents(json({ events: {} })).documentProblems[0].location, '/events');
    assert.equal(parseJsonStockEvents(json([EVENT])).problems[0].code, DocumentProblemCode.SchemaViolation);
  });
});

void describe('parseCsvStockSnapshot', () => {
  void it('reads the WMS example into one snapshot', () => {
    const parsed = parseCsvStockSnapshot(snapshotExample);
    assert.equal(parsed.ok, true);
    const [snapshot] = parsed.records;
    assert.equal(snapshot.snapshotId, 'nw-snap-20261201-0600');
    assert.equal(snapshot.asOfMs, Date.UTC(2026, 11, 1, 6));
    assert.deepEqual(
      snapshot.lines.map((l) => [l.warehouse, l.sku, l.onHand]),
      [
        ['MAIN', 'SKU-1001', 50000],
        ['MAIN', 'SKU-2001', 400],
        ['EAST', 'SKU-1001', 8000],
        ['EAST', 'SKU-2001', 120],
      ],
    );
  });

  void it('reads columns in any order, CRLF and extra columns included', () => {
    const parsed = parseCsvStockSnapshot(
      Buffer.from(
        'SKU,On_Hand,note,warehouse,as_of,snapshot_id\r\nSKU-1001,7,x,MAIN,2026-12-01T06:00:00Z,s1\r\n',
      ),
    );
    assert.equal(parsed.ok, true);
    assert.deepEqual(parsed.records[0].lines[0], {
      sku: 'SKU-1001',
      warehouse: 'MAIN',
      onHand: 7,
      at: { kind: 'csv', line: 2 },
    });
  });

  void it('refuses the whole snapshot for one bad row, listing every problem by line and column', () => {
    const parsed = parseCsvStockSnapshot(
      csv(
        HEADER,
        's1,2026-12-01T06:00:00Z,MAIN,SKU-1001,5',
        's2,2026-12-01T07:00:00Z,MAIN,SKU-1002,1.5',
        's1,2026-12-01T06:00:00Z,MAIN,SKU-1001,-3',
        's1,2026-12-01T06:00:00Z,,SKU-1003,4',
      ),
    );
    assert.equal(parsed.ok, false);
    assert.equal(parsed.records.length, 0);
    assert.equal(parsed.entries[0].businessRef, 's1');
    assert.deepEqual(
      parsed.problems.map((p) => [p.code, p.location]),
      [
        [DocumentProblemCode.CsvInconsistentSnapshot, 'line 3, column 1 (snapshot_id)'],
        [DocumentProblemCode.CsvInconsistentSnapshot, 'line 3, column 2 (as_of)'],
        [DocumentProblemCode.InvalidNumber, 'line 3, column 5 (on_hand)'],
        [DocumentProblemCode.InvalidNumber, 'line 4, column 5 (on_hand)'],
        [DocumentProblemCode.DuplicateStockRecord, 'line 4'],
        [DocumentProblemCode.MissingValue, 'line 5, column 3 (warehouse)'],
      ],
    );
  });

  void it('names a missing column and an empty file', () => {
    assert.deepEqual(
      parseCsvStockSnapshot(
        csv('snapshot_id,as_of,sku,on_hand', 's1,2026-12-01T06:00:00Z,SKU-1,1'),
      ).problems.map((p) => p.message),
      ['The header has no "warehouse" column.'],
    );
    assert.equal(parseCsvStockSnapshot(csv(HEADER)).problems[0].code, DocumentProblemCode.NoStockRecords);
    assert.equal(
      parseCsvStockSnapshot(Buffer.from(' \n')).problems[0].code,
      DocumentProblemCode.EmptyDocument,
    );
  });
});

void describe('splitStockDocument', () => {
  void it('gives one slice per event, each parseable alone', () => {
    const split = splitStockDocument(StockDocumentType.StockEvent, DocumentFormat.Json, eventExample);
    assert.equal(split.ok, true);
    assert.deepEqual(
      split.slices.map((s) => s.businessRef),
      ['nw-evt-000101', 'nw-evt-000102'],
    );
    const alone = parseJsonStockEvents(split.slices[1].bytes);
    assert.equal(alone.ok, true);
    assert.equal(alone.records[0].onHand, 118);
  });

  void it('accepts the sound events of an upload per event', () => {
    const split = splitStockDocument(
      StockDocumentType.StockEvent,
      DocumentFormat.Json,
      json({ events: [EVENT, { ...EVENT, eventId: 'e-2', onHand: 'ten' }] }),
    );
    const selection = selectSlices(split, DocumentPolicy.PerOrder);
    assert.deepEqual(
      selection.accepted.map((s) => s.businessRef),
      ['e-1'],
    );
    assert.deepEqual(
      selection.refused.map((s) => s.problems[0].location),
      ['/events/1/onHand'],
    );
  });

  void it('keeps a snapshot whole and refuses a format that is not its own', () => {
    const split = splitStockDocument(StockDocumentType.StockSnapshot, DocumentFormat.Csv, snapshotExample);
    assert.equal(split.slices.length, 1);
    assert.equal(parseCsvStockSnapshot(split.slices[0].bytes).ok, true);
    const wrong = splitStockDocument(StockDocumentType.StockSnapshot, DocumentFormat.Json, eventExample);
    assert.equal(wrong.documentProblems[0].code, DocumentProblemCode.UnsupportedFormat);
  });
});

void describe("Odoo's stock.quant webhook (stock-quant-event)", () => {
  // What base_automation posts: _model, _id, _action and the selected fields read with load=None.
  const quant = { _action: 'Send Webhook Notification(#9)', _model: 'stock.quant', _id: 7, id: 7 };

  void it('is one slice named by the quant, with its product when the rule selects it', () => {
    const split = splitStockDocument(
      StockDocumentType.StockQuantEvent,
      DocumentFormat.Json,
      json({ ...quant, product_id: 12, location_id: 8, quantity: 40 }),
    );
    assert.equal(split.ok, true);
    assert.deepEqual(
      split.slices.map((s) => s.businessRef),
      ['stock.quant/7'],
    );
    assert.deepEqual(readStockQuantEvent(split.slices[0].bytes), {
      ok: true,
      documents: [{ quantId: 7, productId: 12 }],
    });
    const empty = readStockQuantEvent(json({ ...quant, product_id: false }));
    assert.deepEqual(empty.ok && empty.documents[0].productId, undefined);
  });

  void it('refuses another model, a missing id or a product that is not an id, where each is', () => {
    const split = splitStockDocument(
      StockDocumentType.StockQuantEvent,
      DocumentFormat.Json,
      json({ _model: 'stock.move', _id: '7' }),
    );
    assert.deepEqual(
      [split.ok, split.slices.length, split.documentProblems.map((p) => p.location)],
      [false, 0, ['/_model', '/_id']],
    );
    const product = readStockQuantEvent(json({ ...quant, product_id: [12, 'Drill'] }));
    assert.deepEqual(!product.ok && product.problems.map((p) => p.location), ['/product_id']);
    const notJson = splitStockDocument(
      StockDocumentType.StockQuantEvent,
      DocumentFormat.Json,
      json('x').subarray(1),
    );
    assert.equal(notJson.documentProblems[0].code, DocumentProblemCode.JsonSyntax);
  });
});

void describe('parseEventTime', () => {
  void it('takes RFC 3339 with an offset only, and real times only', () => {
    assert.equal(parseEventTime('2026-12-01T10:00:00.123Z'), Date.UTC(2026, 11, 1, 10, 0, 0, 123));
    for (const bad of [
      '2026-12-01T10:00:00',
      '2026-02-30T10:00:00Z',
      '2026-12-01 10:00:00Z',
      '2026-12-01T24:00:00Z',
      'now',
    ])
      assert.equal(parseEventTime(bad), undefined, bad);
  });
});

void describe('stock documents under hostile input', () => {
  const mutate = (base: Uint8Array) =>
    fc
      .array(fc.tuple(fc.nat({ max: base.length - 1 }), fc.integer({ min: 0, max: 255 })), {
        minLength: 1,
        maxLength: 8,
      })
      .map((edits) => {
        const bytes = Uint8Array.from(base);
        for (const [at, value] of edits) bytes[at] = value;
        return bytes;
      });

  void it('never throws, and every problem of a refused upload says where it is', () => {
    for (const [type, format, base] of [
      [StockDocumentType.StockEvent, DocumentFormat.Json, eventExample],
      [StockDocumentType.StockSnapshot, DocumentFormat.Csv, snapshotExample],
    ] as const) {
      fc.assert(
        fc.property(mutate(base), (bytes) => {
          const split = splitStockDocument(type, format, bytes);
          const problems = [...split.documentProblems, ...split.slices.flatMap((s) => s.problems)];
          assert.equal(split.ok, problems.length === 0 && split.slices.length > 0);
          for (const p of problems) assert.ok(p.location.length > 0 && p.message === printable(p.message));
          // What is accepted reads back alone to the same sound record.
          for (const slice of selectSlices(split, DocumentPolicy.PerOrder).accepted) {
            const again =
              type === StockDocumentType.StockEvent
                ? parseJsonStockEvents(slice.bytes)
                : parseCsvStockSnapshot(slice.bytes);
            assert.equal(again.ok, true);
          }
        }),
        { seed: 20261201, numRuns: 3000 },
      );
    }
  });
});
