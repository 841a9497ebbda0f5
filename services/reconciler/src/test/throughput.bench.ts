// Issue 13's figure: one window of 1,000,000 order states reconciled against the Odoo simulator. The
// reconciler's view is seeded in PostgreSQL (as orders.state would have left it: one row per order, its
// lines as jsonb), the simulator with the sale orders the odoo-writer would have made (through its JSON-2
// API, with the write key, before the clock starts) and a little drift: deleted, changed, duplicated by
// hand, made by hand. The timed part is what a run does: the window read from PostgreSQL, Odoo read over
// JSON-2 with the read-only key (by external id, by reference per customer, by write_date), the
// comparison and the proof. The simulator runs as its own process, as Odoo runs on its own server: its
// CPU (searching, serialising answers) is measured apart from the reconciler's, so the split is printed
// rather than hidden in one figure. Then the keyed reads of a slice of the window one request at a time
// in batches of 500 (the previous reader's shape) against this run's settings: a ratio in one process.
// Prints time and memory; asserts nothing about time.
// Usage: ./tradewind bench reconciler [orders=1000000] [batch=2000] [concurrency=4] [baseline-slice=50000]
// TW_BENCH_CPU_PROFILE=<file.cpuprofile> profiles the timed run only (not the seeding).
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { performance } from 'node:perf_hooks';

import { OrderStatus } from '@tradewind/contracts';
import { createOdooClient } from '@tradewind/odoo-client';
import { DEFAULT_API_KEY, DEFAULT_READONLY_API_KEY } from '@tradewind/odoo-simulator';
import { createDataSource } from '@tradewind/persistence';
import { testStack, uniqueName } from '@tradewind/testing';

import { OdooSaleOrdersReader, type SaleOrderQuery } from '../odoo/odoo-sale-orders.reader';
import { type PlatformOrder, reconcileWindow } from '../reconciliation/reconciliation';
import { refsByCustomer } from '../reconciliation/reconciliation.service';
import { CreateRedrives1796300000000 } from '../redrive/redrive.migration';
import { CreateGatewayLeg1796300000002 } from '../views/gateway-leg.migration';
import { PostgresOrderViews } from '../views/order-views.repository';
import { AddOrderViewsCustomer1796300000001 } from '../views/order-views-customer.migration';
import { CreateReconcilerViews1796125653527 } from '../views/reconciler-views.migration';

const ORDERS = Number(process.argv[2] ?? 1_000_000);
const BATCH = Number(process.argv[3] ?? 2_000);
const CONCURRENCY = Number(process.argv[4] ?? 4);
const BASELINE_SLICE = Math.min(ORDERS, Number(process.argv[5] ?? 50_000));
const PARTNERS = 20;
// The window holds the seeding: the sale orders' write_date falls in it, as the writer's would.
const WINDOW_START = Math.floor(Date.now() / 1000) * 1000 - 60_000;
const WINDOW = { start: WINDOW_START, end: WINDOW_START + 3_600_000 };
const POLICY = { stuckAfterMs: 1_800_000, acknowledgeWithinMs: 3_600_000 };
const LINES = [
  { sku: 'SKU-1001', quantity: 100, unitPrice: 0.45 },
  { sku: 'SKU-1002', quantity: 50, unitPrice: 0.12 },
];
const HAND_MADE = 5;

