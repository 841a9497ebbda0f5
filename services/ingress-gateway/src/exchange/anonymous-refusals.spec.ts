import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { AuditEvent } from '@tradewind/contracts';

import { type AnonymousRefusal, AnonymousRefusals } from './anonymous-refusals';

const unknownKey = (remoteAddress: string): AnonymousRefusal => ({
  action: 'document.submit',
  outcome: 'denied',
  httpStatus: 401,
  policy: 'auth:api-key',
  reason: 'X-Key-Id and X-Api-Key do not name a known key.',
  reasonCode: 'UNKNOWN_API_KEY',
  remoteAddress,
});

function harness(maxKeys = 100) {
  let now = Date.parse('2026-12-01T10:00:00Z');
  const published: AuditEvent[][] = [];
  const sut = new AnonymousRefusals({
    windowMs: 60_000,
    maxKeys,
    publish: (events) => {
      published.push([...events]);
      return Promise.resolve();
    },
    now: () => now,
  });
  return { sut, published, advance: (ms: number) => (now += ms) };
}

void describe('AnonymousRefusals', () => {
  void it('records a flood from one address as one event with its count and window', async () => {
    const { sut, published, advance } = harness();
    for (let i = 0; i < 5_000; i++) {
      sut.add(unknownKey('203.0.113.9'));
      advance(10);
    }
    await sut.flush();
    assert.equal(published.length, 1);
    const [event] = published[0];
    assert.deepEqual(
      {
        count: event.count,
        occurredAt: new Date(event.occurredAt).toISOString(),
        partnerId: event.partnerId,
        remoteAddress: event.remoteAddress,
        policy: event.policy,
        status: event.httpStatus,
      },
      {
        count: 5_000,
        occurredAt: '2026-12-01T10:00:00.000Z',
        partnerId: null,
        remoteAddress: '203.0.113.9',
        policy: 'auth:api-key',
        status: 401,
      },
    );
    assert.equal(
      event.reason,
      '5000 times from 2026-12-01T10:00:00.000Z to 2026-12-01T10:00:49.990Z: X-Key-Id and X-Api-Key do not name a known key.',
    );
    await sut.flush();
    assert.equal(published.length, 1, 'nothing new: nothing published');
  });

  void it('keeps kinds and addresses apart, and starts counting again after each window', async () => {
    const { sut, published } = harness();
    sut.add(unknownKey('203.0.113.9'));
    sut.add(unknownKey('198.51.100.1'));
    sut.add({ ...unknownKey('203.0.113.9'), policy: 'auth:headers', reasonCode: 'MISSING_CREDENTIALS' });
    sut.add(unknownKey('203.0.113.9'));
    await sut.flush();
    assert.deepEqual(
      published[0].map((e) => [e.policy, e.remoteAddress, e.count]),
      [
        ['auth:api-key', '203.0.113.9', 2],
        ['auth:api-key', '198.51.100.1', 1],
        ['auth:headers', '203.0.113.9', 1],
      ],
    );
    sut.add(unknownKey('203.0.113.9'));
    await sut.stop();
    assert.deepEqual(
      published[1].map((e) => [e.remoteAddress, e.count, e.reason?.startsWith('once from')]),
      [['203.0.113.9', 1, true]],
    );
  });

  void it('bounds its memory: past maxKeys, a flood from many addresses shares one tally per kind', async () => {
    const { sut, published } = harness(3);
    for (let i = 0; i < 1_000; i++) sut.add(unknownKey(`10.0.${Math.floor(i / 250)}.${i % 250}`));
    await sut.flush();
    const events = published[0];
    assert.equal(events.length, 4);
    assert.equal(
      events.reduce((sum, e) => sum + e.count, 0),
      1_000,
    );
    const overflow = events[3];
    assert.deepEqual([overflow.remoteAddress, overflow.count], [null, 997]);
    assert.match(overflow.reason ?? '', /^997 times from .*, from many addresses: /);
  });
});
