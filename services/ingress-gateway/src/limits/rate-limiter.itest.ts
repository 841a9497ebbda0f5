import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { createLogger } from '@tradewind/observability';
import { uniqueName } from '@tradewind/testing';
import { Redis } from 'ioredis';

import { RedisRateLimiter } from './rate-limiter';

// Redis of the local stack (not part of testStack(): the gateway works without it).
const REDIS_URL = process.env.TW_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

void describe('RedisRateLimiter against a real Redis', () => {
  let redis: Redis;
  let limiter: RedisRateLimiter;
  const prefix = `${uniqueName('tw:test:bucket')}:`;

  before(() => {
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    limiter = new RedisRateLimiter(redis, createLogger('test'), prefix);
  });
  after(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await limiter.close();
  });

  void it('shares one token bucket per key: a burst, then refusals with the wait until the next token', async () => {
    const policy = { requestsPerSecond: 1, burst: 3 };
    const decisions = await Promise.all(Array.from({ length: 5 }, () => limiter.take('acme', policy)));
    assert.equal(decisions.filter((d) => d.allowed).length, 3);
    const refused = decisions.filter((d) => !d.allowed);
    assert.equal(refused.length, 2);
    assert.ok(
      refused.every((d) => d.retryAfterMs > 0 && d.retryAfterMs <= 1_000),
      JSON.stringify(refused),
    );
    assert.equal((await limiter.take('globex', policy)).allowed, true, 'buckets are per key');
    const ttl = await redis.pttl(`${prefix}acme`);
    assert.ok(ttl > 0 && ttl <= 4_000, `bucket expires when idle (${ttl} ms)`);
  });

  void it('shares the bucket between replicas: concurrent takes of two connections never exceed the burst', async () => {
    const replica = new RedisRateLimiter(
      new Redis(REDIS_URL, { maxRetriesPerRequest: 1, enableAutoPipelining: true }),
      createLogger('test'),
      prefix,
    );
    try {
      const policy = { requestsPerSecond: 0.001, burst: 5 };
      const decisions = await Promise.all(
        Array.from({ length: 8 }, (_, i) => (i % 2 === 0 ? limiter : replica).take('shared', policy)),
      );
      assert.equal(decisions.filter((d) => d.allowed).length, 5, JSON.stringify(decisions));
      const remaining = decisions
        .filter((d) => d.allowed)
        .map((d) => d.remaining)
        .sort((a, b) => a - b);
      assert.deepEqual(remaining, [0, 1, 2, 3, 4], 'each grant says how many tokens it left, in order');
    } finally {
      await replica.close();
    }
  });

  void it('loads its script again when Redis has forgotten it (restart, SCRIPT FLUSH)', async () => {
    await redis.script('FLUSH');
    const decision = await limiter.take('flushed', { requestsPerSecond: 1, burst: 1 });
    assert.equal(decision.allowed, true);
    assert.equal((await limiter.take('flushed', { requestsPerSecond: 1, burst: 1 })).allowed, false);
  });

  void it('falls back to a local bucket when Redis does not answer', async () => {
    const down = new Redis('redis://127.0.0.1:1', {
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      lazyConnect: true,
      retryStrategy: () => null,
    });
    const offline = new RedisRateLimiter(down, createLogger('test'), prefix);
    const policy = { requestsPerSecond: 1, burst: 2 };
    const decisions = [];
    for (let i = 0; i < 3; i++) decisions.push(await offline.take('acme', policy));
    assert.deepEqual(
      decisions.map((d) => d.allowed),
      [true, true, false],
    );
    down.disconnect();
  });
});
