// Channel stock feeds against the real PostgreSQL with the shipped catalog's channels and allocation rules:
// what each feed run leaves in the outbox for partners.outbound. A channel receives only the SKUs whose
// quantity under its rule changed, each with the last quantity it was sent (compare-and-set), at most
// once per its interval; after an outage of 60 s full of changes it receives the current value once.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import { HEADER, type OutboundDocument, type StockEvent, StockEventKind, TOPICS } from '@tradewind/contracts';
import { stockEventsFromWmsSnapshot } from '@tradewind/inventory-domain';
import {
  type ChannelFeed,
  ChannelFeedStore,
  inventoryMigrations,
  InventorySyncCore,
  ReservationStore,
  StockLedgerStore,
} from '@tradewind/inventory-store';
import { allocateToChannel, loadPartnerCatalog } from '@tradewind/partner-catalog';
import { parseCsvStockSnapshot } from '@tradewind/partner-documents';
import {
  createDataSource,
  decodeJsonValue,
  Inbox,
  OUTBOX_TABLE,
  OutboxWriter,
  persistenceMigrations,
} from '@tradewind/persistence';
import { testStack, uniqueName } from '@tradewind/testing';
import { parse } from 'csv-parse/sync';
import type { DataSource } from 'typeorm';

import { ChannelFeedPublisher } from './channel-feed.publisher';

interface JsonFeed {
  feedId: string;
  quantities: { sku: string; quantity: number; compareQuantity: number | null; sequence: number }[];
}

