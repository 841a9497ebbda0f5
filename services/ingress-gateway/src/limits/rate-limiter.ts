// Per-partner token buckets from the catalog's rateLimit: `burst` tokens at most, refilled at
// `requestsPerSecond`; each request takes one. In memory per process by default; in Redis (one Lua script,
// atomic, on Redis' clock, concurrent requests' takes in one call) when REDIS_URL is set, so every replica
// draws from the same bucket.
import { createHash } from 'node:crypto';

import type { Logger } from '@tradewind/observability';
import type { Redis } from 'ioredis';

import { MicroBatcher } from '../database/micro-batcher';

export interface BucketPolicy {
  readonly requestsPerSecond: number;
  readonly burst: number;
}

export interface RateDecision {
  readonly allowed: boolean;
  /** When refused: how long until one token is back. */
  readonly retryAfterMs: number;
  /** Whole tokens left after this request. */
  readonly remaining: number;
}

export interface RateLimiter {
  take(key: string, policy: BucketPolicy): Promise<RateDecision>;
  close(): Promise<void>;
}

interface Bucket {
  tokens: number;
  at: number;
}

export class InMemoryRateLimiter implements RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly now: () => number = () => performance.timeOrigin + performance.now()) {}

  take(key: string, policy: BucketPolicy): Promise<RateDecision> {
    return Promise.resolve(this.takeNow(key, policy));
  }

  takeNow(key: string, policy: BucketPolicy): RateDecision {
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: policy.burst, at: now };
    bucket.tokens = Math.min(
      policy.burst,
      bucket.tokens + ((now - bucket.at) * policy.requestsPerSecond) / 1000,
    );
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true, retryAfterMs: 0, remaining: Math.floor(bucket.tokens) };
    }
    return {
      allowed: false,
      retryAfterMs: Math.ceil(((1 - bucket.tokens) * 1000) / policy.requestsPerSecond),
      remaining: 0,
    };
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

// One bucket per key: KEYS[i], ARGV rate (tokens/s), burst, wanted for each key in turn. Grants as many
// of the wanted tokens as the bucket holds, one each, in arrival order. Returns {granted, retryAfterMs,
// remaining} per key: retryAfterMs is the wait until one token is back when not all were granted.
const TOKEN_BUCKET_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local out = {}
for i, key in ipairs(KEYS) do
  local rate = tonumber(ARGV[3 * i - 2])
  local burst = tonumber(ARGV[3 * i - 1])
  local wanted = tonumber(ARGV[3 * i])
  local state = redis.call('HMGET', key, 'tokens', 'at')
  local tokens = tonumber(state[1])
  local at = tonumber(state[2])
  if tokens == nil or at == nil then tokens = burst; at = now end
  tokens = math.min(burst, tokens + math.max(0, now - at) * rate / 1000)
  local granted = math.min(wanted, math.floor(tokens))
  tokens = tokens - granted
  local wait = 0
  if granted < wanted then wait = math.ceil((1 - tokens) * 1000 / rate) end
  redis.call('HSET', key, 'tokens', tostring(tokens), 'at', tostring(now))
  redis.call('PEXPIRE', key, math.ceil(burst * 1000 / rate) + 1000)
  out[#out + 1] = granted
  out[#out + 1] = wait
  out[#out + 1] = math.floor(tokens)
end
return out
`;
const TOKEN_BUCKET_SHA1 = createHash('sha1').update(TOKEN_BUCKET_LUA).digest('hex');

interface Take {
  readonly key: string;
  readonly policy: BucketPolicy;
}

/**
 * Buckets in Redis, atomic on Redis' clock, so every replica draws from the same bucket. The takes of
 * concurrent requests travel together (group commit, as the gateway's PostgreSQL writes do): one script
 * call decides them all, so a busy gateway pays a fraction of a round trip per request, not one each.
 * When Redis does not answer, the request is decided by a local bucket instead (fail open to the
 * per-process limit): a Redis outage must not turn away every partner.
 */
export class RedisRateLimiter implements RateLimiter {
  private readonly fallback = new InMemoryRateLimiter();
  private lastWarningAt = 0;
  private readonly batcher = new MicroBatcher<Take, RateDecision>({
    run: (takes) => this.takeAll(takes),
    // Nothing in a take can make the script fail: a failure is Redis', and every take falls back.
    mayBeCausedByAnItem: () => false,
  });

  constructor(
    private readonly redis: Redis,
    private readonly log: Logger,
    private readonly prefix = 'tw:gateway:bucket:',
  ) {}

  async take(key: string, policy: BucketPolicy): Promise<RateDecision> {
    try {
      return await this.batcher.submit({ key, policy });
    } catch (error) {
      // Once per 30 s, not once per request: an outage must not flood the logs.
      if (Date.now() - this.lastWarningAt > 30_000) {
        this.lastWarningAt = Date.now();
        this.log.warn({ err: error, key }, 'rate limit store unavailable; using local buckets');
      }
      return this.fallback.takeNow(key, policy);
    }
  }

  /** One script call for every take waiting: per key, the first `granted` in arrival order get a token. */
  private async takeAll(takes: readonly Take[]): Promise<RateDecision[]> {
    const wanted = new Map<string, { policy: BucketPolicy; count: number }>();
    for (const { key, policy } of takes) {
      const entry = wanted.get(key) ?? { policy, count: 0 };
      entry.count++;
      wanted.set(key, entry);
    }
    const keys = [...wanted.keys()];
    const args = keys.flatMap((key) => {
      const { policy, count } = wanted.get(key) as { policy: BucketPolicy; count: number };
      return [policy.requestsPerSecond, policy.burst, count];
    });
    const out = (await this.evalBuckets(
      keys.map((key) => `${this.prefix}${key}`),
      args,
    )) as number[];
    const left = new Map(
      keys.map((key, i) => [key, { granted: out[3 * i], wait: out[3 * i + 1], remaining: out[3 * i + 2] }]),
    );
    return takes.map(({ key }) => {
      const bucket = left.get(key) as { granted: number; wait: number; remaining: number };
      if (bucket.granted > 0) {
        bucket.granted--;
        return { allowed: true, retryAfterMs: 0, remaining: bucket.remaining + bucket.granted };
      }
      return { allowed: false, retryAfterMs: bucket.wait, remaining: 0 };
    });
  }

  /**
   * The script by its SHA-1 (EVALSHA: 40 bytes on the wire instead of the whole script on every call);
   * a Redis that does not know it yet (new, restarted, flushed) gets it whole once (EVAL caches it).
   */
  private async evalBuckets(buckets: readonly string[], args: readonly number[]): Promise<unknown> {
    try {
      return await this.redis.evalsha(TOKEN_BUCKET_SHA1, buckets.length, ...buckets, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return await this.redis.eval(TOKEN_BUCKET_LUA, buckets.length, ...buckets, ...args);
    }
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => undefined);
  }
}
