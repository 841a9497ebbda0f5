// A channel's stock feed (decision 0021): the SKUs whose channel quantity changed since the last feed, each
// with its new quantity and the quantity last sent, which the channel compares with what it holds before
// it applies the new one (compare-and-set, as Shopify's inventorySetQuantities takes `compareQuantity`): a
// document delivered late, after a newer one, is refused by the channel instead of moving it backwards.
// JSON for a push, CSV for a feed file; fields in a fixed order, the same feed is the same bytes.

export interface StockFeedItem {
  readonly sku: string;
  /** Units the channel may sell now (its allocation rule applied). */
  readonly quantity: number;
  /** The quantity last sent to the channel; null for the first one. */
  readonly compareQuantity: number | null;
  /** Grows with every change of the SKU's stock (inventory.availability's sequence). */
  readonly sequence: number;
}

export interface StockFeed {
  /** Deterministic: the channel's n-th feed. */
  readonly feedId: string;
  readonly channelId: string;
  readonly generatedAt: Date;
  readonly items: readonly StockFeedItem[];
}

export const JSON_STOCK_FEED_TYPE = 'stock-feed';
export const JSON_STOCK_FEED_VERSION = 1;
export const CSV_STOCK_FEED_HEADER = ['sku', 'quantity', 'compare_quantity', 'sequence'] as const;

export function buildJsonStockFeed(feed: StockFeed): string {
  return `${JSON.stringify(
    {
      type: JSON_STOCK_FEED_TYPE,
      version: JSON_STOCK_FEED_VERSION,
      feedId: feed.feedId,
      channelId: feed.channelId,
      generatedAt: feed.generatedAt.toISOString(),
      quantities: feed.items.map((i) => ({
        sku: i.sku,
        quantity: i.quantity,
        compareQuantity: i.compareQuantity,
        sequence: i.sequence,
      })),
    },
    null,
    2,
  )}\n`;
}

/** RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled; CRLF line ends. */
function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function buildCsvStockFeed(feed: StockFeed): string {
  const rows = feed.items.map((i) =>
    [
      i.sku,
      String(i.quantity),
      i.compareQuantity === null ? '' : String(i.compareQuantity),
      String(i.sequence),
    ]
      .map(csvField)
      .join(','),
  );
  return [CSV_STOCK_FEED_HEADER.join(','), ...rows].map((line) => `${line}\r\n`).join('');
}
