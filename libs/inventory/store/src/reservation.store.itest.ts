// The reservation store against the real PostgreSQL (issue 9, "Must be shown"): concurrent orders from
// several connections with redeliveries never reserve more than the free units, a crash mid-transaction
// leaves nothing behind, and the table refuses an oversell whatever statement tries it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import {
  type ReleaseReason,
  type ReservationRequest,
  ShortagePolicy,
  StockEventKind,
} from '@tradewind/contracts';
import { createDataSource, sqlState, withTransaction } from '@tradewind/persistence';
import { expectEventually, testStack, uniqueName } from '@tradewind/testing';
import { Client } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';

import { inventoryMigrations } from './index';
import { ReservationStore } from './reservation.store';
import { StockLedgerStore } from './stock-ledger.store';

const reservations = new ReservationStore();
const ledger = new StockLedgerStore();
const WMS = 'wms-partner';

let eventSeq = 0;
/** Sets on hand through the ledger, as the WMS would. */
async function count(
  ds: DataSource,
  sku: string,
  warehouseId: string,
  onHand: number,
  eventTime = Date.now(),
) {
  return withTransaction(ds, (m) =>
    ledger.apply(m, {
      eventId: `e-${++eventSeq}`,
      kind: StockEventKind.OnHand,
      sourcePartnerId: WMS,
      documentId: null,
      sku,
      warehouseId,
      onHand,
      eventTime,
      sequence: null,
      receivedAt: Date.now(),
    }),
  );
}

function request(
  orderId: string,
  sku: string,
  lines: { lineNo: number; quantity: number }[],
  shortagePolicy: ShortagePolicy = 'reject',
  orderLineCount = lines.length,
): ReservationRequest {
  return {
    requestId: `${orderId}/${sku}`,
    orderId,
    partnerId: orderId.split('/')[0],
    sku,
    orderLineCount,
    lines,
    shortagePolicy,
    holdExpiresAt: null,
    requestedAt: Date.now(),
  };
}

/** A consumer's transaction: deadlocks and serialization failures are run again, as the runner would. */
const reserve = (ds: DataSource, r: ReservationRequest) =>
  withTransaction(ds, (m) => reservations.reserve(m, r), { maxAttempts: 5 });
const release = (ds: DataSource, orderId: string, reason: ReleaseReason, lineNos: number[] = []) =>
  withTransaction(
    ds,
    (m) =>
      reservations.release(m, {
        releaseId: uniqueName('rel'),
        orderId,
        reason,
        lineNos,
        releasedAt: Date.now(),
        shipmentId: null,
        shipped: [],
      }),
    { maxAttempts: 5 },
  );

