// Property-based (fast-check, fixed seed) and example tests of the inventory rules.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { ShortagePolicy } from '@tradewind/contracts';
import fc from 'fast-check';

import { availableQuantity } from './availability';
import { allocateToChannel, type ChannelAllocationRule } from './channel-allocation';
import { InventoryDomainErrorCode, InventoryDomainException } from './inventory-domain.exception';
import { chooseWarehouse, decideLine } from './reservation-decision';
import { judgeStockEvent, type LedgerPosition, type StockEventStamp } from './stock-event-order';

const PARAMS = { seed: 20_261_201, numRuns: 500 };
const units = fc.integer({ min: 0, max: 100_000 });
const policy = fc.constantFrom(ShortagePolicy.Reject, ShortagePolicy.Backorder, ShortagePolicy.Unknown);

const rule: fc.Arbitrary<ChannelAllocationRule> = fc
  .record(
    {
      percentOfAvailable: fc.integer({ min: 0, max: 10_000 }).map((n) => n / 100),
      max: fc.integer({ min: 0, max: 5_000 }),
      min: fc.integer({ min: 0, max: 5_000 }),
      safetyBuffer: fc.integer({ min: 0, max: 500 }),
      zeroBelow: fc.integer({ min: 0, max: 500 }),
    },
    { requiredKeys: ['percentOfAvailable'] },
  )
  .filter((r) => r.min === undefined || r.max === undefined || r.min <= r.max);

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

describe('allocateToChannel', () => {
  void it('stays within available and the maximum, and honours the threshold and the minimum', () => {
    fc.assert(
      fc.property(units, rule, (available, r) => {
        const q = allocateToChannel(available, r);
        const pool = Math.max(0, available - (r.safetyBuffer ?? 0));
        assert.ok(Number.isSafeInteger(q) && q >= 0);
        assert.ok(q <= pool, 'never more than is there after the buffer');
        if (r.max !== undefined) assert.ok(q <= r.max);
        if (available < (r.zeroBelow ?? 0)) assert.equal(q, 0);
        else if (r.min !== undefined) assert.ok(q >= Math.min(r.min, pool, r.max ?? Infinity));
      }),
      PARAMS,
    );
  });

  void it('is the percentage rounded down when nothing else applies', () => {
    fc.assert(
      fc.property(units, fc.integer({ min: 0, max: 10_000 }), (available, hundredths) => {
        assert.equal(
          allocateToChannel(available, { percentOfAvailable: hundredths / 100 }),
          Math.floor((available * hundredths) / 10_000),
        );
      }),
      PARAMS,
    );
  });

  void it('never falls when availability rises', () => {
    fc.assert(
      fc.property(units, units, rule, (a, b, r) => {
        const [low, high] = a <= b ? [a, b] : [b, a];
        assert.ok(allocateToChannel(low, r) <= allocateToChannel(high, r));
      }),
      PARAMS,
    );
  });

  void it('rounds the share down in whole units', () => {
    assert.equal(allocateToChannel(29, { percentOfAvailable: 10 }), 2);
    assert.equal(allocateToChannel(100, { percentOfAvailable: 33.33 }), 33);
    assert.equal(allocateToChannel(100, { percentOfAvailable: 50, safetyBuffer: 10 }), 45);
    assert.equal(allocateToChannel(100, { percentOfAvailable: 50, max: 20 }), 20);
    assert.equal(allocateToChannel(10, { percentOfAvailable: 10, min: 4 }), 4);
    assert.equal(allocateToChannel(3, { percentOfAvailable: 100, min: 5 }), 3);
    assert.equal(allocateToChannel(9, { percentOfAvailable: 100, zeroBelow: 10 }), 0);
    // The threshold looks at available before the buffer (as the catalog's rule says).
    assert.equal(allocateToChannel(12, { percentOfAvailable: 100, zeroBelow: 10, safetyBuffer: 5 }), 7);
    assert.equal(allocateToChannel(10, { percentOfAvailable: 100, zeroBelow: 10 }), 10);
  });

  void it('refuses a rule it cannot apply, naming every problem', () => {
    assert.throws(
      () => allocateToChannel(10, { percentOfAvailable: 120, min: 5, max: 2 }),
      (e: unknown) =>
        e instanceof InventoryDomainException &&
        e.code === InventoryDomainErrorCode.InvalidAllocationRule &&
        /percentOfAvailable/.test(e.message) &&
        /min 5 is above max 2/.test(e.message),
    );
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
        position = { eventTime: e.eventTime, eventId: e.eventId };
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
          .sort((a, b) => a.eventTime - b.eventTime || (a.eventId < b.eventId ? -1 : 1))
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
    const position = { eventTime: 100, eventId: 'b' };
    assert.equal(judgeStockEvent({ eventId: 'x', eventTime: 99 }, position, false), 'stale');
    assert.equal(judgeStockEvent({ eventId: 'a', eventTime: 100 }, position, false), 'stale');
    assert.equal(judgeStockEvent({ eventId: 'c', eventTime: 100 }, position, false), 'applied');
    assert.equal(judgeStockEvent({ eventId: 'c', eventTime: 101 }, position, true), 'duplicate');
    assert.equal(judgeStockEvent({ eventId: 'z', eventTime: 0 }, undefined, false), 'applied');
  });
});
