import {
  assertQuantity,
  InventoryDomainErrorCode,
  InventoryDomainException,
} from './inventory-domain.exception';

/**
 * How much of a SKU's availability one channel partner may sell: the catalog's `allocation` of the
 * partner (h5's `AllocationRule` in @tradewind/partner-catalog has this shape, so it passes as it is).
 */
export interface ChannelAllocationRule {
  /** Percent (0–100) of available after the safety buffer, rounded down to whole units. */
  readonly percentOfAvailable: number;
  /** Units held back from the channel before the percentage. Default 0. */
  readonly safetyBuffer?: number;
  /** Available below this publishes 0: the last few units are not worth an oversell. Default 0. */
  readonly zeroBelow?: number;
  /** Lower bound, capped by what is left after the buffer. Default 0. */
  readonly min?: number;
  /** Upper bound. Default: none. */
  readonly max?: number;
  /** Warehouses whose stock feeds the channel. Default: every warehouse. */
  readonly warehouses?: readonly string[];
}

export function assertAllocationRule(rule: ChannelAllocationRule): void {
  const problems: string[] = [];
  const percent = rule.percentOfAvailable;
  if (!(Number.isFinite(percent) && percent >= 0 && percent <= 100)) {
    problems.push(`percentOfAvailable must be within 0–100, got ${percent}`);
  }
  for (const key of ['max', 'min', 'safetyBuffer', 'zeroBelow'] as const) {
    const value = rule[key];
    if (value !== undefined && !(Number.isSafeInteger(value) && value >= 0)) {
      problems.push(`${key} must be a non-negative whole number, got ${value}`);
    }
  }
  if (rule.min !== undefined && rule.max !== undefined && rule.min > rule.max) {
    problems.push(`min ${rule.min} is above max ${rule.max}`);
  }
  if (problems.length > 0) {
    throw new InventoryDomainException(
      InventoryDomainErrorCode.InvalidAllocationRule,
      `invalid channel allocation rule: ${problems.join('; ')}`,
    );
  }
}

/**
 * The quantity a channel is shown out of `available`, in this order: zero below the threshold; take off
 * the safety buffer; the percentage rounded down; raised to the minimum (as far as stock goes); capped
 * at the maximum. The result never exceeds what is available and never falls when availability rises.
 */
export function allocateToChannel(available: number, rule: ChannelAllocationRule): number {
  assertQuantity('available', available);
  assertAllocationRule(rule);
  if (available < (rule.zeroBelow ?? 0)) return 0;
  const pool = Math.max(0, available - (rule.safetyBuffer ?? 0));
  // Integer arithmetic: 29 × 10 / 100 in floating point can land a hair under 2.9 and round wrong.
  const share = Math.floor((pool * Math.round(rule.percentOfAvailable * 100)) / 10_000);
  const raised = Math.min(pool, Math.max(share, rule.min ?? 0));
  return Math.min(raised, rule.max ?? Number.MAX_SAFE_INTEGER);
}
