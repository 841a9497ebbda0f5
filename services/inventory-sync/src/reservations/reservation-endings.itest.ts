// How reservations end, through inventory-sync's core on the real PostgreSQL (outbox, inbox, the store's
// constraints) with the Odoo simulator (decision 0025). No service process: booting one joins five consumer
// groups on the shared broker (most of a minute on a loaded machine) and would take other tests' records;
// the consumers only hand each record to this core (inventory-sync.itest.ts covers that wiring).
// - consumed on ship: a shipment's release (the shipments service's shape) consumes by SKU, partially when
//   it ships less than held; the same shipment resent under another message id consumes nothing more; the
//   consumed units keep counting against availability through a WMS count older than the shipment and stop
//   when a count at or after it arrives, so availability never jumps up between the two;
// - released on cancel: a sale order cancelled in Odoo (read with the read-only key by write_date) returns
//   what its order still holds, the channel feed's wanted quantity follows, and a second poll releases
//   nothing; what already shipped stays consumed.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import {
  HEADER,
  ReleaseReason,
  ShortagePolicy,
  StockEventKind,
  TOPIC_CATALOG,
  type TopicName,
} from '@tradewind/contracts';
import {
  ChannelFeedStore,
  inventoryMigrations,
  InventorySyncCore,
  ReservationStore,
  StockLedgerStore,
  StockReconciliationStore,
} from '@tradewind/inventory-store';
import { createOdooClient, type OdooClient } from '@tradewind/odoo-client';
import { type OdooSimulator, startOdooSimulator } from '@tradewind/odoo-simulator';
import { saleOrderExternalId } from '@tradewind/partner-catalog';
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

import { OdooCancellations } from './odoo-cancellations';

const schema = uniqueName('inventory_endings_it');
const WMS = 'northwind-wms';
const PARTNER = 'acme-portal';
const T0 = Date.parse('2026-12-01T08:00:00Z');

interface Level {
  on_hand: string;
  reserved: string;
  shipped_uncounted: string;
}

