// e2e-lane: isolated (a commands topic, consumer group, schema and Odoo of its own: see test/writer-harness.ts)
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { type OdooSimulator, startOdooSimulator } from '@tradewind/odoo-simulator';
import { expectEventually, uniqueName } from '@tradewind/testing';

import { upsertSaleOrder } from './test/command-fixtures';
import { WriterHarness } from './test/writer-harness';

describe('odoo-writer: a validation error inside a batch', () => {
  const harness = new WriterHarness();
  let odoo: OdooSimulator;
  const prefix = `tradewind.${uniqueName('be').toLowerCase()}`;

  before(async () => {
    odoo = await startOdooSimulator({ knobs: { latencyMs: 20 } });
    await harness.setUp(1);
  });
  after(async () => {
    await harness.tearDown();
    await odoo.stop();
  });

  it('reaches ops.exceptions once with Odoo message, while the rest of the batch is written', async () => {
    const bad = `${prefix}_so_bad`;
    const commands = Array.from({ length: 20 }, (_, i) =>
      i === 7
        ? upsertSaleOrder(bad, {
            productRef: (line) =>
              line === 1 ? 'tradewind.product_does_not_exist' : 'tradewind.product_sku_1001',
          })
        : upsertSaleOrder(`${prefix}_so_${i}`),
    );
    await harness.send(commands);
    const opsFrom = await harness.opsExceptionsEnd();
    // A long linger and a single partition: the 20 commands meet in one batch.
    const writer = await harness.startWriter(odoo.url, odoo.apiKeys.write, {
      ODOO_BATCH_LINGER: '500ms',
      ODOO_BATCH_MAX_RECORDS: '50',
    });

    const results = await expectEventually(
      async () => {
        const all = await harness.results();
        assert.equal(all.length, 20, `${all.length} results so far`);
        return all;
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    const failed = results.filter((r) => r.outcome === 'business_error');
    assert.deepEqual(
      failed.map((r) => r.externalId),
      [bad],
    );
    assert.match(
      failed[0].errorMessage ?? '',
      /No matching record found for external id 'tradewind.product_does_not_exist'/,
    );
    assert.equal(results.filter((r) => r.outcome === 'written').length, 19);

    // Odoo holds the 19 good orders, each once, and nothing of the bad one.
    assert.equal(odoo.store.externalIds(`${prefix}_so_`).filter((e) => e.model === 'sale.order').length, 19);
    assert.equal(odoo.store.findByExternalId(bad), undefined);
    // Few load calls for 20 orders: the batch was shared, then the bad record dropped and the rest re-loaded.
    const loads = odoo.stats().callsByMethod['sale.order.load'] ?? 0;
    assert.ok(loads <= 4, `${loads} load calls`);

    const exceptions = await expectEventually(
      async () => {
        const found = await harness.opsExceptions(opsFrom);
        assert.equal(found.length, 1, `${found.length} ops.exceptions`);
        return found;
      },
      { timeoutMs: 20_000, intervalMs: 500 },
    );
    assert.equal(exceptions[0].kind, 'business');
    assert.equal(exceptions[0].code, 'ODOO_VALIDATION');
    assert.equal(exceptions[0].sourceKey, bad);
    assert.match(
      exceptions[0].message,
      /No matching record found for external id 'tradewind.product_does_not_exist' in field 'Order Lines\/Product'/,
    );
    assert.equal(await harness.deadLetterCount(), 0);
    assert.equal(await writer.metric('tradewind_odoo_results_total', { outcome: 'business_error' }), 1);

    // SIGTERM: Nest's shutdown hooks stop the consumer, then re-raise the signal.
    writer.child.kill('SIGTERM');
    const exit = await writer.exited;
    assert.ok(exit.code === 0 || exit.signal === 'SIGTERM', JSON.stringify(exit));
  });
});
