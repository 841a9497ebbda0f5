import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import type { OdooCommand } from '@tradewind/contracts';
import { type OdooSimulator, startOdooSimulator } from '@tradewind/odoo-simulator';
import { expectEventually, uniqueName } from '@tradewind/testing';

import { upsertSaleOrder } from './test/command-fixtures';
import { WriterHarness, type WriterProcess } from './test/writer-harness';

const ORDERS = 5_000;
const LINES = 2;

describe('odoo-writer: 5,000 commands, 10% redelivered, the writer killed twice', () => {
  const harness = new WriterHarness();
  let odoo: OdooSimulator;
  const name = uniqueName('rk').toLowerCase();
  const prefix = `tradewind.${name}`;

  before(async () => {
    odoo = await startOdooSimulator({ knobs: { latencyMs: 5 } });
    await harness.setUp(6);
  });
  after(async () => {
    await harness.tearDown();
    await odoo.stop();
  });

  it('leaves exactly one Odoo record per external id, none missing', async () => {
    // Every tenth command is produced a second time a little later (same command id: a redelivery).
    const commands: OdooCommand[] = [];
    const redeliveries: OdooCommand[] = [];
    for (let i = 0; i < ORDERS; i++) {
      const command = upsertSaleOrder(`${prefix}_so_${i}`, { lines: LINES });
      commands.push(command);
      if (i % 10 === 3) redeliveries.push(command);
      if (i % 50 === 49) commands.push(...redeliveries.splice(0));
    }
    commands.push(...redeliveries);
    assert.equal(commands.length, ORDERS * 1.1);
    await harness.send(commands);

    const writtenXids = async () => new Set((await harness.results()).map((r) => r.externalId)).size;
    const runUntil = async (count: number): Promise<WriterProcess> => {
      const writer = await harness.startWriter(odoo.url, odoo.apiKeys.write);
      await expectEventually(async () => assert.ok((await writtenXids()) >= count), {
        timeoutMs: 120_000,
        intervalMs: 50,
      });
      return writer;
    };
    const started = Date.now();
    for (const killAt of [ORDERS * 0.3, ORDERS * 0.65]) {
      const writer = await runUntil(killAt);
      writer.child.kill('SIGKILL');
      await writer.exited;
      assert.ok((await writtenXids()) < ORDERS, 'the kill landed mid-run');
    }
    const writer = await runUntil(ORDERS);
    const results = await harness.results();
    const seconds = (Date.now() - started) / 1000;

    // Exactly one order per external id, none missing, each with its lines once.
    const entries = odoo.store.externalIds(`${prefix}_so_`);
    const orderEntries = entries.filter((e) => e.model === 'sale.order');
    assert.equal(orderEntries.length, ORDERS);
    assert.equal(new Set(orderEntries.map((e) => e.resId)).size, ORDERS);
    const ordersInOdoo = odoo.store
      .rows('sale.order')
      .filter((row) => String(row.client_order_ref).startsWith(`PO-${name}_so_`));
    assert.equal(ordersInOdoo.length, ORDERS, 'no order created twice (with or without its external id)');
    assert.equal(entries.filter((e) => e.model === 'sale.order.line').length, ORDERS * LINES);
    const orderIds = new Set(ordersInOdoo.map((row) => row.id));
    assert.equal(
      odoo.store.rows('sale.order.line').filter((line) => orderIds.has(line.order_id as number)).length,
      ORDERS * LINES,
    );

    assert.equal(new Set(results.map((r) => r.externalId)).size, ORDERS);
    assert.ok(
      results.every((r) => r.outcome === 'written' || r.outcome === 'unchanged'),
      'no failure',
    );
    assert.equal(await harness.deadLetterCount(), 0);
    const loads = odoo.stats().callsByMethod['sale.order.load'] ?? 0;
    console.log(
      `  ${commands.length} records (${ORDERS} orders) in ${seconds.toFixed(1)} s with two kills; ` +
        `${results.length} results; ${loads} load calls (${(ORDERS / loads).toFixed(1)} orders per call)`,
    );
    writer.child.kill('SIGTERM');
    await writer.exited;
  });
});