void describe('reservations end: consumed on ship, released on cancel (real PostgreSQL, Odoo simulator)', () => {
  let ds: DataSource;
  let odoo: OdooSimulator;
  let admin: OdooClient;
  let core: InventorySyncCore;
  let cancellations: OdooCancellations;

  /** [on hand, reserved, shipped uncounted, available] in MAIN. */
  const level = async (sku: string): Promise<number[]> => {
    const [row] = await ds.query<Level[]>(
      `SELECT on_hand, reserved, shipped_uncounted FROM stock_levels WHERE sku = $1 AND warehouse_id = 'MAIN'`,
      [sku],
    );
    const [onHand, reserved, shipped] = [row.on_hand, row.reserved, row.shipped_uncounted].map(Number);
    return [onHand, reserved, shipped, Math.max(0, onHand - reserved - shipped)];
  };
  const lines = async (orderId: string) =>
    (
      await ds.query<{ line_no: number; reserved: string; consumed: string; status: string }[]>(
        `SELECT line_no, reserved, consumed, status FROM reservation_lines WHERE order_id = $1 ORDER BY line_no`,
        [orderId],
      )
    ).map((r) => [r.line_no, Number(r.reserved), Number(r.consumed), r.status]);
  const message = () => ({ [HEADER.messageId]: randomUUID() });

  const count = (sku: string, onHand: number, eventTime: number) =>
    core.onStockEvent(
      {
        eventId: randomUUID(),
        sourcePartnerId: WMS,
        kind: StockEventKind.OnHand,
        documentId: null,
        sku,
        warehouseId: 'MAIN',
        onHand,
        eventTime,
        sequence: null,
        receivedAt: Date.now(),
      },
      message(),
    );
  const reserve = (orderId: string, sku: string, quantities: number[]) =>
    core.onReservationRequest(
      {
        requestId: `${orderId}/${sku}`,
        orderId,
        partnerId: PARTNER,
        sku,
        orderLineCount: quantities.length,
        lines: quantities.map((quantity, i) => ({ lineNo: i + 1, quantity })),
        shortagePolicy: ShortagePolicy.Reject,
        holdExpiresAt: null,
        requestedAt: Date.now(),
      },
      message(),
    );
  /** What the shipments service sends for one (shipment, order); each call under a new message id. */
  const ship = (orderId: string, shipmentId: string, shipped: [string, number][], at: number) =>
    core.onReservationRelease(
      {
        releaseId: `shipment/${shipmentId}/${orderId}`,
        orderId,
        reason: ReleaseReason.Shipped,
        lineNos: [],
        releasedAt: at,
        shipmentId,
        shipped: shipped.map(([sku, quantity]) => ({ sku, quantity })),
      },
      message(),
    );

  before(async () => {
    odoo = await startOdooSimulator();
    admin = createOdooClient({ url: odoo.url, db: odoo.db, apiKey: odoo.apiKeys.write, apiFlavor: 'json2' });
    ds = await createDataSource({
      url: testStack().databaseUrl,
      schema,
      applicationName: 'inventory-endings-itest',
      poolSize: 4,
      logging: false,
      migrations: [...persistenceMigrations, ...inventoryMigrations],
    });
    const reservations = new ReservationStore();
    core = new InventorySyncCore(ds, new Inbox(), new OutboxWriter(), reservations, new StockLedgerStore(), {
      groupOf: (topic) => `inventory-sync.${topic}`,
      // acme-portal's share in the catalog: 90 % of available, rounded down.
      channels: () => new Map([[PARTNER, { allocate: (available: number) => Math.floor(available * 0.9) }]]),
      feeds: new ChannelFeedStore(),
    });
    cancellations = new OdooCancellations(
      ds,
      core,
      reservations,
      new StockReconciliationStore(),
      // The read-only key: the simulator refuses any write with it.
      createOdooClient({ url: odoo.url, db: odoo.db, apiKey: odoo.apiKeys.readOnly, apiFlavor: 'json2' }),
    );
  });

  after(async () => {
    await odoo?.stop();
    await ds?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await ds?.destroy();
  });

  void it('a shipment consumes by SKU, partially, once; the units count until a WMS count at or after it', async () => {
    const sku = uniqueName('SKU-SHIP');
    const orderId = `${PARTNER}/${uniqueName('PO-SHIP')}`;
    await count(sku, 10, T0);
    await reserve(orderId, sku, [4, 2]);
    assert.deepEqual(await level(sku), [10, 6, 0, 4]);

    // Shipment 1 carries 5 of the 6 held: line 1 whole, line 2 in part. Sent twice (a resend, another id).
    const shippedAt = T0 + 10_000;
    assert.equal(await ship(orderId, 'SWFT/1Z001/2026-12-01', [[sku, 5]], shippedAt), 'handled');
    assert.equal(await ship(orderId, 'SWFT/1Z001/2026-12-01', [[sku, 5]], shippedAt), 'handled');
    assert.deepEqual(await lines(orderId), [
      [1, 4, 4, 'consumed'],
      [2, 2, 1, 'held'],
    ]);
    // On hand is the WMS's (still 10); the 5 that left are not available: 10 − 1 − 5.
    assert.deepEqual(await level(sku), [10, 1, 5, 4]);

    // A count from before the shipment (the WMS had not picked yet) is applied but leaves them counting.
    await count(sku, 10, shippedAt - 5_000);
    assert.deepEqual(await level(sku), [10, 1, 5, 4], 'availability does not jump back up');
    // The count after the pick includes the shipment: they stop counting apart.
    await count(sku, 5, shippedAt + 5_000);
    assert.deepEqual(await level(sku), [5, 1, 0, 4]);

    // Shipment 2 carries the last unit (more than held is ignored: nothing more is reserved).
    await ship(orderId, 'SWFT/1Z002/2026-12-01', [[sku, 3]], shippedAt + 60_000);
    assert.deepEqual(await lines(orderId), [
      [1, 4, 4, 'consumed'],
      [2, 2, 2, 'consumed'],
    ]);
    assert.deepEqual(await level(sku), [5, 0, 1, 4]);
    // An order never reserved (RESERVATION_POLICY off) has nothing to consume; a count of 0 units is refused.
    await ship(`${PARTNER}/${uniqueName('PO-NONE')}`, 'SWFT/1Z009/2026-12-01', [[sku, 2]], Date.now());
    assert.deepEqual(await level(sku), [5, 0, 1, 4]);
    await assert.rejects(
      ship(orderId, 'SWFT/1Z010/2026-12-01', [[sku, 0]], Date.now()),
      /positive whole number/,
    );
    const consumptions = await ds.query<{ shipment_id: string; line_no: number; quantity: string }[]>(
      `SELECT shipment_id, line_no, quantity FROM stock_consumptions WHERE order_id = $1 ORDER BY shipment_id, line_no`,
      [orderId],
    );
    assert.deepEqual(
      consumptions.map((r) => [r.shipment_id, r.line_no, Number(r.quantity)]),
      [
        ['SWFT/1Z001/2026-12-01', 1, 4],
        ['SWFT/1Z001/2026-12-01', 2, 1],
        ['SWFT/1Z002/2026-12-01', 2, 1],
      ],
    );
  });

  void it('a sale order cancelled in Odoo returns what its order still holds, once, and the channel sees it', async () => {
    const sku = uniqueName('SKU-CANCEL');
    const po = uniqueName('PO-CANCEL');
    const orderId = `${PARTNER}/${po}`;
    await count(sku, 100, T0);
    await reserve(orderId, sku, [30, 20]);
    assert.deepEqual(await level(sku), [100, 50, 0, 50]);
    // 10 of line 1 shipped before the order was cancelled: they stay consumed.
    await ship(orderId, 'SWFT/1Z003/2026-12-01', [[sku, 10]], Date.now());
    assert.deepEqual(await level(sku), [100, 40, 10, 50]);
    const wanted = async () =>
      Number(
        (
          await ds.query<{ wanted: string }[]>(
            `SELECT wanted FROM channel_feed_positions WHERE channel_id = $1 AND sku = $2`,
            [PARTNER, sku],
          )
        )[0]?.wanted ?? -1,
      );
    assert.equal(await wanted(), 45, "the channel's share of 50 (90 %)");

    // The order in Odoo, as the odoo-writer loads it (external id tradewind.so_…), confirmed, then cancelled.
    const [customer] = await admin.search('res.partner', [], { limit: 1 });
    const [product] = await admin.search('product.product', [['default_code', '=', 'SKU-1001']]);
    const loaded = await admin.load(
      'sale.order',
      ['id', 'partner_id/.id', 'client_order_ref', 'order_line/product_id/.id', 'order_line/product_uom_qty'],
      [[saleOrderExternalId(PARTNER, po), String(customer), po, String(product), '50']],
    );
    assert.ok(loaded.ids !== false && loaded.ids.length === 1, JSON.stringify(loaded.messages));
    const ids = loaded.ids;
    // Another customer's order with the same PO number, cancelled too: not this order's.
    const other = await admin.create('sale.order', [{ partner_id: customer, client_order_ref: po }]);
    await admin.callAction('sale.order', 'action_confirm', ids);
    await admin.callAction('sale.order', 'action_cancel', [...ids, ...other]);

    const run = await cancellations.run();
    assert.deepEqual(run.released, [orderId]);
    assert.deepEqual(await lines(orderId), [
      [1, 30, 10, 'released'],
      [2, 20, 0, 'released'],
    ]);
    assert.deepEqual(await level(sku), [100, 0, 10, 90]);
    assert.equal(await wanted(), 81, "the feed's wanted quantity follows (90 % of 90)");
    // A second poll reads the same second again and releases nothing.
    assert.deepEqual((await cancellations.run()).released, []);
    assert.deepEqual(await level(sku), [100, 0, 10, 90]);
  });

  // Runs last: the releases, availability and feed records left in the outbox are what their topics'
  // schemas accept (the relay's producer would refuse anything else).
  void it('leaves only records their topic schema accepts', async () => {
    const rows = await ds.query<{ topic: TopicName; value: unknown }[]>(
      `SELECT topic, value FROM ${OUTBOX_TABLE}`,
    );
    assert.ok(rows.length > 0);
    for (const row of rows) {
      const type = avro.Type.forSchema(TOPIC_CATALOG[row.topic].valueSchema);
      assert.ok(type.isValid(decodeJsonValue(row.value)), row.topic);
    }
  });
});
