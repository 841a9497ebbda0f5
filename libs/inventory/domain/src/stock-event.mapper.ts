// WMS documents (as @tradewind/partner-documents reads them) → canonical inventory.stock-events records.
// The shapes below are what this mapper needs of partner-documents' StockEvent and StockSnapshot, stated
// here because an inventory library does not import the partners domain; the service passes those
// records as they are.
import { type StockEvent, StockEventKind } from '@tradewind/contracts';

/** The ingress document the stock records came in. */
export interface StockDocumentOrigin {
  readonly documentId: string;
  /** The WMS partner (the system of record of stock on hand, checked before this point). */
  readonly partnerId: string;
  /** Epoch milliseconds. */
  readonly receivedAt: number;
}

export interface WmsStockEvent {
  readonly eventId: string;
  readonly sku: string;
  readonly warehouse: string;
  readonly onHand: number;
  readonly eventTimeMs: number;
  readonly sequence?: number;
}

export interface WmsStockSnapshot {
  readonly snapshotId: string;
  readonly asOfMs: number;
  readonly lines: readonly { readonly sku: string; readonly warehouse: string; readonly onHand: number }[];
}

export function stockEventsFromWmsEvents(
  origin: StockDocumentOrigin,
  events: readonly WmsStockEvent[],
): StockEvent[] {
  return events.map((e) => ({
    eventId: e.eventId,
    kind: StockEventKind.OnHand,
    sourcePartnerId: origin.partnerId,
    documentId: origin.documentId,
    sku: e.sku,
    warehouseId: e.warehouse,
    onHand: e.onHand,
    eventTime: e.eventTimeMs,
    sequence: e.sequence ?? null,
    receivedAt: origin.receivedAt,
  }));
}

/**
 * One event per snapshot row, at the snapshot's time: the ledger applies each like any count, so a row
 * older than an event already applied for its SKU and warehouse is stale, and a newer one reconciles.
 * The id names the snapshot and the row's SKU and warehouse, so a resent snapshot is a duplicate.
 */
export function stockEventsFromWmsSnapshot(
  origin: StockDocumentOrigin,
  snapshot: WmsStockSnapshot,
): StockEvent[] {
  return snapshot.lines.map((line) => ({
    eventId: `${snapshot.snapshotId}/${line.warehouse}/${line.sku}`,
    kind: StockEventKind.Snapshot,
    sourcePartnerId: origin.partnerId,
    documentId: origin.documentId,
    sku: line.sku,
    warehouseId: line.warehouse,
    onHand: line.onHand,
    eventTime: snapshot.asOfMs,
    sequence: null,
    receivedAt: origin.receivedAt,
  }));
}
