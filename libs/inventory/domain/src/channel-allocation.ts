import {
  assertQuantity,
  InventoryDomainErrorCode,
  InventoryDomainException,
} from './inventory-domain.exception';

/** How much of a SKU's availability one channel partner may sell (per partner, from the catalog). */
export interface ChannelAllocationRule {
  /** Share of available, 0–100, rounded down to whole units. */
  percent: number;
  /** Never more than this; undefined: no cap. */
  maximum?: number;
  /** At least this when there is that much (never more than is there after the buffer). */
  minimum?: number;
  /** Units held back from the channel before the share is taken. */
  safetyBuffer?: number;
  /** Below this many units (after the buffer) the channel sees zero: the last few are kept for direct orders. */
  zeroBelow?: number;
}

export function assertAllocationRule(rule: ChannelAllocationRule): void {
  const problems: string[] = [];
  if (!(Number.isFinite(rule.percent) && rule.percent >= 0 && rule.percent <= 100)) {
    problems.push(`percent must be within 0–100, got ${rule.percent}`);
  }
  for (const key of ['maximum', 'minimum', 'safetyBuffer', 'zeroBelow'] as const) {
    const value = rule[key];
    if (value !== undefined && !(Number.isSafeInteger(value) && value >= 0)) {
      problems.push(`${key} must be a non-negative whole number, got ${value}`);
    }
  }
  if (rule.minimum !== undefined && rule.maximum !== undefined && rule.minimum > rule.maximum) {
    problems.push(`minimum ${rule.minimum} is above maximum ${rule.maximum}`);
  }
  if (problems.length > 0) {
    throw new InventoryDomainException(
      InventoryDomainErrorCode.InvalidAllocationRule,
      `invalid channel allocation rule: ${problems.join('; ')}`,
    );
  }
}

/**
 * The quantity a channel is shown out of `available`, in this order: take off the safety buffer; zero
 * below the threshold; the percentage rounded down; raised to the minimum (as far as stock goes); capped
 * at the maximum. The result never exceeds what is available and never falls when availability rises.
 */
export function allocateToChannel(available: number, rule: ChannelAllocationRule): number {
  assertQuantity('available', available);
  assertAllocationRule(rule);
  const pool = Math.max(0, available - (rule.safetyBuffer ?? 0));
  if (pool === 0 || pool < (rule.zeroBelow ?? 0)) return 0;
  // Integer arithmetic: 29 × 10 / 100 in floating point can land a hair under 2.9 and round wrong.
  const share = Math.floor((pool * Math.round(rule.percent * 100)) / 10_000);
  const raised = Math.min(pool, Math.max(share, rule.minimum ?? 0));
  return Math.min(raised, rule.maximum ?? Number.MAX_SAFE_INTEGER);
}
