import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { parse } from 'csv-parse/sync';

import { buildCsvStockFeed, buildJsonStockFeed, type StockFeed } from './stock-feed.builder';

const feed: StockFeed = {
  feedId: 'stock-feed/market-hub/7',
  channelId: 'market-hub',
  generatedAt: new Date('2026-12-01T10:00:00Z'),
  items: [
    { sku: 'SKU-1001', quantity: 40, compareQuantity: 45, sequence: 12 },
    { sku: 'SKU,"odd"', quantity: 0, compareQuantity: null, sequence: 3 },
  ],
};

void describe('stock feed builders', () => {
  void it('JSON: each new quantity with the one last sent to compare against', () => {
    const body = JSON.parse(buildJsonStockFeed(feed)) as Record<string, unknown>;
    assert.deepEqual(body, {
      type: 'stock-feed',
      version: 1,
      feedId: 'stock-feed/market-hub/7',
      channelId: 'market-hub',
      generatedAt: '2026-12-01T10:00:00.000Z',
      quantities: [
        { sku: 'SKU-1001', quantity: 40, compareQuantity: 45, sequence: 12 },
        { sku: 'SKU,"odd"', quantity: 0, compareQuantity: null, sequence: 3 },
      ],
    });
    assert.equal(buildJsonStockFeed(feed), buildJsonStockFeed(feed), 'the same feed is the same bytes');
  });

  void it('CSV: a header and a row per SKU that any RFC 4180 reader reads back', () => {
    const csv = buildCsvStockFeed(feed);
    assert.ok(csv.startsWith('sku,quantity,compare_quantity,sequence\r\n'));
    assert.deepEqual(parse(csv, { columns: true }), [
      { sku: 'SKU-1001', quantity: '40', compare_quantity: '45', sequence: '12' },
      { sku: 'SKU,"odd"', quantity: '0', compare_quantity: '', sequence: '3' },
    ]);
  });
});
