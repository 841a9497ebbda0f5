import { type ReservationOutcome, ShortagePolicy } from '@tradewind/contracts';
import { assertUnreachable } from '@tradewind/contracts';

import { assertQuantity } from './inventory-domain.exception';

export interface LineDecision {
  outcome: Exclude<ReservationOutcome, 'unknown'>;
  /** Units to hold now. */
  reserved: number;
  /** Units accepted without stock. */
  backordered: number;
}

/**
 * What one line gets out of `available` units. A line is held whole or, under `reject`, not at all;
 * under `backorder` it holds what there is and backorders the rest. `unknown` (a policy added after this
 * build) is treated as `reject`: refusing is the choice that can never oversell.
 */
export function decideLine(available: number, requested: number, policy: ShortagePolicy): LineDecision {
  assertQuantity('available', available);
  assertQuantity('requested', requested, { positive: true });
  if (requested <= available) return { outcome: 'reserved', reserved: requested, backordered: 0 };
  switch (policy) {
    case ShortagePolicy.Backorder:
      return { outcome: 'backordered', reserved: available, backordered: requested - available };
    case ShortagePolicy.Reject:
    case ShortagePolicy.Unknown:
      return { outcome: 'insufficient_stock', reserved: 0, backordered: 0 };
    default:
      return assertUnreachable(policy);
  }
}

export interface WarehouseAvailability {
  warehouseId: string;
  available: number;
}

/**
 * The warehouse a line is held in (one per line, so a pick never splits): the first by id that can hold
 * it whole, else the one with the most available (backorder takes what it has). Undefined without any.
 */
export function chooseWarehouse(
  warehouses: readonly WarehouseAvailability[],
  requested: number,
): WarehouseAvailability | undefined {
  const byId = [...warehouses].sort((a, b) =>
    a.warehouseId < b.warehouseId ? -1 : a.warehouseId > b.warehouseId ? 1 : 0,
  );
  const whole = byId.find((w) => w.available >= requested);
  if (whole !== undefined) return whole;
  let best: WarehouseAvailability | undefined;
  for (const w of byId) if (best === undefined || w.available > best.available) best = w;
  return best;
}
