// Issue 9's "200 concurrent orders for 50 free units with redeliveries and a SIGKILL midway", at the
// store's level: a worker process handles the requests through InventorySyncCore (inbox, store, outbox)
// and is killed with SIGKILL while transactions are in flight; then every request is delivered again
// from two other pools, as the consumer group would after the rebalance. Exactly 50 units are held, each
// order is decided once and answered once.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { HEADER, StockEventKind, TOPICS } from '@tradewind/contracts';
import {
  createDataSource,
  Inbox,
  OUTBOX_TABLE,
  OutboxWriter,
  persistenceMigrations,
} from '@tradewind/persistence';
import { expectEventually, testStack, uniqueName } from '@tradewind/testing';
import type { DataSource } from 'typeorm';

import { inventoryMigrations } from './index';
import { InventorySyncCore } from './inventory-sync.core';
import { ReservationStore } from './reservation.store';
import { StockLedgerStore } from './stock-ledger.store';
import { CONSUMER_GROUP, hotSkuTraffic } from './test/hot-sku-traffic';

const ORDERS = 200;
const FREE = 50;
const REPO_ROOT = resolve(__dirname, '../../../..');
const WORKER = resolve(__dirname, 'test/reserving-worker.process.ts');

void describe('reservations survive a SIGKILL midway', () => {
  const schema = uniqueName('inventory_crash_it');
  const prefix = uniqueName('crash');
  const sku = uniqueName('SKU-HOT');
  const pools: DataSource[] = [];
  let worker: ChildProcess | undefined;

  before(async () => {
    for (let i = 0; i < 2; i++) {
      pools.push(
        await createDataSource({
          url: testStack().databaseUrl,
          schema,
          applicationName: 'inventory-crash-itest',
          poolSize: 6,
          logging: false,
          migrations: [...persistenceMigrations, ...inventoryMigrations],
        }),
      );
    }
  });

  after(async () => {
    if (worker !== undefined && worker.exitCode === null && worker.signalCode === null) {
      worker.kill('SIGKILL');
      await once(worker, 'exit');
    }
    await pools[0].query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await Promise.all(pools.map((p) => p.destroy()));
  });

  const coreOn = (ds: DataSource) =>
    new InventorySyncCore(
      ds,
      new Inbox(),
      new OutboxWriter(),
      new ReservationStore(),
      new StockLedgerStore(),
      {
        groupOf: () => CONSUMER_GROUP,
        channels: () => new Map(),
      },
    );

  async function decidedLines(): Promise<number> {
    const [{ n }] = await pools[0].query<{ n: number }[]>(
      'SELECT count(*)::int AS n FROM reservation_lines WHERE sku = $1',
      [sku],
    );
    return n;
  }

  void it('holds exactly the free units and answers every order once', async () => {
    const [ds] = pools;
    await coreOn(ds).onStockEvent(
      {
        eventId: `${prefix}-count`,
        kind: StockEventKind.OnHand,
        sourcePartnerId: 'northwind-wms',
        documentId: null,
        sku,
        warehouseId: 'MAIN',
        onHand: FREE,
        eventTime: Date.now(),
        sequence: null,
        receivedAt: Date.now(),
      },
      { [HEADER.messageId]: `${prefix}-stock` },
    );

    worker = spawn(process.execPath, ['-r', '@swc-node/register', WORKER], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        TW_FIXTURE_DATABASE_URL: testStack().databaseUrl,
        TW_FIXTURE_SCHEMA: schema,
        TW_FIXTURE_PREFIX: prefix,
        TW_FIXTURE_SKU: sku,
        TW_FIXTURE_ORDERS: String(ORDERS),
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    // Midway: some orders decided and committed, others in flight in the worker's transactions.
    await expectEventually(async () => assert.ok((await decidedLines()) >= 40), { timeoutMs: 120_000 });
    worker.kill('SIGKILL');
    await once(worker, 'exit');
    const beforeRedelivery = await decidedLines();
    assert.ok(beforeRedelivery < ORDERS, 'killed before it finished');

    // Every request again (the ones the worker committed too), from two pools at once.
    const traffic = hotSkuTraffic(prefix, sku, ORDERS);
    const cores = pools.map(coreOn);
    const outcomes = await Promise.all(
      traffic.map(({ request, headers }, i) =>
        cores[i % cores.length].onReservationRequest(request, headers),
      ),
    );
    assert.ok(outcomes.filter((o) => o === 'redelivered').length >= beforeRedelivery);

    const [level] = await new StockLedgerStore().levelsOf(ds.manager, sku);
    assert.deepEqual([level.onHand, level.reserved, level.available], [FREE, FREE, 0]);
    const byOutcome = await ds.query<{ outcome: string; n: number }[]>(
      'SELECT outcome, count(*)::int AS n FROM reservation_lines WHERE sku = $1 GROUP BY outcome ORDER BY outcome',
      [sku],
    );
    assert.deepEqual(byOutcome, [
      { outcome: 'insufficient_stock', n: ORDERS - FREE },
      { outcome: 'reserved', n: FREE },
    ]);
    const [{ replies, orders }] = await ds.query<{ replies: number; orders: number }[]>(
      `SELECT count(*)::int AS replies, count(DISTINCT key)::int AS orders FROM ${OUTBOX_TABLE} WHERE topic = $1`,
      [TOPICS.inventoryReservationReplies],
    );
    assert.deepEqual(
      [replies, orders],
      [ORDERS, ORDERS],
      'one reply per order: a killed transaction left none',
    );
    console.log(`crash test: ${beforeRedelivery} of ${ORDERS} orders decided before the SIGKILL`);
  });
});
