import type { DeliveryRetryPolicy } from '@tradewind/partner-catalog';

/**
 * Delay before attempt `attempt + 1` after `attempt` failed: exponential from initialDelayMs, capped at
 * maxDelayMs, then moved by up to ±jitter of itself so that the retries of many documents spread out.
 */
export function retryDelayMs(
  policy: DeliveryRetryPolicy,
  attempt: number,
  jitter: number,
  random: () => number = Math.random,
): number {
  const base = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.max(0, attempt - 1));
  const spread = base * Math.min(1, Math.max(0, jitter));
  return Math.max(0, Math.round(base - spread + 2 * spread * random()));
}
