/** Where the ledger stands for one SKU in one warehouse: the last stock event it applied. */
export interface LedgerPosition {
  eventTime: number;
  eventId: string;
}

export interface StockEventStamp {
  eventId: string;
  /** Epoch milliseconds: when the source counted the stock. */
  eventTime: number;
}

/** applied: it is the newest, its on hand becomes the ledger's; stale: older than the applied one (recorded
 * and counted, never applied); duplicate: an event id seen before (ignored). */
export type StockEventVerdict = 'applied' | 'stale' | 'duplicate';

/**
 * Events carry absolute on-hand counts, so only the newest counts. Newer means a later event time; a tie
 * is broken by event id, so every delivery order of the same events ends in the same state.
 */
export function isNewer(event: StockEventStamp, position: LedgerPosition | undefined): boolean {
  if (position === undefined) return true;
  if (event.eventTime !== position.eventTime) return event.eventTime > position.eventTime;
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
