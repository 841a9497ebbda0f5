// e2e-lane: isolated (a commands topic, consumer group, schema and Odoo of its own: see test/writer-harness.ts)
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import { type OdooSimulator, startOdooSimulator } from '@tradewind/odoo-simulator';
import { expectEventually, uniqueName } from '@tradewind/testing';

import { upsertSaleOrder } from './test/command-fixtures';
import { WriterHarness } from './test/writer-harness';

const RATE_PER_SECOND = 100;
const PRODUCE_FOR_S = 40;
const ORDERS = RATE_PER_SECOND * PRODUCE_FOR_S;
const ODOO_CONCURRENCY = 4;

describe('odoo-writer: a 30-second Odoo outage in the middle of a run', () => {
  const harness = new WriterHarness();
  let odoo: OdooSimulator;
  const prefix = `tradewind.${uniqueName('out').toLowerCase()}`;

  before(async () => {
    odoo = await startOdooSimulator({ knobs: { latencyMs: 10, maxConcurrency: ODOO_CONCURRENCY } });
    await harness.setUp(3);
  });
  after(async () => {
    await harness.tearDown();
    await odoo.stop();
  });

  it('opens the breaker, loses nothing, and drains the backlog within the concurrency limit', async () => {
    const writer = await harness.startWriter(odoo.url, odoo.apiKeys.write, {
      ODOO_MAX_CONCURRENCY: String(ODOO_CONCURRENCY),
      ODOO_INITIAL_CONCURRENCY: '2',
    });
    const opsFrom = await harness.opsExceptionsEnd();
    // Steady traffic for 40 s; the outage starts 8 s in.
    const producing = (async () => {
      for (let second = 0; second < PRODUCE_FOR_S; second++) {
        const tick = Date.now();
        await harness.send(
          Array.from({ length: RATE_PER_SECOND }, (_, i) =>
            upsertSaleOrder(`${prefix}_so_${second * RATE_PER_SECOND + i}`),
          ),
        );
        await sleep(Math.max(0, 1_000 - (Date.now() - tick)));
      }
    })();
    const written = async () => (await harness.results()).length;
    await expectEventually(async () => assert.ok((await written()) >= RATE_PER_SECOND * 5), {
      timeoutMs: 30_000,
    });

    odoo.setKnobs({ outageForMs: 30_000 });
    const outageStart = Date.now();
    await expectEventually(
      async () => assert.equal(await writer.metric('tradewind_odoo_circuit_breaker_state'), 2),
      {
        timeoutMs: 10_000,
        description: 'breaker open',
      },
    );
    assert.ok(writer.logs.some((l) => l.msg === 'Odoo circuit breaker opened: calls wait until it closes'));
    // Calls Odoo answered before the outage may still be being recorded when the breaker opens (a loaded
    // machine): the count is taken once it stands still, then Odoo's own record count is watched too.
    let writtenAtOpen = await written();
    for (let settled = false; !settled;) {
      await sleep(1_000);
      const now = await written();
      settled = now === writtenAtOpen;
      writtenAtOpen = now;
    }
    const inOdooAtOpen = odoo.store.externalIds(`${prefix}_so_`).length;
    // While open, the writer waits instead of hammering Odoo or failing commands.
    await sleep(15_000);
    assert.equal(await written(), writtenAtOpen, 'nothing written during the outage');
    assert.equal(odoo.store.externalIds(`${prefix}_so_`).length, inOdooAtOpen, 'nothing new in Odoo');
    assert.equal(await writer.metric('tradewind_odoo_circuit_breaker_state'), 2);
    assert.ok(
      odoo.stats().rejectedOutage < 50,
      `${odoo.stats().rejectedOutage} calls refused during the outage`,
    );

    await producing;
    const results = await expectEventually(
      async () => {
        const all = await harness.results();
        assert.equal(all.length, ORDERS, `${all.length}/${ORDERS}`);
        return all;
      },
      { timeoutMs: 120_000, intervalMs: 250, description: 'backlog drained' },
    );
    const drainedAfterS = (Date.now() - outageStart) / 1000 - 30;
    assert.ok(
      results.every((r) => r.outcome === 'written'),
      'every command written, none failed',
    );
    assert.equal(new Set(results.map((r) => r.externalId)).size, ORDERS);
    assert.equal(
      odoo.store.externalIds(`${prefix}_so_`).filter((e) => e.model === 'sale.order').length,
      ORDERS,
    );

    const stats = odoo.stats();
    assert.ok(
      stats.maxConcurrencyObserved <= ODOO_CONCURRENCY,
      `Odoo saw ${stats.maxConcurrencyObserved} calls at once`,
    );
    assert.equal(stats.rejectedOverload, 0, 'Odoo never had to refuse a call for overload');
    assert.equal(await writer.metric('tradewind_odoo_circuit_breaker_state'), 0);
    assert.ok(
      (await writer.metric('tradewind_odoo_circuit_breaker_transitions_total', { to: 'open' }))! >= 1,
    );
    assert.equal(await harness.deadLetterCount(), 0);
    assert.deepEqual(await harness.opsExceptions(opsFrom), []);
    console.log(
      `  ${ORDERS} orders; breaker open at ${writtenAtOpen} written; backlog drained ${drainedAfterS.toFixed(1)} s after the outage; ` +
        `Odoo: ${stats.calls} calls, ${stats.rejectedOutage} refused during the outage, max ${stats.maxConcurrencyObserved} in flight`,
    );
    writer.child.kill('SIGTERM');
    await writer.exited;
  });
});
