// Benchmark: records written to Odoo per second by the real odoo-writer process, single-record calls
// against batched `load` calls, at two simulated Odoo latencies, as a ratio of the simulator's ceiling.
// The ceiling is what the simulator accepts for one-record calls: concurrency × 1000 / latency records/s.
// Run: ./tradewind bench odoo-writer [orders=1500]
import { startOdooSimulator } from '@tradewind/odoo-simulator';
import { expectEventually } from '@tradewind/testing';

import { upsertSaleOrder } from './command-fixtures';
import { WriterHarness } from './writer-harness';

const ORDERS = Number(process.argv[2] ?? 1500);
const CONCURRENCY = 8;

async function run(latencyMs: number, batched: boolean): Promise<{ perSecond: number; calls: number }> {
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
        if (odoo.store.countByExternalId(`${prefix}_`) < ORDERS) throw new Error('not yet');
      },
      { timeoutMs: 600_000, intervalMs: 50 },
    );
    const seconds = (performance.now() - started) / 1000;
    return { perSecond: ORDERS / seconds, calls: odoo.stats().calls };
  } finally {
    await harness.tearDown();
    await odoo.stop();
  }
}

async function main(): Promise<void> {
  const rows: string[] = [];
  for (const latencyMs of [5, 50]) {
    const ceiling = (CONCURRENCY * 1000) / latencyMs;
    for (const batched of [false, true]) {
      const { perSecond, calls } = await run(latencyMs, batched);
      rows.push(
        `${String(latencyMs).padStart(4)} ms  ${(batched ? 'batched load' : 'one record per call').padEnd(20)} ` +
          `${perSecond.toFixed(0).padStart(7)} records/s  ceiling ${ceiling.toFixed(0).padStart(5)}  ` +
          `ratio ${(perSecond / ceiling).toFixed(2).padStart(5)}  (${calls} Odoo calls for ${ORDERS} orders)`,
      );
      console.log(rows.at(-1));
    }
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
