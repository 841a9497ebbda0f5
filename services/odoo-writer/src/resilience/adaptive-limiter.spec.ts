import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import { AdaptiveConcurrencyLimiter, type LimiterPermit } from './adaptive-limiter';

function limiter(options: Partial<ConstructorParameters<typeof AdaptiveConcurrencyLimiter>[0]> = {}) {
  let now = 1_000;
  const sut = new AdaptiveConcurrencyLimiter({
    min: 1,
    max: 8,
    initial: 2,
    latencyTolerance: 2,
    now: () => now,
    ...options,
  });
  return { sut, advance: (ms: number) => (now += ms) };
}

const acquireAll = async (sut: AdaptiveConcurrencyLimiter, n: number): Promise<LimiterPermit[]> =>
  Promise.all(Array.from({ length: n }, () => sut.acquire()));

describe('AdaptiveConcurrencyLimiter (AIMD)', () => {
  it('never lets more than the limit in flight; waiters get freed slots in order', async () => {
    const { sut } = limiter();
    const [a, b] = await acquireAll(sut, 2);
    let third = false;
    const waiting = sut.acquire().then((permit) => ((third = true), permit));
    await sleep(5);
    assert.equal(sut.inFlight, 2);
    assert.equal(third, false);
    a.release({ kind: 'neutral' });
    const c = await waiting;
    assert.equal(sut.inFlight, 2);
    b.release({ kind: 'neutral' });
    c.release({ kind: 'neutral' });
    assert.equal(sut.inFlight, 0);
  });

  it('raises the limit by about one per round of healthy calls while saturated, up to max', async () => {
    const { sut, advance } = limiter({ initial: 2, max: 4 });
    for (let round = 0; round < 40; round++) {
      const permits = await acquireAll(sut, sut.limit);
      advance(10);
      for (const permit of permits) permit.release({ kind: 'success', latencyMs: 10 });
    }
    assert.equal(sut.limit, 4);
  });

  it('does not grow a limit it does not use', async () => {
    const { sut } = limiter({ initial: 4 });
    for (let i = 0; i < 50; i++) (await sut.acquire()).release({ kind: 'success', latencyMs: 10 });
    assert.equal(sut.limit, 4);
  });

  it('halves on an overload signal, once per round trip, never below min', async () => {
    const { sut, advance } = limiter({ initial: 8 });
    const permits = await acquireAll(sut, 8);
    for (const permit of permits.slice(0, 4)) permit.release({ kind: 'overload', reason: '503' });
    assert.equal(sut.limit, 4, 'refusals of calls in flight together count once');
    advance(200);
    permits[4].release({ kind: 'overload', reason: 'timeout' });
    assert.equal(sut.limit, 2);
    // Free the slots still held, or the next acquire waits for ever (3 in flight over a limit of 2).
    for (const permit of permits.slice(5)) permit.release({ kind: 'neutral' });
    for (let i = 0; i < 5; i++) {
      advance(200);
      (await sut.acquire()).release({ kind: 'overload', reason: '429' });
    }
    assert.equal(sut.limit, 1);
  });

  it('pauses new calls for Retry-After', async () => {
    let now = 0;
    const sut = new AdaptiveConcurrencyLimiter({
      min: 1,
      max: 4,
      initial: 4,
      latencyTolerance: 2,
      now: () => now,
    });
    (await sut.acquire()).release({ kind: 'overload', retryAfterMs: 40, reason: '429' });
    let granted = false;
    const next = sut.acquire().then((permit) => ((granted = true), permit));
    await sleep(15);
    assert.equal(granted, false, 'paused');
    now = 41;
    (await next).release({ kind: 'neutral' });
    assert.equal(granted, true);
  });

  it('cuts the limit when latency rises well above its baseline', async () => {
    const { sut, advance } = limiter({ initial: 8, latencyTolerance: 2 });
    for (let i = 0; i < 20; i++) (await sut.acquire()).release({ kind: 'success', latencyMs: 10 });
    assert.equal(sut.limit, 8);
    for (let i = 0; i < 10; i++) {
      advance(200);
      (await sut.acquire()).release({ kind: 'success', latencyMs: 80 });
    }
    assert.ok(sut.limit < 8, `limit ${sut.limit}`);
  });

  it('tells whether a call could start without taking the slot', async () => {
    const { sut } = limiter({ initial: 1 });
    await sut.whenAvailable();
    const permit = await sut.acquire();
    let available = false;
    const waiting = sut.whenAvailable().then(() => (available = true));
    await sleep(5);
    assert.equal(available, false);
    permit.release({ kind: 'neutral' });
    await waiting;
    assert.equal(sut.inFlight, 0);
  });
});
