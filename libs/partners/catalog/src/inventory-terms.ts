// A partner's inventory terms (issue 9, decisions 0016 and 0021): what a line short of stock becomes, how
// long a hold lasts, and for a channel how often its stock feed may be sent. The catalog's `inventory`
// section; pure: no I/O, no clock.

/** What a line without enough stock becomes (the wire's ShortagePolicy without `unknown`). */
export type CatalogShortagePolicy = 'reject' | 'backorder';

export interface InventoryTerms {
  /** reject: the line is refused with INSUFFICIENT_STOCK; backorder: what is there is held, the rest backordered. */
  readonly shortagePolicy?: CatalogShortagePolicy;
  /** Minutes an order's hold lasts unless it ships or is released; 0: until released. */
  readonly holdTtlMinutes?: number;
  /** Channels: at most one stock-feed document per format every this many seconds (changes coalesce). */
  readonly feedEverySeconds?: number;
  /** Channels: SKUs per stock-feed document at most (the rest waits for the next one). */
  readonly feedMaxItems?: number;
}

/** The catalog's defaults when a partner states no inventory terms. */
export const INVENTORY_TERMS_DEFAULTS = Object.freeze({ feedEverySeconds: 60, feedMaxItems: 500 });

export const INVENTORY_TERMS_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    shortagePolicy: { enum: ['reject', 'backorder'] },
    holdTtlMinutes: { type: 'integer', minimum: 0, maximum: 43_200 },
    feedEverySeconds: { type: 'integer', minimum: 1, maximum: 86_400 },
    feedMaxItems: { type: 'integer', minimum: 1, maximum: 10_000 },
  },
} as const;

/** A partner's resolved reservation terms; `undefined` fields fall back to the service's settings. */
export interface ReservationTerms {
  readonly shortagePolicy: CatalogShortagePolicy | undefined;
  /** undefined: the service's default; 0: until released. */
  readonly holdTtlMs: number | undefined;
}

export function reservationTermsOf(terms: InventoryTerms | undefined): ReservationTerms {
  return {
    shortagePolicy: terms?.shortagePolicy,
    holdTtlMs: terms?.holdTtlMinutes === undefined ? undefined : terms.holdTtlMinutes * 60_000,
  };
}

/** A channel's feed cadence, defaults applied. */
export interface FeedTerms {
  readonly everyMs: number;
  readonly maxItems: number;
}

export function feedTermsOf(terms: InventoryTerms | undefined): FeedTerms {
  return {
    everyMs: (terms?.feedEverySeconds ?? INVENTORY_TERMS_DEFAULTS.feedEverySeconds) * 1000,
    maxItems: terms?.feedMaxItems ?? INVENTORY_TERMS_DEFAULTS.feedMaxItems,
  };
}
