// Inventory rules without I/O: availability, what a reservation line gets and the order stock events
// apply in (a channel's share is the catalog's allocateToChannel, in @tradewind/partner-catalog). The
// store (@tradewind/inventory-store) enforces the same rules in SQL.
export { availableQuantity, type StockLevel } from './availability';
export {
  assertQuantity,
  InventoryDomainErrorCode,
  InventoryDomainException,
} from './inventory-domain.exception';
export {
  chooseWarehouse,
  decideLine,
  type LineDecision,
  type WarehouseAvailability,
} from './reservation-decision';
export {
  describeDrift,
  DriftCause,
  type DriftPolicy,
  findStockDrifts,
  type LedgerStock,
  type OdooStock,
  type StockDrift,
} from './stock-drift';
export {
  type StockDocumentOrigin,
  stockEventsFromWmsEvents,
  stockEventsFromWmsSnapshot,
  type WmsStockEvent,
  type WmsStockSnapshot,
} from './stock-event.mapper';
export {
  isNewer,
  judgeStockEvent,
  type LedgerPosition,
  type StockEventStamp,
  type StockEventVerdict,
} from './stock-event-order';
