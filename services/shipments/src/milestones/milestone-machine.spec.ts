import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { MilestoneEffect, ShipmentMilestone } from '@tradewind/contracts';
import fc from 'fast-check';

import { foldMilestones, type MilestoneEvent } from './milestone-machine';

const M = ShipmentMilestone;
const at = (minute: number): number => Date.UTC(2026, 11, 1, 8, minute);
const event = (key: string, milestone: ShipmentMilestone, minute: number): MilestoneEvent => ({
  eventKey: key,
  milestone,
  eventAt: at(minute),
});
const effects = (events: readonly MilestoneEvent[]) =>
  Object.fromEntries(foldMilestones(events).history.map((h) => [h.event.eventKey, h.effect]));

void describe('milestone state machine', () => {
  void it('moves forward by rank in event-time order, whatever the arrival order', () => {
    const events = [event('c', M.Delivered, 30), event('a', M.LabelCreated, 0), event('b', M.InTransit, 10)];
    const fold = foldMilestones(events);
    assert.equal(fold.current?.eventKey, 'c');
    assert.deepEqual(effects(events), { a: 'advanced', b: 'advanced', c: 'advanced' });
  });

  void it('keeps a late or lower-ranked event in the history without moving the state back', () => {
    const events = [event('ofd', M.OutForDelivery, 20), event('transit', M.InTransit, 25)];
    assert.equal(foldMilestones(events).current?.eventKey, 'ofd');
    assert.equal(effects(events).transit, MilestoneEffect.Recorded);
  });

  void it('lets a failed attempt and a new round out for delivery alternate (same rank, event time)', () => {
    const events = [
      event('ofd1', M.OutForDelivery, 10),
      event('fail', M.DeliveryFailed, 20),
      event('ofd2', M.OutForDelivery, 30),
    ];
    assert.equal(foldMilestones(events).current?.eventKey, 'ofd2');
  });

  void it('calls in transit after delivered impossible, and a terminal state stays terminal', () => {
    const events = [event('d', M.Delivered, 10), event('t', M.InTransit, 20), event('x', M.Cancelled, 30)];
    const fold = foldMilestones(events);
    assert.equal(fold.current?.milestone, M.Delivered);
    assert.deepEqual(effects(events), { d: 'advanced', t: 'impossible', x: 'impossible' });
    // A second delivered scan is history, not an impossibility.
    assert.equal(effects([...events, event('d2', M.Delivered, 40)]).d2, MilestoneEffect.Recorded);
  });

  void it('refuses a cancellation once the goods shipped', () => {
    const events = [event('s', M.Shipped, 0), event('x', M.Cancelled, 5)];
    assert.equal(effects(events).x, MilestoneEffect.Impossible);
    assert.equal(
      foldMilestones([event('l', M.LabelCreated, 0), event('x', M.Cancelled, 5)]).current?.milestone,
      M.Cancelled,
    );
  });

  void it('ends in the same state and history for any permutation of the same events (property)', () => {
    const milestone = fc.constantFrom(...Object.values(ShipmentMilestone));
    const events = fc.uniqueArray(
      fc.record({
        eventKey: fc.string({ minLength: 1, maxLength: 6 }),
        milestone,
        eventAt: fc.integer({ min: 0, max: 50 }),
      }),
      { selector: (e) => e.eventKey, maxLength: 14 },
    );
    fc.assert(
      fc.property(events, fc.infiniteStream(fc.nat()), (list, randoms) => {
        const shuffled = [...list];
        const it = randoms[Symbol.iterator]();
        for (let i = shuffled.length - 1; i > 0; i--) {
          const j = it.next().value % (i + 1);
          [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
        }
        const a = foldMilestones(list);
        const b = foldMilestones(shuffled);
        assert.equal(a.current?.eventKey, b.current?.eventKey);
        assert.deepEqual(
          a.history.map((h) => [h.event.eventKey, h.effect]),
          b.history.map((h) => [h.event.eventKey, h.effect]),
        );
        // The state is never of a lower rank than an earlier advanced event, and never leaves a terminal.
        const advanced = a.history.filter((h) => h.effect === MilestoneEffect.Advanced).map((h) => h.event);
        if (advanced.length > 0) assert.equal(a.current?.eventKey, advanced.at(-1)?.eventKey);
      }),
      { numRuns: 500 },
    );
  });
});
