// e2e-lane: isolated (a commands topic, consumer group, schema and Odoo of its own: see test/writer-harness.ts)
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { type OdooSimulator, startOdooSimulator } from '@tradewind/odoo-simulator';
import { expectEventually, uniqueName } from '@tradewind/testing';

import { CRASH_EXIT_CODE } from './fault-injector';
import type { CrashPoint } from './odoo-writer.config';
import { confirmSaleOrder, upsertSaleOrder } from './test/command-fixtures';
import { WriterHarness, type WriterProcess } from './test/writer-harness';

const ORDERS = 3;
const LINES = 2;

/**
 * Each crash point, for a load (upsert_sale_order) and for an action (confirm_sale_order): the writer
 * exits with 137 at that point (ODOO_WRITER_CRASH_AT), is restarted, and replays from Kafka. Odoo must
 * end with exactly one order per external id, its lines once, confirmed once (one delivery each).
 */
describe('odoo-writer: a crash at each point of a write, then a replay', () => {
  let odoo: OdooSimulator;

  before(async () => {
    // Slow enough calls that a crash "during" one lands while Odoo is still working on it.
    odoo = await startOdooSimulator({ knobs: { latencyMs: 300 } });
  });
  after(() => odoo.stop());

  const points: CrashPoint[] = ['before-call', 'during-call', 'after-call', 'after-commit'];
  for (const point of points) {
    it(`${point}: replayed, exactly one record`, async () => {
      const harness = new WriterHarness();
      const prefix = `tradewind.${uniqueName(point.replace('-', '')).toLowerCase()}`;
      const xids = Array.from({ length: ORDERS }, (_, i) => `${prefix}_so_${i}`);
      const orders = () => odoo.store.externalIds(`${prefix}_so_`).filter((e) => e.model === 'sale.order');
      const states = () => orders().map((e) => odoo.store.read('sale.order', [e.resId], ['state'])[0].state);
      await harness.setUp(1);
      try {
        await harness.send([
          ...xids.map((xid) => upsertSaleOrder(xid, { lines: LINES })),
          ...xids.map((xid) => confirmSaleOrder(xid)),
        ]);
        const crashRun = async (type: string): Promise<WriterProcess> => {
          const writer = await harness.startWriter(odoo.url, odoo.apiKeys.write, {
            ODOO_WRITER_CRASH_AT: point,
            ODOO_WRITER_CRASH_TYPE: type,
            ODOO_WRITER_CRASH_DELAY: '50ms',
          });
          const exit = await writer.exited;
          assert.equal(
            exit.code,
            CRASH_EXIT_CODE,
            `the writer did not crash at ${point} (${JSON.stringify(exit)})`,
          );
          assert.ok(writer.logs.some((l) => l.msg === 'fault injection: crashing' && l.crashPoint === point));
          return writer;
        };

        // 1. Crash while writing the orders.
        await crashRun('upsert_sale_order');
        const ledgerAfterUpsertCrash = await harness.ledgerCount();
        switch (point) {
          case 'before-call':
            assert.equal(orders().length, 0, 'nothing reached Odoo');
            break;
          case 'during-call':
            // Odoo commits the load after the writer is gone: the window where Odoo has it and we do not know.
            // The load in flight holds the orders that met in the batcher by then (timing: 1 to 3).
            await expectEventually(() => assert.ok(orders().length >= 1), { timeoutMs: 5_000 });
            assert.equal(ledgerAfterUpsertCrash, 0);
            break;
          case 'after-call':
            // Odoo answered the first call, and the writer died before recording it. That call held the
            // orders that met in the batcher by then (timing: 1 to 3).
            assert.ok(orders().length >= 1, 'the answered load is in Odoo');
            assert.equal(ledgerAfterUpsertCrash, 0, 'nothing recorded');
            break;
          case 'after-commit':
            // The crash comes right after the first recorded batch; how many commands that batch held
            // depends on timing. At least one is recorded while no offset was committed.
            assert.equal(orders().length, ORDERS);
            assert.ok(ledgerAfterUpsertCrash >= 1, 'a command recorded, its offset not committed');
            break;
        }

        // 2. Crash while confirming them (the replay writes the orders again first, harmlessly).
        await crashRun('confirm_sale_order');
        assert.equal(orders().length, ORDERS);
        switch (point) {
          case 'before-call':
            assert.ok(states().every((s) => s === 'draft'));
            break;
          case 'during-call':
            // The confirmation in flight commits after the crash (for the orders its batch held).
            await expectEventually(() => assert.ok(states().some((s) => s === 'sale')), {
              timeoutMs: 5_000,
            });
            break;
          case 'after-call':
            // As for the load: the answered confirmation (1 to 3 orders) is done in Odoo, unrecorded.
            assert.ok(
              states().some((s) => s === 'sale'),
              `states ${states().join(',')}`,
            );
            break;
          case 'after-commit':
            // At least the batch recorded before the crash is confirmed; the replay finishes the rest.
            assert.ok(
              states().some((s) => s === 'sale'),
              `states ${states().join(',')}`,
            );
            break;
        }

        // 3. A clean run replays the rest.
        const writer = await harness.startWriter(odoo.url, odoo.apiKeys.write);
        const results = await expectEventually(
          async () => {
            const all = await harness.results();
            assert.equal(
              new Set(all.map((r) => `${r.externalId}|${r.type}`)).size,
              ORDERS * 2,
              `${all.length} results`,
            );
            return all;
          },
          { timeoutMs: 30_000, intervalMs: 200 },
        );
        // One result per command: results commit with the inbox mark, so a replay never doubles them.
        assert.equal(results.length, ORDERS * 2);
        assert.ok(
          results.every((r) => ['written', 'already_done', 'unchanged'].includes(r.outcome)),
          JSON.stringify(results),
        );

        // Exactly one order per external id, its lines once, confirmed once (one delivery each).
        assert.equal(orders().length, ORDERS);
        for (const xid of xids) {
          const found = odoo.store.findByExternalId(xid)!;
          assert.equal(found.record.state, 'sale');
          assert.equal((found.record.order_line as number[]).length, LINES, `${xid} lines`);
          assert.equal(
            odoo.store.search('stock.picking', [['sale_id', '=', found.id]]).length,
            1,
            `${xid} deliveries`,
          );
        }
        assert.equal(
          odoo.store.externalIds(`${prefix}_so_`).filter((e) => e.model === 'sale.order.line').length,
          ORDERS * LINES,
        );
        assert.equal(await harness.deadLetterCount(), 0);
        writer.child.kill('SIGTERM');
        await writer.exited;
      } finally {
        await harness.tearDown();
      }
    });
  }
});