void describe('channel stock feeds (real PostgreSQL, the catalog’s channels)', () => {
  const schema = uniqueName('inventory_feeds_it');
  const catalog = loadPartnerCatalog('config/partners');
  let ds: DataSource;
  let core: InventorySyncCore;
  let publisher: ChannelFeedPublisher;
  let seenOutbox = 0;

  before(async () => {
    ds = await createDataSource({
      url: testStack().databaseUrl,
      schema,
      applicationName: 'inventory-feeds-itest',
      poolSize: 4,
      logging: false,
      migrations: [...persistenceMigrations, ...inventoryMigrations],
    });
    const channels = new Map<string, ChannelFeed>(
      catalog.channelPartners().map((p) => [
        p.id,
        {
          warehouses: p.allocation!.warehouses,
          allocate: (n: number) => allocateToChannel(p.allocation!, n),
        },
      ]),
    );
    const feeds = new ChannelFeedStore();
    core = new InventorySyncCore(
      ds,
      new Inbox(),
      new OutboxWriter(),
      new ReservationStore(),
      new StockLedgerStore(),
      {
        groupOf: (topic) => `inventory-sync.${topic}`,
        channels: () => channels,
        feeds,
      },
    );
    publisher = new ChannelFeedPublisher(ds, new OutboxWriter(), feeds, catalog);
  });
  after(async () => {
    await ds.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await ds.destroy();
  });

  let clock = Date.now();
  const count = async (sku: string, warehouseId: string, onHand: number) => {
    clock += 1;
    const event: StockEvent = {
      eventId: randomUUID(),
      kind: StockEventKind.OnHand,
      sourcePartnerId: 'northwind-wms',
      documentId: null,
      sku,
      warehouseId,
      onHand,
      eventTime: clock,
      sequence: null,
      receivedAt: clock,
    };
    assert.equal(await core.onStockEvent(event, { [HEADER.messageId]: randomUUID() }), 'applied');
  };

  /** The stock-feed documents enqueued since the last call, per channel. */
  async function newDocuments(): Promise<Map<string, OutboundDocument[]>> {
    const rows = await ds.query<{ id: string; value: unknown }[]>(
      `SELECT id, value FROM ${OUTBOX_TABLE} WHERE topic = $1 AND id > $2 ORDER BY id`,
      [TOPICS.partnersOutbound, seenOutbox],
    );
    seenOutbox = Math.max(seenOutbox, ...rows.map((r) => Number(r.id)));
    const by = new Map<string, OutboundDocument[]>();
    for (const { value } of rows) {
      const doc = decodeJsonValue(value) as OutboundDocument;
      by.set(doc.partnerId, [...(by.get(doc.partnerId) ?? []), doc]);
    }
    return by;
  }
  const jsonItems = (doc: OutboundDocument | undefined, sku: string) =>
    (JSON.parse(Buffer.from(doc!.payload).toString('utf8')) as JsonFeed).quantities.filter(
      (q) => q.sku === sku,
    );
  const csvItems = (doc: OutboundDocument | undefined, sku: string) =>
    parse<Record<string, string>>(Buffer.from(doc!.payload).toString('utf8'), { columns: true }).filter(
      (r) => r.sku === sku,
    );

  void it('sends each channel only its changes under its allocation rule, with the quantity last sent', async () => {
    const sku = uniqueName('SKU-FEED');
    const t0 = new Date();
    await count(sku, 'MAIN', 100);
    await publisher.publishDue(t0);
    let docs = await newDocuments();
    // market-hub: MAIN only, (100 − 20) × 50 % = 40; acme-portal: 90 % = 90; bazaarly: (100 − 10) × 30 % = 27.
    assert.deepEqual(jsonItems(docs.get('market-hub')?.[0], sku), [
      { sku, quantity: 40, compareQuantity: null, sequence: 1 },
    ]);
    assert.equal(docs.get('market-hub')?.[0].format, 'json');
    assert.equal(jsonItems(docs.get('acme-portal')?.[0], sku)[0].quantity, 90);
    assert.equal(docs.get('bazaarly')?.[0].format, 'csv');
    assert.deepEqual(csvItems(docs.get('bazaarly')?.[0], sku), [
      { sku, quantity: '27', compare_quantity: '', sequence: '1' },
    ]);

    // One more unit changes no channel's quantity: nothing is sent.
    await count(sku, 'MAIN', 101);
    await publisher.publishDue(new Date(t0.getTime() + 61_000));
    assert.equal((await newDocuments()).size, 0, 'no channel quantity changed');

    // EAST does not feed market-hub; the two other channels get the new quantity and the one they hold.
    await count(sku, 'EAST', 50);
    await publisher.publishDue(new Date(t0.getTime() + 122_000));
    docs = await newDocuments();
    assert.equal(docs.get('market-hub'), undefined);
    assert.deepEqual(
      jsonItems(docs.get('acme-portal')?.[0], sku).map((q) => [q.quantity, q.compareQuantity]),
      [[135, 90]],
    );
    assert.deepEqual(
      csvItems(docs.get('bazaarly')?.[0], sku).map((r) => [r.quantity, r.compare_quantity]),
      [['42', '27']],
    );
  });

  void it('publishes a channel at most once per its interval; changes in between coalesce', async () => {
    const sku = uniqueName('SKU-RATE');
    const t0 = new Date(Date.now() + 3_600_000);
    await count(sku, 'MAIN', 200);
    assert.ok((await publisher.publishDue(t0)).some((f) => f.channelId === 'market-hub'));
    await newDocuments();
    await count(sku, 'MAIN', 300);
    // market-hub's feedEverySeconds is 5: a second later it waits, five seconds later it goes.
    assert.ok(
      !(await publisher.publishDue(new Date(t0.getTime() + 1000))).some((f) => f.channelId === 'market-hub'),
    );
    await count(sku, 'MAIN', 400);
    const later = await publisher.publishDue(new Date(t0.getTime() + 5000));
    const hub = later.find((f) => f.channelId === 'market-hub');
    assert.deepEqual(
      hub?.items.filter((i) => i.sku === sku).map((i) => [i.wanted, i.published]),
      [[190, 90]],
      'one item: (400 − 20) × 50 %, compared with the (200 − 20) × 50 % sent',
    );
  });

  void it('after a 60 s outage full of changes, a channel gets the current value once, never the stale ones', async () => {
    const sku = uniqueName('SKU-OUTAGE');
    const t0 = new Date(Date.now() + 7_200_000);
    await count(sku, 'MAIN', 500);
    await publisher.publishDue(t0);
    await newDocuments();
    // 60 s in which nothing is published (the feed, its relay or the channel down), while the WMS counts
    // 30 times and stock goes down and up.
    for (let i = 1; i <= 30; i++) await count(sku, 'MAIN', 500 - i * 7 + (i % 4) * 3);
    await count(sku, 'MAIN', 321);
    await publisher.publishDue(new Date(t0.getTime() + 60_000));
    const docs = await newDocuments();
    assert.deepEqual(
      jsonItems(docs.get('market-hub')?.[0], sku).map((q) => [q.quantity, q.compareQuantity]),
      [[150, 240]],
      'once: (321 − 20) × 50 % against the (500 − 20) × 50 % it holds',
    );
    assert.equal(docs.get('market-hub')?.length, 1);
    assert.equal(csvItems(docs.get('bazaarly')?.[0], sku).length, 1);
    // Nothing left to send.
    await publisher.publishDue(new Date(t0.getTime() + 200_000));
    const after = await newDocuments();
    assert.equal(jsonItems(after.get('market-hub')?.[0] ?? emptyFeed(), sku).length, 0);
  });

  void it('a channel down until partner-delivery gives up gets the current value once, compared with what it acknowledged', async () => {
    const sku = uniqueName('SKU-DOWN');
    const t0 = new Date(Date.now() + 10_800_000);
    const store = new ChannelFeedStore();
    await count(sku, 'MAIN', 100);
    const [first] = (await publisher.publishDue(t0)).filter((f) => f.channelId === 'market-hub');
    await newDocuments();
    // Delivered (twice: a redelivered result changes nothing): the channel holds 40.
    assert.deepEqual(
      await ds.transaction((m) => store.settleDocument(m, `${first.feedId}/json`, 'delivered')),
      [sku],
    );
    assert.deepEqual(
      await ds.transaction((m) => store.settleDocument(m, `${first.feedId}/json`, 'delivered')),
      [],
    );
    // The channel goes down: two documents are published and partner-delivery gives up on both.
    await count(sku, 'MAIN', 80);
    const [second] = (await publisher.publishDue(new Date(t0.getTime() + 10_000))).filter(
      (f) => f.channelId === 'market-hub',
    );
    await count(sku, 'MAIN', 60);
    const [third] = (await publisher.publishDue(new Date(t0.getTime() + 20_000))).filter(
      (f) => f.channelId === 'market-hub',
    );
    await newDocuments();
    await count(sku, 'MAIN', 70);
    for (const feed of [second, third])
      await ds.transaction((m) => store.settleDocument(m, `${feed.feedId}/json`, 'given-up'));
    // Back: one document with the current value, compared with the 40 the channel acknowledged.
    await publisher.publishDue(new Date(t0.getTime() + 30_000));
    const docs = await newDocuments();
    assert.deepEqual(
      jsonItems(docs.get('market-hub')?.[0], sku).map((q) => [q.quantity, q.compareQuantity]),
      [[25, 40]],
      '(70 − 20) × 50 % once, against the (100 − 20) × 50 % delivered',
    );
    assert.equal(docs.get('market-hub')?.[0].orderingKey, 'stock-feed/market-hub/json');
  });

  void it('a WMS snapshot reconciles a ledger that missed an event, and what is older than it stays stale', async () => {
    const a = uniqueName('SKU-SNAP-A');
    const b = uniqueName('SKU-SNAP-B');
    const t0 = new Date(Date.now() + 14_400_000);
    await count(a, 'MAIN', 300);
    await count(b, 'MAIN', 120);
    await publisher.publishDue(t0);
    await newDocuments();
    // The WMS counted A at 260 but that event was lost; the night's snapshot file says 260 and 120.
    const asOf = new Date(clock + 1_000).toISOString();
    const csv = `snapshot_id,as_of,warehouse,sku,on_hand\nsnap-1,${asOf},MAIN,${a},260\nsnap-1,${asOf},MAIN,${b},120\n`;
    const parsed = parseCsvStockSnapshot(Buffer.from(csv));
    assert.ok(parsed.ok);
    const events = parsed.records.flatMap((snapshot) =>
      stockEventsFromWmsSnapshot(
        { documentId: 'snap-1', partnerId: 'northwind-wms', receivedAt: Date.now() },
        snapshot,
      ),
    );
    const verdicts = [];
    for (const event of events)
      verdicts.push(await core.onStockEvent(event, { [HEADER.messageId]: randomUUID() }));
    assert.deepEqual(verdicts, ['applied', 'applied']);
    // The lost event, delivered late (older than the snapshot): recorded, never applied.
    const late: StockEvent = {
      ...events[0],
      eventId: randomUUID(),
      kind: StockEventKind.OnHand,
      onHand: 300,
      eventTime: clock - 500,
    };
    assert.equal(await core.onStockEvent(late, { [HEADER.messageId]: randomUUID() }), 'stale');
    const [level] = await ds.query<{ on_hand: string; stale_events: string }[]>(
      `SELECT on_hand, stale_events FROM stock_levels WHERE sku = $1`,
      [a],
    );
    assert.deepEqual([Number(level.on_hand), Number(level.stale_events)], [260, 1]);
    // The channels hear of A's correction only; B's count changed nothing.
    await publisher.publishDue(new Date(t0.getTime() + 100_000));
    const docs = await newDocuments();
    assert.deepEqual(
      jsonItems(docs.get('market-hub')?.[0], a).map((q) => [q.quantity, q.compareQuantity]),
      [[120, 140]],
    );
    assert.deepEqual(jsonItems(docs.get('market-hub')?.[0], b), []);
  });
});

function emptyFeed(): OutboundDocument {
  return {
    outboundId: 'none',
    partnerId: 'none',
    documentType: 'stock-feed',
    format: 'json',
    contentType: 'application/json',
    relatesTo: [],
    payload: Buffer.from(JSON.stringify({ quantities: [] })),
    createdAt: 0,
    orderingKey: null,
  };
}
