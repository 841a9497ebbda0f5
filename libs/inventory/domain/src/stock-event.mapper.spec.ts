import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { stockEventsFromWmsEvents, stockEventsFromWmsSnapshot } from './stock-event.mapper';

const origin = { documentId: 'doc-1', partnerId: 'northwind-wms', receivedAt: 5_000 };

void describe('stock event mapper', () => {
  void it('keeps a WMS event as it is, absolute, with its time and sequence', () => {
    const [event] = stockEventsFromWmsEvents(origin, [
      { eventId: 'ev-9', sku: 'SKU-1', warehouse: 'MAIN', onHand: 12, eventTimeMs: 4_000, sequence: 7 },
    ]);
    assert.deepEqual(event, {
      eventId: 'ev-9',
      kind: 'on_hand',
      sourcePartnerId: 'northwind-wms',
      documentId: 'doc-1',
      sku: 'SKU-1',
      warehouseId: 'MAIN',
      onHand: 12,
      eventTime: 4_000,
      sequence: 7,
      receivedAt: 5_000,
    });
  });

  void it('turns each snapshot row into a count at the snapshot time, with an id a resend repeats', () => {
    const snapshot = {
      snapshotId: 'snap-3',
      asOfMs: 3_000,
      lines: [
        { sku: 'SKU-1', warehouse: 'MAIN', onHand: 4 },
        { sku: 'SKU-1', warehouse: 'EAST', onHand: 0 },
      ],
    };
    const events = stockEventsFromWmsSnapshot(origin, snapshot);
    assert.deepEqual(
      events.map((e) => [e.eventId, e.kind, e.warehouseId, e.onHand, e.eventTime, e.sequence]),
      [
        ['snap-3/MAIN/SKU-1', 'snapshot', 'MAIN', 4, 3_000, null],
        ['snap-3/EAST/SKU-1', 'snapshot', 'EAST', 0, 3_000, null],
      ],
    );
    assert.deepEqual(stockEventsFromWmsSnapshot(origin, snapshot), events);
  });
});
