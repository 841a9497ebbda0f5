import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { retryDelayMs } from './backoff';

const policy = { maxAttempts: 10, initialDelayMs: 1_000, maxDelayMs: 60_000 };

describe('retry backoff', () => {
  it('doubles from the initial delay up to the cap', () => {
    const delays = [1, 2, 3, 4, 6, 7, 12].map((a) => retryDelayMs(policy, a, 0));
    assert.deepEqual(delays, [1_000, 2_000, 4_000, 8_000, 32_000, 60_000, 60_000]);
  });

  it('spreads each delay by at most ±jitter of itself', () => {
    assert.equal(
      retryDelayMs(policy, 3, 0.2, () => 0),
      3_200,
    );
    assert.equal(
      retryDelayMs(policy, 3, 0.2, () => 1),
      4_800,
    );
    for (let i = 0; i < 100; i++) {
      const d = retryDelayMs(policy, 2, 0.5);
      assert.ok(d >= 1_000 && d <= 3_000, String(d));
    }
  });
});
