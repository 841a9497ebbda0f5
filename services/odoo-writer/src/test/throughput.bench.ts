// Benchmark: sale orders written to Odoo per second by the real odoo-writer process (Kafka in, ledger and
// outbox in PostgreSQL), one order per `load` call against batched calls, at two simulated latencies, as
// a ratio of the simulator's ceiling for one-record calls (concurrency × 1000 / latency records/s) and
// batched against one-per-call. A run counts orders (not their lines, which have external ids too) and
// checks the Odoo call count: one-per-call mode must make one `sale.order.load` per order.
// Then the same two modes against Odoo's published import speed (ODOO_PUBLISHED_RECORD_COST: 10 ms of server
// work per written record, serialised per database), as a ratio of that records/s ceiling, where batching
// saves only the per-call cost.
// Run: ./tradewind bench odoo-writer [orders=1500]
import {
  ODOO_PUBLISHED_RECORD_COST,
  type SimulatorKnobs,
  startOdooSimulator,
} from '@tradewind/odoo-simulator';
import { expectEventually } from '@tradewind/testing';

import { upsertSaleOrder } from './command-fixtures';
import { WriterHarness } from './writer-harness';

const ORDERS = Number(process.argv[2] ?? 1500);
const CONCURRENCY = 8;

interface Run {
  perSecond: number;
  loads: number;
  /** Records the simulator charged its per-record cost for, per order (load rows and other writes). */
  recordsPerOrder: number;
}

async function run(latencyMs: number, batched: boolean, knobs: Partial<SimulatorKnobs> = {}): Promise<Run> {
  const odoo = await startOdooSimulator({ knobs: { latencyMs, maxConcurrency: CONCURRENCY, ...knobs } });
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
    return { perSecond: ORDERS / seconds, loads, recordsPerOrder: odoo.stats().recordsCharged / ORDERS };
  } finally {
    await harness.tearDown();
    await odoo.stop();
  }
}

async function main(): Promise<void> {
  const rows: string[] = [];
  const line = (latencyMs: number, mode: string, result: Run, ceiling: number, extra: string): string =>
    `${String(latencyMs).padStart(4)} ms  ${mode.padEnd(24)} ${result.perSecond.toFixed(0).padStart(7)} orders/s  ` +
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
  // Odoo's import speed: the ceiling is records/s, whatever the calls' size or concurrency. On one lane (the
  // published rate for the database), then on one lane per simulated worker (an Odoo whose cores import in
  // parallel), where batching can still pay.
  const latencyMs = 5;
  for (const cost of [
    ODOO_PUBLISHED_RECORD_COST,
    { recordCostMs: ODOO_PUBLISHED_RECORD_COST.recordCostMs, recordWorkers: CONCURRENCY },
  ]) {
    const recordsPerSecond = (cost.recordWorkers * 1000) / cost.recordCostMs;
    const tag = `${cost.recordCostMs} ms/rec ×${cost.recordWorkers}`;
    const costed = (result: Run): string =>
      `${(result.perSecond * result.recordsPerOrder).toFixed(0).padStart(4)} records/s of ${recordsPerSecond} ` +
      `(${result.recordsPerOrder.toFixed(2)} records/order; ratio ` +
      `${((result.perSecond * result.recordsPerOrder) / recordsPerSecond).toFixed(2)})`;
    const single = await run(latencyMs, false, cost);
    rows.push(
      line(latencyMs, `one/call ${tag}`, single, recordsPerSecond / single.recordsPerOrder, costed(single)),
    );
    console.log(rows.at(-1));
    const batched = await run(latencyMs, true, cost);
    rows.push(
      line(
        latencyMs,
        `batched ${tag}`,
        batched,
        recordsPerSecond / batched.recordsPerOrder,
        `${costed(batched)} ${(batched.perSecond / single.perSecond).toFixed(1)}× one-per-call`,
      ),
    );
    console.log(rows.at(-1));
  }
  console.log(
    `\nodoo-writer throughput, ${ORDERS} sale orders (2 lines each), simulator concurrency ${CONCURRENCY}; ` +
      `"N ms/rec ×L": the simulator's per-record cost on L lanes, its ceiling in orders/s = ` +
      `L × 1000 / N records/s ÷ records per order`,
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
