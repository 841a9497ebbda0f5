/** Where the ledger stands for one SKU in one warehouse: the last stock event it applied. */
export interface LedgerPosition {
  eventTime: number;
  sequence: number | null;
  eventId: string;
}

export interface StockEventStamp {
  eventId: string;
  /** Epoch milliseconds: when the source counted the stock. */
  eventTime: number;
  /** The source's counter per SKU and warehouse, when it sends one. */
  sequence: number | null;
}

/** applied: it is the newest, its on hand becomes the ledger's; stale: older than the applied one (recorded
 * and counted, never applied); duplicate: an event id seen before (ignored). */
export type StockEventVerdict = 'applied' | 'stale' | 'duplicate';

/**
 * Events carry absolute on-hand counts, so only the newest counts. Newer means a later event time, then
 * a higher source sequence (none counts as lowest), then a higher event id: a total order, so every
 * delivery order of the same events ends in the same state.
 */
export function isNewer(event: StockEventStamp, position: LedgerPosition | undefined): boolean {
  if (position === undefined) return true;
  if (event.eventTime !== position.eventTime) return event.eventTime > position.eventTime;
  const [a, b] = [event.sequence ?? -1, position.sequence ?? -1];
  if (a !== b) return a > b;
  return event.eventId > position.eventId;
}

export function judgeStockEvent(
  event: StockEventStamp,
  position: LedgerPosition | undefined,
  seenBefore: boolean,
): StockEventVerdict {
  if (seenBefore) return 'duplicate';
  return isNewer(event, position) ? 'applied' : 'stale';
}
