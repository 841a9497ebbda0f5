// Per-partner token buckets from the catalog's rateLimit: `burst` tokens at most, refilled at
// `requestsPerSecond`; each request takes one. In memory per process by default; in Redis (one Lua script,
// atomic, on Redis' clock) when REDIS_URL is set, so every replica draws from the same bucket.
import type { Logger } from '@tradewind/observability';
import type { Redis } from 'ioredis';

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

// KEYS[1] bucket; ARGV rate (tokens/s), burst. Returns {allowed, retryAfterMs, remaining}.
const TOKEN_BUCKET_LUA = `
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1])
local at = tonumber(state[2])
if tokens == nil or at == nil then tokens = burst; at = now end
tokens = math.min(burst, tokens + math.max(0, now - at) * rate / 1000)
local allowed = 0
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
else
  wait = math.ceil((1 - tokens) * 1000 / rate)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst * 1000 / rate) + 1000)
return {allowed, wait, math.floor(tokens)}
`;

/**
 * Buckets in Redis. When Redis does not answer, the request is decided by a local bucket instead
 * (fail open to the per-process limit): a Redis outage must not turn away every partner.
 */
export class RedisRateLimiter implements RateLimiter {
  private readonly fallback = new InMemoryRateLimiter();
  private lastWarningAt = 0;

  constructor(
    private readonly redis: Redis,
    private readonly log: Logger,
    private readonly prefix = 'tw:gateway:bucket:',
  ) {}

  async take(key: string, policy: BucketPolicy): Promise<RateDecision> {
    try {
      const [allowed, wait, remaining] = (await this.redis.eval(
        TOKEN_BUCKET_LUA,
        1,
        `${this.prefix}${key}`,
        policy.requestsPerSecond,
        policy.burst,
      )) as [number, number, number];
      return { allowed: allowed === 1, retryAfterMs: wait, remaining };
    } catch (error) {
      // Once per 30 s, not once per request: an outage must not flood the logs.
      if (Date.now() - this.lastWarningAt > 30_000) {
        this.lastWarningAt = Date.now();
        this.log.warn({ err: error, key }, 'rate limit store unavailable; using local buckets');
      }
      return this.fallback.takeNow(key, policy);
    }
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => undefined);
  }
}
