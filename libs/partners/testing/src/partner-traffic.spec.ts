import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { parseCsvStockSnapshot, parseJsonStockEvents } from '@tradewind/partner-documents';

import { northwindStockEvents, northwindStockSnapshot } from './partner-traffic';

const bytes = (text: string): Uint8Array => Buffer.from(text, 'utf8');

void describe("the WMS's stock documents", () => {
  void it('a snapshot reads back, with the platform parser, as the counts it was built from', () => {
    const asOf = new Date('2026-12-01T06:00:00.000Z');
    const counts = [
      { sku: 'SKU-1001', warehouse: 'MAIN', onHand: 50000 },
      { sku: 'SKU-2001', warehouse: 'EAST', onHand: 120 },
    ];
    const document = northwindStockSnapshot('nw-snap-test', asOf, counts);
    assert.equal(document.documentType, 'stock-snapshot');
    const parsed = parseCsvStockSnapshot(bytes(document.body));
    assert.deepEqual(parsed.problems, []);
    assert.equal(parsed.records.length, 1);
    assert.equal(parsed.records[0].snapshotId, 'nw-snap-test');
    assert.equal(parsed.records[0].asOfMs, asOf.getTime());
    assert.deepEqual(
      parsed.records[0].lines.map(({ sku, warehouse, onHand }) => ({ sku, warehouse, onHand })),
      counts,
    );
  });

  void it('a stock-event webhook reads back as its events, in order', () => {
    const eventTime = new Date('2026-12-01T10:15:00.000Z');
    const document = northwindStockEvents([
      { eventId: 'e-1', sku: 'SKU-2001', warehouse: 'MAIN', onHand: 3, eventTime, reason: 'count' },
      { eventId: 'e-2', sku: 'SKU-2001', warehouse: 'EAST', onHand: 0, eventTime, sequence: 7 },
    ]);
    assert.equal(document.documentType, 'stock-event');
    assert.deepEqual(document.references, ['e-1', 'e-2']);
    const parsed = parseJsonStockEvents(bytes(document.body));
    assert.deepEqual(parsed.problems, []);
    assert.deepEqual(
      parsed.records.map((e) => [e.eventId, e.warehouse, e.onHand, e.eventTimeMs, e.sequence, e.reason]),
      [
        ['e-1', 'MAIN', 3, eventTime.getTime(), undefined, 'count'],
        ['e-2', 'EAST', 0, eventTime.getTime(), 7, undefined],
      ],
    );
  });
});