function shuffle<T>(items: T[], seed: number): T[] {
  // A fixed pseudo-random order (mulberry32), so a failure replays.
  let s = seed;
  const next = () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

void describe('ReservationStore', () => {
  const schema = uniqueName('inventory_it');
  const applicationName = uniqueName('inventory_itest');
  /** Several pools: the concurrent requests come from different connections, as from replicas. */
  const pools: DataSource[] = [];
  let ds: DataSource;

  before(async () => {
    for (let i = 0; i < 4; i++) {
      pools.push(
        await createDataSource({
          url: testStack().databaseUrl,
          schema,
          applicationName,
          poolSize: 5,
          logging: false,
          migrations: inventoryMigrations,
        }),
      );
    }
    ds = pools[0];
  });

  after(async () => {
    await Promise.all(pools.map((p) => p.destroy()));
    const client = new Client({ connectionString: testStack().databaseUrl });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  });

  async function heldOf(sku: string): Promise<number> {
    const [row] = await ds.query<{ held: string }[]>(
      `SELECT coalesce(sum(reserved), 0) AS held FROM reservation_lines WHERE sku = $1 AND status = 'held'`,
      [sku],
    );
    return Number(row.held);
  }

  void it('200 concurrent orders for 50 free units, each delivered up to three times: exactly 50 reserved', async () => {
    const sku = uniqueName('SKU-HOT');
    await count(ds, sku, 'WH1', 60);
    await withTransaction(ds, (m) => ledger.setSafetyStock(m, sku, 'WH1', 10));
    const partners = ['acme', 'globex', 'bazaarly'];
    const orders = Array.from({ length: 200 }, (_, i) => `${partners[i % 3]}/${sku}-PO${i}`);
    // Every request once, a third of them twice more (redeliveries racing the first delivery).
    const deliveries = shuffle(
      orders.flatMap((o, i) => Array<string>(i % 3 === 0 ? 3 : 1).fill(o)),
      20_261_201,
    );
    const results = await Promise.all(
      deliveries.map((o, i) =>
        reserve(pools[i % pools.length], request(o, sku, [{ lineNo: 1, quantity: 1 }])),
      ),
    );
    // Redeliveries after the fact change nothing either.
    await Promise.all(
      orders.slice(0, 20).map((o) => reserve(ds, request(o, sku, [{ lineNo: 1, quantity: 1 }]))),
    );

    assert.equal(
      results.reduce((n, r) => n + r.decided.length, 0),
      200,
      'each line decided exactly once',
    );
    const [level] = await ledger.levelsOf(ds.manager, sku);
    assert.equal(level.reserved, 50);
    assert.equal(level.available, 0);
    assert.equal(await heldOf(sku), 50);
    const outcomes = await ds.query<{ outcome: string; n: number }[]>(
      'SELECT outcome, count(*)::int AS n FROM reservation_lines WHERE sku = $1 GROUP BY outcome ORDER BY outcome',
      [sku],
    );
    assert.deepEqual(outcomes, [
      { outcome: 'insufficient_stock', n: 150 },
      { outcome: 'reserved', n: 50 },
    ]);
    // Every delivery answered the order, and every answer for one order is the same decision.
    const replies = new Map<string, string>();
    for (const r of results) {
      assert.ok(r.reply !== undefined);
      const decision = JSON.stringify(r.reply.lines);
      assert.equal(replies.get(r.reply.orderId) ?? decision, decision);
      replies.set(r.reply.orderId, decision);
    }
    assert.equal(replies.size, 200);
  });

  void it('orders over two SKUs with mixed policies, redelivered and partly released while others reserve', async () => {
    const [a, b] = [uniqueName('SKU-A'), uniqueName('SKU-B')];
    await count(ds, a, 'WH1', 30);
    await count(ds, a, 'WH2', 7);
    await count(ds, b, 'WH1', 20);
    const orders = Array.from({ length: 120 }, (_, i) => ({
      id: `acme/${a}-PO${i}`,
      policy: i % 2 === 0 ? ShortagePolicy.Reject : ShortagePolicy.Backorder,
      qa: 1 + (i % 3),
      qb: 1 + (i % 2),
    }));
    const parts = orders.flatMap((o) => [
      request(o.id, a, [{ lineNo: 1, quantity: o.qa }], o.policy, 2),
      request(o.id, b, [{ lineNo: 2, quantity: o.qb }], o.policy, 2),
    ]);
    const deliveries = shuffle([...parts, ...parts.filter((_, i) => i % 4 === 0)], 7);
    const early = orders.slice(0, 30).map((o) => o.id);
    const results = await Promise.all([
      ...deliveries.map((r, i) => reserve(pools[i % pools.length], r)),
      // Cancellations race the requests: some arrive before their order's request.
      ...early.map((o, i) => release(pools[(i + 1) % pools.length], o, 'cancelled')),
    ]);
    assert.ok(results.length > 0);

    for (const sku of [a, b]) {
      const levels = await ledger.levelsOf(ds.manager, sku);
      for (const l of levels)
        assert.ok(l.reserved <= l.onHand - l.safetyStock, `${sku} ${l.warehouseId} oversold`);
      assert.equal(
        levels.reduce((n, l) => n + l.reserved, 0),
        await heldOf(sku),
        'the ledger holds what the lines hold',
      );
    }
    const lines = await ds.query<{ order_id: string; n: number }[]>(
      'SELECT order_id, count(*)::int AS n FROM reservation_lines WHERE sku = ANY($1) GROUP BY order_id',
      [[a, b]],
    );
    assert.equal(lines.length, 120);
    assert.ok(lines.every((l) => l.n === 2));
    const [{ heldByCancelled }] = await ds.query<{ heldByCancelled: number }[]>(
      `SELECT count(*)::int AS "heldByCancelled" FROM reservation_lines WHERE order_id = ANY($1) AND status = 'held'`,
      [early],
    );
    assert.equal(heldByCancelled, 0, 'a cancelled order holds nothing, whichever came first');

    // Releasing everything returns every unit.
    await Promise.all(orders.map((o, i) => release(pools[i % pools.length], o.id, 'rejected')));
    for (const sku of [a, b]) {
      for (const l of await ledger.levelsOf(ds.manager, sku)) assert.equal(l.reserved, 0);
    }
  });

  void it('a crash before commit leaves nothing: the redelivery reserves once', async () => {
    const sku = uniqueName('SKU-CRASH');
    await count(ds, sku, 'WH1', 5);
    const r = request(`acme/${sku}-PO1`, sku, [{ lineNo: 1, quantity: 5 }]);
    let backendPid = 0;
    let resume!: () => void;
    const paused = new Promise<void>((resolve) => (resume = resolve));
    const crashed = withTransaction(pools[1], async (m: EntityManager) => {
      const [{ pid }] = await m.query<{ pid: number }[]>('SELECT pg_backend_pid() AS pid');
      backendPid = pid;
      await reservations.reserve(m, r);
      await paused; // the process "dies" here, its decision written but not committed
    });
    await expectEventually(() => assert.notEqual(backendPid, 0));
    await expectEventually(async () => {
      const [row] = await ds.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM pg_locks WHERE pid = $1 AND locktype = 'transactionid'`,
        [backendPid],
      );
      assert.equal(row.n, 1);
    });
    await ds.query('SELECT pg_terminate_backend($1)', [backendPid]);
    resume();
    await assert.rejects(crashed);
    assert.equal((await ledger.levelsOf(ds.manager, sku))[0].reserved, 0);
    const again = await reserve(ds, r);
    assert.equal(again.decided[0].outcome, 'reserved');
    assert.equal((await reserve(ds, r)).decided.length, 0);
    assert.equal((await ledger.levelsOf(ds.manager, sku))[0].reserved, 5);
  });

  void it('the table refuses any statement that reserves beyond stock, yet a lower WMS count is applied', async () => {
    const sku = uniqueName('SKU-GUARD');
    await count(ds, sku, 'WH1', 10);
    await assert.rejects(
      ds.query(`UPDATE stock_levels SET reserved = 11 WHERE sku = $1`, [sku]),
      (e: unknown) => sqlState(e) === '23514' && /stock_levels_covered|only 10 on hand/.test(String(e)),
    );
    await reserve(ds, request(`acme/${sku}-PO1`, sku, [{ lineNo: 1, quantity: 8 }]));
    // The WMS counts 6: applied (it owns on hand), leaving 8 reserved against 6.
    const recount = await count(ds, sku, 'WH1', 6);
    assert.equal(recount.verdict, 'applied');
    assert.deepEqual([recount.level.onHand, recount.level.reserved, recount.level.available], [6, 8, 0]);
    // While short, nothing more is promised, by the store or by hand.
    const refused = await reserve(ds, request(`acme/${sku}-PO2`, sku, [{ lineNo: 1, quantity: 1 }]));
    assert.equal(refused.decided[0].outcome, 'insufficient_stock');
    await assert.rejects(ds.query(`UPDATE stock_levels SET reserved = 9 WHERE sku = $1`, [sku]));
    // A release may lower it even while short; shipped units stay in on hand, unavailable, until counted.
    const shipped = await release(ds, `acme/${sku}-PO1`, 'shipped');
    assert.equal(shipped.released.length, 1);
    const after = shipped.changedLevels[0];
    assert.deepEqual([after.onHand, after.reserved, after.shippedUncounted, after.available], [6, 0, 8, 0]);
    assert.equal((await release(ds, `acme/${sku}-PO1`, 'shipped')).released.length, 0, 'twice: nothing');
  });

  void it('backorders the shortfall under the backorder policy and expires channel holds after their TTL', async () => {
    const sku = uniqueName('SKU-BO');
    await count(ds, sku, 'WH1', 4);
    const r = {
      ...request(`bazaarly/${sku}-PO1`, sku, [{ lineNo: 1, quantity: 10 }], 'backorder'),
      holdExpiresAt: 1_000,
    };
    const { reply } = await reserve(ds, r);
    assert.deepEqual(reply?.lines, [
      {
        lineNo: 1,
        sku,
        requested: 10,
        reserved: 4,
        backordered: 6,
        outcome: 'backordered',
        warehouseId: 'WH1',
      },
    ]);
    const due = await reservations.ordersWithExpiredHolds(ds.manager, new Date(2_000));
    assert.ok(due.includes(r.orderId));
    const expired = await withTransaction(ds, (m) => reservations.expireHolds(m, r.orderId, new Date(2_000)));
    assert.equal(expired.released[0].status, 'expired');
    assert.equal((await ledger.levelsOf(ds.manager, sku))[0].reserved, 0);
  });
});

void describe('StockLedgerStore', () => {
  const schema = uniqueName('inventory_ledger_it');
  let ds: DataSource;

  before(async () => {
    ds = await createDataSource({
      url: testStack().databaseUrl,
      schema,
      applicationName: 'inventory-itest',
      poolSize: 4,
      logging: false,
      migrations: inventoryMigrations,
    });
  });
  after(async () => {
    await ds.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await ds.destroy();
  });

  void it('out-of-order and duplicate events never move stock backwards; stale ones are recorded and counted', async () => {
    const sku = uniqueName('SKU-EV');
    const event = (eventId: string, eventTime: number, onHand: number, sequence: number | null = null) => ({
      eventId: `${sku}-${eventId}`,
      kind: StockEventKind.OnHand,
      sourcePartnerId: WMS,
      documentId: null,
      sku,
      warehouseId: 'WH1',
      onHand,
      eventTime,
      sequence,
      receivedAt: Date.now(),
    });
    // e4 and e5 share e3's event time: the WMS's sequence orders them, whatever the arrival order.
    const events = [
      event('e1', 1_000, 10),
      event('e2', 2_000, 20),
      event('e3', 3_000, 30, 1),
      event('e4', 3_000, 34, 3),
      event('e5', 3_000, 32, 2),
    ];
    const delivered = [events[2], events[0], events[2], events[3], events[1], events[4], events[0]];
    const verdicts = [];
    for (const e of delivered) verdicts.push((await withTransaction(ds, (m) => ledger.apply(m, e))).verdict);
    assert.deepEqual(verdicts, ['applied', 'stale', 'duplicate', 'applied', 'stale', 'stale', 'duplicate']);
    const [level] = await ledger.levelsOf(ds.manager, sku);
    assert.deepEqual([level.onHand, level.staleEvents, level.lastEventId], [34, 3, `${sku}-e4`]);
    const rows = await ds.query<{ event_id: string; verdict: string }[]>(
      'SELECT event_id, verdict FROM stock_events WHERE sku = $1 ORDER BY event_id',
      [sku],
    );
    assert.deepEqual(
      rows.map((r) => [r.event_id.slice(sku.length + 1), r.verdict]),
      [
        ['e1', 'stale'],
        ['e2', 'stale'],
        ['e3', 'applied'],
        ['e4', 'applied'],
        ['e5', 'stale'],
      ],
    );
  });
});