const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024).toLocaleString('en')} MB`;
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const rate = (count: number, ms: number) => `${Math.round(count / (ms / 1000)).toLocaleString('en')}/s`;
let peakHeap = 0;
const sampler = setInterval(() => {
  peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
}, 250);

const poOf = (i: number) => `PO-${i}`;
const partnerOf = (i: number) => i % PARTNERS;
const xidName = (i: number) => `so_bench-${partnerOf(i)}_PO-${i}`;

/** The simulator as its own process (libs/odoo/simulator/src/main.ts), with its CPU time and peak RSS. */
async function startSimulatorProcess() {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'libs/odoo/simulator/src/main.ts'], {
    // TW_BENCH_SIM_NODE_OPTIONS (e.g. `--cpu-prof --cpu-prof-dir=…`) profiles the simulator's process.
    env: {
      ...process.env,
      ODOO_SIM_PORT: '0',
      ODOO_SIM_DATA_FILE: '',
      // Seeding writes what the odoo-writer would have written over months: untimed, so at no import cost.
      // The timed run only reads, which the per-record cost does not charge.
      ODOO_SIM_RECORD_COST_MS: '0',
      NODE_OPTIONS: process.env.TW_BENCH_SIM_NODE_OPTIONS ?? '',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`the simulator exited (${code}) before listening`)));
  });
  const clockTicks = 100; // USER_HZ on Linux
  return {
    url,
    db: 'tradewind',
    apiKeys: { write: DEFAULT_API_KEY, readOnly: DEFAULT_READONLY_API_KEY },
    /** user + system CPU seconds so far (/proc/<pid>/stat). */
    cpuSeconds: () => {
      const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return (Number(fields[11]) + Number(fields[12])) / clockTicks;
    },
    peakRss: () =>
      Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))![1]) * 1024,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

async function main(): Promise<void> {
  const sim = await startSimulatorProcess();
  const schema = uniqueName('reconciler_bench');
  const ds = await createDataSource({
    url: testStack().databaseUrl,
    schema,
    applicationName: 'reconciler-bench',
    poolSize: 2,
    logging: false,
    migrations: [
      CreateReconcilerViews1796125653527,
      CreateRedrives1796300000000,
      AddOrderViewsCustomer1796300000001,
      CreateGatewayLeg1796300000002,
    ],
  });
  try {
    const seedStart = performance.now();
    const writer = createOdooClient({
      url: sim.url,
      db: sim.db,
      apiKey: sim.apiKeys.write,
      apiFlavor: 'json2',
    });
    const customers = await writer.create(
      'res.partner',
      Array.from({ length: PARTNERS }, (_, p) => ({ name: `Bench customer ${p}` })),
    );
    const products = await writer.create('product.product', [
      { name: 'Bench 1001', default_code: 'SKU-1001' },
      { name: 'Bench 1002', default_code: 'SKU-1002' },
    ]);
    // Server-side: the view as the orders.state consumer leaves it, PARTNERS partners, one window.
    await ds.query(
      `INSERT INTO order_views (order_id, partner_id, po_number, status, version, odoo_external_id,
         odoo_partner_id, rejected, lines, state_updated_at, received_at, customer_ref)
       SELECT 'bench-' || (i % $2) || '/PO-' || i, 'bench-' || (i % $2), 'PO-' || i, $3, 5,
              'tradewind.so_bench-' || (i % $2) || '_PO-' || i, ($6::int[])[(i % $2) + 1], false, $4::jsonb,
              to_timestamp(($5::bigint + (i % 3000000)) / 1000.0),
              to_timestamp(($5::bigint + (i % 3000000)) / 1000.0), NULL
         FROM generate_series(1, $1) AS i`,
      [ORDERS, PARTNERS, OrderStatus.Acknowledged, JSON.stringify(LINES), WINDOW.start, customers],
    );
    await ds.query('ANALYZE order_views');
    // Odoo's side as the odoo-writer leaves it (a sale order and its external id per order), with drift.
    let saleOrders = 0;
    for (let from = 1; from <= ORDERS; from += 2_000) {
      const batch: number[] = [];
      for (let i = from; i < Math.min(from + 2_000, ORDERS + 1); i++) if (i % 10_000 !== 1) batch.push(i); // deleted: missing_in_odoo
      const order = (i: number) => ({
        partner_id: customers[partnerOf(i)],
        client_order_ref: poOf(i),
        state: 'sale',
        order_line: [
          // a changed quantity: fields_differ
          [0, 0, { product_id: products[0], product_uom_qty: i % 10_000 === 2 ? 99 : 100, price_unit: 0.45 }],
          [0, 0, { product_id: products[1], product_uom_qty: 50, price_unit: 0.12 }],
        ],
      });
      const ids = await writer.create('sale.order', batch.map(order));
      await writer.create(
        'ir.model.data',
        ids.map((id, k) => ({
          module: 'tradewind',
          name: xidName(batch[k]),
          model: 'sale.order',
          res_id: id,
        })),
      );
      // A duplicate made by hand (same PO and customer, no external id): duplicated_in_odoo.
      const duplicates = batch.filter((i) => i % 100_000 === 3);
      if (duplicates.length > 0) await writer.create('sale.order', duplicates.map(order));
      saleOrders += ids.length + duplicates.length;
    }
    // Made by hand for a platform customer, no platform order: no_platform_origin.
    await writer.create(
      'sale.order',
      Array.from({ length: HAND_MADE }, (_, k) => ({
        partner_id: customers[k],
        client_order_ref: `PHONE-${k}`,
      })),
    );
    saleOrders += HAND_MADE;
    console.log(
      `seeded ${ORDERS.toLocaleString('en')} order states in PostgreSQL and ${saleOrders.toLocaleString('en')} sale orders ` +
        `in the Odoo simulator in ${secs(performance.now() - seedStart)}`,
    );

    const reader = new OdooSaleOrdersReader(
      createOdooClient({
        url: sim.url,
        db: sim.db,
        apiKey: sim.apiKeys.readOnly,
        apiFlavor: 'json2',
        maxConcurrentRequests: CONCURRENCY,
      }),
    );
    const views = new PostgresOrderViews(ds);
    const queryOf = (
      orders: readonly PlatformOrder[],
      batchSize: number,
      concurrency: number,
    ): SaleOrderQuery => ({
      externalIds: orders.flatMap((o) => (o.odooExternalId === null ? [] : [o.odooExternalId])),
      refsByCustomer: refsByCustomer(orders),
      writtenFrom: WINDOW.start,
      writtenTo: WINDOW.end,
      customerIds: customers,
      batchSize,
      concurrency,
    });

    const profile = process.env.TW_BENCH_CPU_PROFILE;
    const inspector = profile === undefined ? undefined : new Session();
    if (inspector) {
      inspector.connect();
      await inspector.post('Profiler.enable');
      await inspector.post('Profiler.start');
    }
    global.gc?.();
    const before = process.memoryUsage();
    peakHeap = before.heapUsed;
    const cpu0 = process.cpuUsage();
    const simCpu0 = sim.cpuSeconds();
    const t0 = performance.now();
    const orders = await views.receivedIn(WINDOW.start, WINDOW.end);
    const t1 = performance.now();
    const odoo = await reader.read(queryOf(orders, BATCH, CONCURRENCY));
    const t2 = performance.now();
    const report = reconcileWindow({ orders, odoo, now: WINDOW.end + 7_200_000, policy: POLICY });
    const t3 = performance.now();
    const cpu = process.cpuUsage(cpu0);
    const simCpu = sim.cpuSeconds() - simCpu0;
    const usage = process.resourceUsage();
    if (inspector && profile !== undefined) {
      const { profile: taken } = await inspector.post('Profiler.stop');
      writeFileSync(profile, JSON.stringify(taken));
      inspector.disconnect();
    }
    const counts = new Map<string, number>();
    for (const d of report.discrepancies) counts.set(d.class, (counts.get(d.class) ?? 0) + 1);
    console.log(
      `reconciled ${orders.length.toLocaleString('en')} orders of ${PARTNERS} partners against the simulator in ${secs(t3 - t0)} ` +
        `(${rate(orders.length, t3 - t0)} end to end): ${report.verdict}, ${[...counts].map(([c, n]) => `${n} ${c}`).join(', ')}; ` +
        `checksum ${report.checksum.slice(0, 12)}`,
    );
    console.log(
      `  view read from PostgreSQL ${secs(t1 - t0)} (${rate(orders.length, t1 - t0)}); Odoo read over JSON-2 ${secs(t2 - t1)} ` +
        `(${odoo.length.toLocaleString('en')} sale orders, ${rate(odoo.length, t2 - t1)}, batches of ${BATCH}, ${CONCURRENCY} in flight); ` +
        `comparison and proof ${secs(t3 - t2)}`,
    );
    // On a shared machine wall time includes waiting for a core: the process's own CPU time says what it cost.
    console.log(
      `  CPU: the reconciler ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s ` +
        `(user ${(cpu.user / 1e6).toFixed(1)} s, system ${(cpu.system / 1e6).toFixed(1)} s), ` +
        `the simulator answering it ${simCpu.toFixed(1)} s (Odoo's own server's share; 2 cores shared with other sessions)`,
    );
    console.log(
      `  memory of the reconciler: peak RSS ${mb(usage.maxRSS * 1024)}, peak heap ${mb(peakHeap)}, ` +
        `heap before the run ${mb(before.heapUsed)}; the simulator's peak RSS ${mb(sim.peakRss())}`,
    );

    // The ratio, in this process on the same data: the keyed reads (external ids, then each sale order and
    // its lines by id) one request at a time in batches of 500, as the previous reader sent them, against
    // this run's settings, on a slice of the window.
    const slice = orders.slice(0, BASELINE_SLICE);
    const sliceQuery = (batchSize: number, concurrency: number) => ({
      ...queryOf(slice, batchSize, concurrency),
      refsByCustomer: new Map(),
      customerIds: [],
    });
    const b0 = performance.now();
    const previous = await reader.read(sliceQuery(500, 1));
    const b1 = performance.now();
    const current = await reader.read(sliceQuery(BATCH, CONCURRENCY));
    const b2 = performance.now();
    console.log(
      `  Odoo read of ${slice.length.toLocaleString('en')} orders by external id: one at a time, batches of 500: ` +
        `${secs(b1 - b0)} (${rate(previous.length, b1 - b0)}); ${CONCURRENCY} in flight, batches of ${BATCH}: ${secs(b2 - b1)} ` +
        `(${rate(current.length, b2 - b1)}); ratio ${((b1 - b0) / (b2 - b1)).toFixed(2)}`,
    );
  } finally {
    await ds.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await ds.destroy();
    await sim.stop();
  }
  clearInterval(sampler);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
