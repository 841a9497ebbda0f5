// StockLevelRecord → inventory.availability records (compacted; a reader keeps the highest sequence).
import { AvailabilityScope, type StockAvailability } from '@tradewind/contracts';

import type { StockLevelRecord } from './stock-level';

/**
 * One channel partner's feed: the warehouses that feed it and its share of their availability (the
 * service builds it from the catalog's allocation rule and allocateToChannel).
 */
export interface ChannelFeed {
  /** Default: every warehouse. */
  readonly warehouses?: readonly string[];
  allocate(available: number): number;
}

export interface AvailabilityRecord {
  key: string;
  value: StockAvailability;
}

export const warehouseAvailabilityKey = (warehouseId: string, sku: string): string =>
  `warehouse/${warehouseId}/${sku}`;
export const channelAvailabilityKey = (channelId: string, sku: string): string =>
  `channel/${channelId}/${sku}`;

export function warehouseAvailability(level: StockLevelRecord, now: Date): AvailabilityRecord {
  return {
    key: warehouseAvailabilityKey(level.warehouseId, level.sku),
    value: {
      sku: level.sku,
      scope: AvailabilityScope.Warehouse,
      warehouseId: level.warehouseId,
      channelId: null,
      onHand: level.onHand,
      reserved: level.reserved,
      safetyStock: level.safetyStock,
      available: level.available,
      shippedUncounted: level.shippedUncounted,
      channelQuantity: null,
      sequence: level.version,
      asOf: level.lastEventTime?.getTime() ?? null,
      updatedAt: now.getTime(),
    },
  };
}

/**
 * What one channel may sell of a SKU, its feed's warehouses together (every warehouse by default). The
 * sequence is the sum of the rows' versions: each change of any row raises it, so it grows with every
 * change of the SKU.
 */
export function channelAvailability(
  sku: string,
  allLevels: readonly StockLevelRecord[],
  channelId: string,
  feed: ChannelFeed,
  now: Date,
): AvailabilityRecord {
  const feeding = feed.warehouses === undefined ? undefined : new Set(feed.warehouses);
  const levels = feeding === undefined ? allLevels : allLevels.filter((l) => feeding.has(l.warehouseId));
  const sum = (pick: (l: StockLevelRecord) => number) => levels.reduce((n, l) => n + pick(l), 0);
  const available = sum((l) => l.available);
  const times = levels.flatMap((l) => (l.lastEventTime === null ? [] : [l.lastEventTime.getTime()]));
  return {
    key: channelAvailabilityKey(channelId, sku),
    value: {
      sku,
      scope: AvailabilityScope.Channel,
      warehouseId: null,
      channelId,
      onHand: sum((l) => l.onHand),
      reserved: sum((l) => l.reserved),
      safetyStock: sum((l) => l.safetyStock),
      available,
      shippedUncounted: sum((l) => l.shippedUncounted),
      channelQuantity: feed.allocate(available),
      sequence: sum((l) => l.version),
      asOf: times.length === 0 ? null : Math.max(...times),
      updatedAt: now.getTime(),
    },
  };
}
