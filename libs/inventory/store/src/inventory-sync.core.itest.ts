// inventory-sync's handling against the real PostgreSQL, outbox included: what each consumed record
// leaves for the relay to publish, and that a redelivered record (same message id) leaves nothing more.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import {
  HEADER,
  type ReservationReply,
  ShortagePolicy,
  type StockAvailability,
  type StockEvent,
  StockEventKind,
  TOPIC_CATALOG,
  type TopicName,
  TOPICS,
} from '@tradewind/contracts';
import {
  createDataSource,
  decodeJsonValue,
  Inbox,
  OUTBOX_TABLE,
  OutboxWriter,
  persistenceMigrations,
} from '@tradewind/persistence';
import { testStack, uniqueName } from '@tradewind/testing';
import avro from 'avsc';
import type { DataSource } from 'typeorm';

import { inventoryMigrations } from './index';
import { InventorySyncCore } from './inventory-sync.core';
import { ReservationStore } from './reservation.store';
import { StockLedgerStore } from './stock-ledger.store';

void describe('InventorySyncCore', () => {
  const schema = uniqueName('inventory_core_it');
  let ds: DataSource;
  let core: InventorySyncCore;

  before(async () => {
    ds = await createDataSource({
      url: testStack().databaseUrl,
      schema,
      applicationName: 'inventory-core-itest',
      poolSize: 4,
      logging: false,
      migrations: [...persistenceMigrations, ...inventoryMigrations],
    });
    core = new InventorySyncCore(
      ds,
      new Inbox(),
      new OutboxWriter(),
      new ReservationStore(),
      new StockLedgerStore(),
      {
        groupOf: (topic) => `inventory-sync.${topic}`,
        // The service passes the catalog's rule through allocateToChannel; any share will do here.
        channels: () =>
          new Map([
            ['bazaarly', { allocate: (available: number) => Math.min(30, Math.floor(available / 2)) }],
          ]),
      },
    );
  });
  after(async () => {
    await ds.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await ds.destroy();
  });

  async function outboxFor<V>(topic: string, key: string): Promise<V[]> {
    const rows = await ds.query<{ value: unknown }[]>(
      `SELECT value FROM ${OUTBOX_TABLE} WHERE topic = $1 AND key = $2 ORDER BY id`,
      [topic, key],
    );
    return rows.map((r) => decodeJsonValue(r.value) as V);
  }

  const headers = () => ({ [HEADER.messageId]: randomUUID(), [HEADER.correlationId]: randomUUID() });
  const stockEvent = (sku: string, onHand: number, eventTime: number): StockEvent => ({
    eventId: uniqueName('ev'),
    kind: StockEventKind.OnHand,
    sourcePartnerId: 'wms-partner',
    documentId: null,
    sku,
    warehouseId: 'WH1',
    onHand,
    eventTime,
    sequence: null,
    receivedAt: Date.now(),
  });

  void it('a stock event publishes the warehouse and every channel availability; a stale one publishes nothing', async () => {
    const sku = uniqueName('SKU');
    assert.equal(await core.onStockEvent(stockEvent(sku, 100, 2_000), headers()), 'applied');
    const [older, h] = [stockEvent(sku, 5, 1_000), headers()];
    assert.equal(await core.onStockEvent(older, h), 'stale'); // recorded, not applied
    assert.equal(await core.onStockEvent(older, h), 'redelivered'); // the same record again
    assert.equal(await core.onStockEvent(older, headers()), 'duplicate'); // the same event, resent
    const warehouse = await outboxFor<StockAvailability>(
      TOPICS.inventoryAvailability,
      `warehouse/WH1/${sku}`,
    );
    assert.equal(warehouse.length, 1);
    assert.deepEqual([warehouse[0].onHand, warehouse[0].available, warehouse[0].asOf], [100, 100, 2_000]);
    const [channel] = await outboxFor<StockAvailability>(
      TOPICS.inventoryAvailability,
      `channel/bazaarly/${sku}`,
    );
    assert.deepEqual([channel.scope, channel.available, channel.channelQuantity], ['channel', 100, 30]);
  });

  void it('a request replies once its order is complete, and a redelivery changes nothing', async () => {
    const sku = uniqueName('SKU');
    await core.onStockEvent(stockEvent(sku, 3, 1), headers());
    const orderId = `acme/${sku}-PO1`;
    const h = headers();
    const request = {
      requestId: `${orderId}/${sku}`,
      orderId,
      partnerId: 'acme',
      sku,
      orderLineCount: 1,
      lines: [{ lineNo: 1, quantity: 2 }],
      shortagePolicy: ShortagePolicy.Reject,
      holdExpiresAt: null,
      requestedAt: Date.now(),
    };
    assert.equal(await core.onReservationRequest(request, h), 'handled');
    assert.equal(await core.onReservationRequest(request, h), 'redelivered');
    const replies = await outboxFor<ReservationReply>(TOPICS.inventoryReservationReplies, orderId);
    assert.equal(replies.length, 1);
    assert.deepEqual(
      replies[0].lines.map((l) => [l.outcome, l.reserved]),
      [['reserved', 2]],
    );
    const availability = await outboxFor<StockAvailability>(
      TOPICS.inventoryAvailability,
      `warehouse/WH1/${sku}`,
    );
    assert.deepEqual(
      availability.map((a) => [a.reserved, a.available, a.sequence]),
      [
        [0, 3, 1],
        [2, 1, 2],
      ],
    );
    const [{ headers: replyHeaders }] = await ds.query<{ headers: Record<string, string> }[]>(
      `SELECT headers FROM ${OUTBOX_TABLE} WHERE topic = $1 AND key = $2`,
      [TOPICS.inventoryReservationReplies, orderId],
    );
    assert.equal(replyHeaders[HEADER.correlationId], h[HEADER.correlationId]);
    assert.equal(replyHeaders[HEADER.causationId], h[HEADER.messageId]);

    // The release returns the units and says so on inventory.availability.
    await core.onReservationRelease(
      {
        releaseId: uniqueName('rel'),
        orderId,
        reason: 'cancelled',
        lineNos: [],
        releasedAt: Date.now(),
        shipmentId: null,
        shipped: [],
      },
      headers(),
    );
    const after = await outboxFor<StockAvailability>(TOPICS.inventoryAvailability, `warehouse/WH1/${sku}`);
    assert.deepEqual([after.at(-1)?.reserved, after.at(-1)?.available], [0, 3]);
  });

  void it('expires a channel hold after its TTL and says so on inventory.availability', async () => {
    const sku = uniqueName('SKU');
    await core.onStockEvent(stockEvent(sku, 10, 1), headers());
    const orderId = `bazaarly/${sku}-PO1`;
    await core.onReservationRequest(
      {
        requestId: `${orderId}/${sku}`,
        orderId,
        partnerId: 'bazaarly',
        sku,
        orderLineCount: 1,
        lines: [{ lineNo: 1, quantity: 4 }],
        shortagePolicy: ShortagePolicy.Reject,
        holdExpiresAt: Date.now() - 1_000,
        requestedAt: Date.now(),
      },
      headers(),
    );
    assert.ok((await core.expireDue(new Date())) >= 1);
    assert.equal(await core.expireDue(new Date()), 0, 'nothing left to expire');
    const records = await outboxFor<StockAvailability>(TOPICS.inventoryAvailability, `warehouse/WH1/${sku}`);
    assert.deepEqual(
      records.map((a) => a.reserved),
      [0, 4, 0],
    );
  });

  // Runs last: what the tests above left in the outbox must be what the topics' schemas accept (the
  // relay's producer would refuse anything else, and the outbox would stop).
  void it('leaves only records their topic schema accepts', async () => {
    const rows = await ds.query<{ topic: TopicName; value: unknown }[]>(
      `SELECT topic, value FROM ${OUTBOX_TABLE}`,
    );
    assert.ok(rows.length > 0);
    for (const row of rows) {
      const type = avro.Type.forSchema(TOPIC_CATALOG[row.topic].valueSchema);
      const problems: string[] = [];
      type.isValid(decodeJsonValue(row.value), { errorHook: (path) => problems.push(path.join('.')) });
      assert.deepEqual(problems, [], `${row.topic}: ${JSON.stringify(decodeJsonValue(row.value))}`);
    }
  });
});
