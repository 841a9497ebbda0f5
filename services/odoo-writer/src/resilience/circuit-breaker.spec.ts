import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import { BreakerState, CircuitBreaker, type CircuitBreakerOptions } from './circuit-breaker';

function breaker(options: Partial<CircuitBreakerOptions> = {}) {
  const changes: string[] = [];
  const sut = new CircuitBreaker({
    failureRatio: 0.5,
    minCalls: 10,
    consecutiveFailures: 3,
    windowMs: 10_000,
    openMs: 30,
    maxOpenMs: 200,
    onStateChange: ({ to }) => changes.push(to),
    ...options,
  });
  return { sut, changes };
}

const settledWithin = async (promise: Promise<unknown>, ms: number): Promise<boolean> =>
  Promise.race([promise.then(() => true), sleep(ms).then(() => false)]);

describe('CircuitBreaker (callers wait while open)', () => {
  it('opens after consecutive failures; callers then wait instead of failing', async () => {
    const { sut } = breaker({ openMs: 10_000 });
    for (let i = 0; i < 3; i++) (await sut.admit()).failure();
    assert.equal(sut.state, BreakerState.Open);
    assert.equal(await settledWithin(sut.admit(), 30), false, 'admit waits while open');
    sut.close();
  });

  it('opens on the failure ratio of the window once it holds enough calls', async () => {
    const { sut } = breaker({ consecutiveFailures: 100 });
    for (let i = 0; i < 9; i++) {
      const ticket = await sut.admit();
      if (i % 2) ticket.failure();
      else ticket.success();
    }
    assert.equal(sut.state, BreakerState.Closed, 'below minCalls');
    (await sut.admit()).failure();
    (await sut.admit()).failure();
    assert.equal(sut.state, BreakerState.Open);
    sut.close();
  });

  it('lets one probe through when half-open; its success closes the circuit and releases the waiters', async () => {
    const { sut, changes } = breaker();
    for (let i = 0; i < 3; i++) (await sut.admit()).failure();
    const waiters = [sut.admit(), sut.admit(), sut.admit()];
    await sleep(60);
    assert.equal(sut.state, BreakerState.HalfOpen);
    const probe = await Promise.race(waiters);
    assert.equal(probe.probe, true);
    const admitted = await Promise.all(waiters.map((w) => settledWithin(w, 5)));
    assert.equal(admitted.filter(Boolean).length, 1, 'one probe only');
    probe.success();
    const others = await Promise.all(waiters);
    assert.equal(sut.state, BreakerState.Closed);
    assert.equal(others.filter((t) => !t.probe).length, 2);
    assert.deepEqual(changes, ['open', 'half-open', 'closed']);
  });

  it('re-opens for twice as long when the probe fails', async () => {
    const { sut, changes } = breaker({ openMs: 20 });
    for (let i = 0; i < 3; i++) (await sut.admit()).failure();
    const probe = await sut.admit();
    assert.equal(probe.probe, true);
    const started = Date.now();
    probe.failure();
    assert.equal(sut.state, BreakerState.Open);
    const next = await sut.admit();
    assert.ok(Date.now() - started >= 38, 'the second open period is longer');
    assert.equal(next.probe, true);
    next.success();
    assert.deepEqual(changes, ['open', 'half-open', 'open', 'half-open', 'closed']);
  });

  it('opens at once when Odoo announces an outage with a long Retry-After, and stays open that long', async () => {
    const { sut } = breaker({ openMs: 20, maxOpenMs: 1_000 });
    (await sut.admit()).failure(100);
    assert.equal(sut.state, BreakerState.Open);
    assert.equal(await settledWithin(sut.admit(), 60), false);
    sut.close();
  });

  it('ignores verdicts of calls admitted before the circuit opened', async () => {
    const { sut } = breaker({ openMs: 10_000 });
    const early = await sut.admit();
    for (let i = 0; i < 3; i++) (await sut.admit()).failure();
    early.success();
    assert.equal(sut.state, BreakerState.Open, 'a late success does not close it');
    sut.close();
  });

  it('a business refusal counts as success: Odoo answered', async () => {
    const { sut } = breaker();
    (await sut.admit()).failure();
    (await sut.admit()).failure();
    (await sut.admit()).success();
    (await sut.admit()).failure();
    assert.equal(sut.state, BreakerState.Closed);
  });
});
