// Property-based (fast-check, fixed seed) and example tests of the inventory rules.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { ShortagePolicy } from '@tradewind/contracts';
import fc from 'fast-check';

import { availableQuantity } from './availability';
import { InventoryDomainErrorCode, InventoryDomainException } from './inventory-domain.exception';
import { chooseWarehouse, decideLine } from './reservation-decision';
import { judgeStockEvent, type LedgerPosition, type StockEventStamp } from './stock-event-order';

const PARAMS = { seed: 20_261_201, numRuns: 500 };
const units = fc.integer({ min: 0, max: 100_000 });
const policy = fc.constantFrom(ShortagePolicy.Reject, ShortagePolicy.Backorder, ShortagePolicy.Unknown);

describe('availability', () => {
  void it('is on hand − reserved − safety stock, never negative', () => {
    fc.assert(
      fc.property(units, units, units, (onHand, reserved, safetyStock) => {
        const available = availableQuantity({ onHand, reserved, safetyStock });
        assert.equal(available, Math.max(0, onHand - reserved - safetyStock));
        assert.ok(available + reserved + safetyStock >= onHand || available === 0);
      }),
      PARAMS,
    );
  });

  void it('refuses fractional and negative quantities', () => {
    for (const onHand of [-1, 1.5, Number.NaN]) {
      assert.throws(
        () => availableQuantity({ onHand, reserved: 0, safetyStock: 0 }),
        (e: unknown) =>
          e instanceof InventoryDomainException && e.code === InventoryDomainErrorCode.InvalidQuantity,
      );
    }
  });
});

describe('decideLine', () => {
  void it('never holds more than is available, and holds a line whole when it can', () => {
    fc.assert(
      fc.property(units, fc.integer({ min: 1, max: 100_000 }), policy, (available, requested, p) => {
        const d = decideLine(available, requested, p);
        assert.ok(d.reserved <= available);
        if (requested <= available)
          assert.deepEqual(d, { outcome: 'reserved', reserved: requested, backordered: 0 });
        else if (p === ShortagePolicy.Backorder) {
          assert.equal(d.outcome, 'backordered');
          assert.equal(d.reserved + d.backordered, requested);
        } else assert.deepEqual(d, { outcome: 'insufficient_stock', reserved: 0, backordered: 0 });
      }),
      PARAMS,
    );
  });

  void it('serving requests one after another never reserves more than the stock (the store does this in SQL)', () => {
    fc.assert(
      fc.property(
        units,
        fc.array(fc.tuple(fc.integer({ min: 1, max: 50 }), policy), { maxLength: 200 }),
        (stock, requests) => {
          let available = stock;
          let reserved = 0;
          for (const [requested, p] of requests) {
            const d = decideLine(available, requested, p);
            available -= d.reserved;
            reserved += d.reserved;
          }
          assert.ok(reserved <= stock);
          assert.equal(available, stock - reserved);
        },
      ),
      PARAMS,
    );
  });

  void it('picks the first warehouse by id that holds the line whole, else the fullest', () => {
    const w = [
      { warehouseId: 'b', available: 5 },
      { warehouseId: 'a', available: 3 },
      { warehouseId: 'c', available: 9 },
    ];
    assert.equal(chooseWarehouse(w, 3)?.warehouseId, 'a');
    assert.equal(chooseWarehouse(w, 4)?.warehouseId, 'b');
    assert.equal(chooseWarehouse(w, 20)?.warehouseId, 'c');
    assert.equal(chooseWarehouse([], 1), undefined);
  });
});

describe('stock events', () => {
  interface Event extends StockEventStamp {
    onHand: number;
  }

  /** The ledger's rule for one SKU and warehouse, as the store applies it. */
  function replay(events: readonly Event[]) {
    let position: LedgerPosition | undefined;
    let onHand: number | undefined;
    const seen = new Set<string>();
    const counts = { applied: 0, stale: 0, duplicate: 0 };
    for (const e of events) {
      const verdict = judgeStockEvent(e, position, seen.has(e.eventId));
      counts[verdict]++;
      seen.add(e.eventId);
      if (verdict === 'applied') {
        position = { eventTime: e.eventTime, sequence: e.sequence, eventId: e.eventId };
        onHand = e.onHand;
      }
    }
    return { onHand, position, counts };
  }

  // Distinct ids, few distinct times (ties happen), each event redelivered up to twice, any order.
  const deliveries = fc
    .uniqueArray(
      fc.record({
        eventId: fc.string({ minLength: 1, maxLength: 4 }),
        eventTime: fc.integer({ min: 0, max: 8 }),
        sequence: fc.option(fc.integer({ min: 0, max: 3 }), { nil: null }),
        onHand: units,
      }),
      { minLength: 1, maxLength: 30, selector: (e) => e.eventId },
    )
    .chain((events) =>
      fc
        .array(fc.integer({ min: 1, max: 3 }), { minLength: events.length, maxLength: events.length })
        .map((copies) => events.flatMap((e, i) => Array<Event>(copies[i]).fill(e)))
        .chain((all) => fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length }))
        .map((delivered) => ({ events, delivered })),
    );

  void it('end on the newest event whatever the delivery order and redeliveries', () => {
    fc.assert(
      fc.property(deliveries, ({ events, delivered }) => {
        const newest = [...events]
          .sort(
            (a, b) =>
              a.eventTime - b.eventTime ||
              (a.sequence ?? -1) - (b.sequence ?? -1) ||
              (a.eventId < b.eventId ? -1 : 1),
          )
          .at(-1)!;
        const { onHand, counts } = replay(delivered);
        assert.equal(onHand, newest.onHand);
        assert.equal(counts.duplicate, delivered.length - events.length);
        assert.equal(counts.applied + counts.stale, events.length);
      }),
      PARAMS,
    );
  });

  void it('never move the ledger backwards', () => {
    fc.assert(
      fc.property(deliveries, ({ delivered }) => {
        let position: LedgerPosition | undefined;
        const seen = new Set<string>();
        for (const e of delivered) {
          const verdict = judgeStockEvent(e, position, seen.has(e.eventId));
          seen.add(e.eventId);
          if (verdict !== 'applied') continue;
          if (position !== undefined) assert.ok(e.eventTime >= position.eventTime);
          position = e;
        }
      }),
      PARAMS,
    );
  });

  void it('records an older event as stale and a repeated id as a duplicate', () => {
    const position = { eventTime: 100, sequence: 5, eventId: 'b' };
    const at = (eventId: string, eventTime: number, sequence: number | null = null) => ({
      eventId,
      eventTime,
      sequence,
    });
    assert.equal(judgeStockEvent(at('x', 99, 9), position, false), 'stale');
    assert.equal(judgeStockEvent(at('a', 100, 5), position, false), 'stale');
    assert.equal(judgeStockEvent(at('c', 100, 5), position, false), 'applied');
    assert.equal(
      judgeStockEvent(at('a', 100, 6), position, false),
      'applied',
      'the source sequence orders a tie',
    );
    assert.equal(judgeStockEvent(at('z', 100), position, false), 'stale', 'no sequence is below any');
    assert.equal(judgeStockEvent(at('c', 101), position, true), 'duplicate');
    assert.equal(judgeStockEvent(at('z', 0), undefined, false), 'applied');
  });
});
