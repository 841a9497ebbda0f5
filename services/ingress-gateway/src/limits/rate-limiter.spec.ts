import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { InMemoryRateLimiter } from './rate-limiter';

void describe('token bucket', () => {
  void it('allows a burst, then one request per refill interval, and says how long to wait', () => {
    let now = 0;
    const limiter = new InMemoryRateLimiter(() => now);
    const policy = { requestsPerSecond: 2, burst: 3 };
    for (let i = 0; i < 3; i++) assert.equal(limiter.takeNow('p', policy).allowed, true);
    assert.deepEqual(limiter.takeNow('p', policy), { allowed: false, retryAfterMs: 500, remaining: 0 });
    now += 250;
    assert.deepEqual(limiter.takeNow('p', policy), { allowed: false, retryAfterMs: 250, remaining: 0 });
    now += 250;
    assert.equal(limiter.takeNow('p', policy).allowed, true);
    assert.equal(limiter.takeNow('other', policy).allowed, true, 'buckets are per key');
    now += 60_000;
    assert.deepEqual(
      limiter.takeNow('p', policy),
      { allowed: true, retryAfterMs: 0, remaining: 2 },
      'never above burst',
    );
  });
});
