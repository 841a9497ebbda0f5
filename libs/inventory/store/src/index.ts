// The stock ledger and the reservations in PostgreSQL (issue 9): tables whose constraints refuse an
// oversell, and the stores that use them in the caller's transaction (with the inbox and the outbox).
import { CreateInventory1768000000000 } from './inventory.migration';
import { CreateInventoryConsumption1768200000000 } from './inventory-consumption.migration';
import { CreateInventoryReconciliation1768100000000 } from './inventory-reconciliation.migration';

export {
  CreateInventory1768000000000,
  CreateInventoryConsumption1768200000000,
  CreateInventoryReconciliation1768100000000,
};
export { InventoryStoreErrorCode, InventoryStoreException } from './inventory-store.exception';
export {
  type ReleaseResult,
  type ReservationLineRecord,
  type ReservationLineStatus,
  ReservationStore,
  type ReserveResult,
} from './reservation.store';
export { type StockEventResult, StockLedgerStore } from './stock-ledger.store';
export type { StockLevelRecord } from './stock-level';

/** The library's migrations, after `persistenceMigrations` in a service's list. */
export const inventoryMigrations = [
  CreateInventory1768000000000,
  CreateInventoryReconciliation1768100000000,
  CreateInventoryConsumption1768200000000,
];
export {
  type AvailabilityRecord,
  channelAvailability,
  channelAvailabilityKey,
  type ChannelFeed,
  warehouseAvailability,
  warehouseAvailabilityKey,
} from './availability.mapper';
export { ChannelFeedStore, type FeedPosition } from './channel-feed.store';
export {
  type HandledOutcome,
  InventorySyncCore,
  type InventorySyncCoreOptions,
  type StockEventOutcome,
} from './inventory-sync.core';
export {
  type LedgerStockRecord,
  type ReconciliationCursor,
  StockReconciliationStore,
} from './stock-reconciliation.store';
