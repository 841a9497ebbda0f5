// Benchmark: sale orders written to Odoo per second by the real odoo-writer process (Kafka in, ledger and
// outbox in PostgreSQL), one order per `load` call against batched calls, at two simulated latencies, as
// a ratio of the simulator's ceiling for one-record calls (concurrency × 1000 / latency records/s) and
// batched against one-per-call. A run counts orders (not their lines, which have external ids too) and
// checks the Odoo call count: one-per-call mode must make one `sale.order.load` per order.
// Run: ./tradewind bench odoo-writer [orders=1500]
import { startOdooSimulator } from '@tradewind/odoo-simulator';
import { expectEventually } from '@tradewind/testing';

import { upsertSaleOrder } from './command-fixtures';
import { WriterHarness } from './writer-harness';

const ORDERS = Number(process.argv[2] ?? 1500);
const CONCURRENCY = 8;

interface Run {
  perSecond: number;
  loads: number;
}

async function run(latencyMs: number, batched: boolean): Promise<Run> {
  const odoo = await startOdooSimulator({ knobs: { latencyMs, maxConcurrency: CONCURRENCY } });
  const harness = new WriterHarness();
  await harness.setUp(6);
  try {
    await harness.startWriter(odoo.url, odoo.apiKeys.write, {
      ODOO_MAX_CONCURRENCY: String(CONCURRENCY),
      ODOO_INITIAL_CONCURRENCY: String(CONCURRENCY),
      ...(batched ? {} : { ODOO_BATCH_MAX_RECORDS: '1' }),
    });
    const prefix = `tradewind.bench_${latencyMs}_${batched ? 'b' : 's'}_${Date.now().toString(36)}`;
    const commands = Array.from({ length: ORDERS }, (_, i) =>
      upsertSaleOrder(`${prefix}_${i}`, { lines: 2 }),
    );
    odoo.resetStats();
    const started = performance.now();
    await harness.send(commands);
    await expectEventually(
      () => {
        if (odoo.store.countByExternalId(`${prefix}_`, 'sale.order') < ORDERS) throw new Error('not yet');
      },
      { timeoutMs: 600_000, intervalMs: 50 },
    );
    const seconds = (performance.now() - started) / 1000;
    const loads = odoo.stats().callsByMethod['sale.order.load'] ?? 0;
    if (!batched && loads < ORDERS) {
      throw new Error(`one-per-call mode made ${loads} sale.order.load calls for ${ORDERS} orders`);
    }
    return { perSecond: ORDERS / seconds, loads };
  } finally {
    await harness.tearDown();
    await odoo.stop();
  }
}

async function main(): Promise<void> {
  const rows: string[] = [];
  const line = (latencyMs: number, mode: string, result: Run, ceiling: number, extra: string): string =>
    `${String(latencyMs).padStart(4)} ms  ${mode.padEnd(20)} ${result.perSecond.toFixed(0).padStart(7)} orders/s  ` +
    `ceiling ${ceiling.toFixed(0).padStart(5)}  ratio ${(result.perSecond / ceiling).toFixed(2).padStart(5)}  ` +
    `${String(result.loads).padStart(5)} load calls  ${extra}`;
  for (const latencyMs of [5, 50]) {
    const ceiling = (CONCURRENCY * 1000) / latencyMs;
    const single = await run(latencyMs, false);
    rows.push(line(latencyMs, 'one record per call', single, ceiling, ''));
    console.log(rows.at(-1));
    const batched = await run(latencyMs, true);
    rows.push(
      line(
        latencyMs,
        'batched load',
        batched,
        ceiling,
        `${(batched.perSecond / single.perSecond).toFixed(1)}× one-per-call`,
      ),
    );
    console.log(rows.at(-1));
  }
  console.log(
    `\nodoo-writer throughput, ${ORDERS} sale orders (2 lines each), simulator concurrency ${CONCURRENCY}`,
  );
  for (const row of rows) console.log(row);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
