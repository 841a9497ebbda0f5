// Issue 13's figure: one window of 1,000,000 order states reconciled. The reconciler's view is seeded in
// PostgreSQL (as orders.state would have left it: one row per order, its lines as jsonb), Odoo's side is
// the seeded result of the batched read (the sale orders as OdooSaleOrdersReader returns them, with a
// little drift: missing, changed, duplicated, made by hand); the timed part is what a run does after
// Odoo answered: the window read from PostgreSQL, the comparison, the proof. A second, smaller run goes
// through the Odoo simulator's JSON-2 API to show what the batched Odoo read costs per order.
// Prints time and memory; asserts nothing about time.
// Usage: ./tradewind bench reconciler [orders=1000000] [through-odoo=5000]
import { performance } from 'node:perf_hooks';

import { OrderStatus } from '@tradewind/contracts';
import { createOdooClient } from '@tradewind/odoo-client';
import { startOdooSimulator } from '@tradewind/odoo-simulator';
import { createDataSource } from '@tradewind/persistence';
import { testStack, uniqueName } from '@tradewind/testing';

import { OdooSaleOrdersReader } from '../odoo/odoo-sale-orders.reader';
import { type OdooSaleOrder, reconcileWindow } from '../reconciliation/reconciliation';
import { CreateRedrives1796300000000 } from '../redrive/redrive.migration';
import { CreateGatewayLeg1796300000002 } from '../views/gateway-leg.migration';
import { PostgresOrderViews } from '../views/order-views.repository';
import { AddOrderViewsCustomer1796300000001 } from '../views/order-views-customer.migration';
import { CreateReconcilerViews1796125653527 } from '../views/reconciler-views.migration';

const ORDERS = Number(process.argv[2] ?? 1_000_000);
const THROUGH_ODOO = Number(process.argv[3] ?? 5_000);
const PARTNERS = 20;
const WINDOW = { start: Date.UTC(2026, 11, 1, 10), end: Date.UTC(2026, 11, 1, 11) };
const POLICY = { stuckAfterMs: 1_800_000, acknowledgeWithinMs: 3_600_000 };
const LINES = [
  { sku: 'SKU-1001', quantity: 100, unitPrice: 0.45 },
  { sku: 'SKU-1002', quantity: 50, unitPrice: 0.12 },
];

const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;
let peakHeap = 0;
const sampler = setInterval(() => {
  peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
}, 50);

async function main(): Promise<void> {
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
    // Server-side: the view as the orders.state consumer leaves it, PARTNERS partners, one window.
    await ds.query(
      `INSERT INTO order_views (order_id, partner_id, po_number, status, version, odoo_external_id,
         odoo_partner_id, rejected, lines, state_updated_at, received_at, customer_ref)
       SELECT 'bench-' || (i % $2) || '/PO-' || i, 'bench-' || (i % $2), 'PO-' || i, $3, 5,
              'tradewind.so_bench-' || (i % $2) || '_PO-' || i, 1000 + (i % $2), false, $4::jsonb,
              to_timestamp(($5::bigint + (i % 3000000)) / 1000.0),
              to_timestamp(($5::bigint + (i % 3000000)) / 1000.0), NULL
         FROM generate_series(1, $1) AS i`,
      [ORDERS, PARTNERS, OrderStatus.Acknowledged, JSON.stringify(LINES), WINDOW.start],
    );
    await ds.query('ANALYZE order_views');
    // Odoo's side, as the batched read returns it: one sale order per platform order, with drift.
    const odoo: OdooSaleOrder[] = [];
    for (let i = 1; i <= ORDERS; i++) {
      if (i % 10_000 === 1) continue; // deleted in Odoo: missing_in_odoo
      const partner = i % PARTNERS;
      const quantity = i % 10_000 === 2 ? 99 : 100; // a changed quantity: fields_differ
      const lines = [
        { sku: 'SKU-1001', quantity, priceUnit: 0.45 },
        { sku: 'SKU-1002', quantity: 50, priceUnit: 0.12 },
      ];
      const record: OdooSaleOrder = {
        id: i,
        name: `S${i}`,
        externalId: `tradewind.so_bench-${partner}_PO-${i}`,
        clientOrderRef: `PO-${i}`,
        partnerId: 1000 + partner,
        state: 'sale',
        amountUntaxed: Math.round((quantity * 0.45 + 50 * 0.12) * 100) / 100,
        lines,
      };
      odoo.push(record);
      // A duplicate made by hand (same PO and customer, no external id): duplicated_in_odoo.
      if (i % 100_000 === 3)
        odoo.push({ ...record, id: ORDERS + i, name: `S${ORDERS + i}`, externalId: null });
    }
    console.log(
      `seeded ${ORDERS.toLocaleString('en')} order states in PostgreSQL and ${odoo.length.toLocaleString('en')} sale orders read from Odoo in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`,
    );

    global.gc?.();
    const before = process.memoryUsage();
    peakHeap = before.heapUsed;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const orders = await new PostgresOrderViews(ds).receivedIn(WINDOW.start, WINDOW.end);
    const t1 = performance.now();
    const report = reconcileWindow({ orders, odoo, now: WINDOW.end + 7_200_000, policy: POLICY });
    const t2 = performance.now();
    const cpu = process.cpuUsage(cpu0);
    const counts = new Map<string, number>();
    for (const d of report.discrepancies) counts.set(d.class, (counts.get(d.class) ?? 0) + 1);
    console.log(
      `reconciled ${orders.length.toLocaleString('en')} orders of ${PARTNERS} partners in ${((t2 - t0) / 1000).toFixed(1)} s ` +
        `(view read from PostgreSQL ${((t1 - t0) / 1000).toFixed(1)} s, comparison and proof ${((t2 - t1) / 1000).toFixed(1)} s): ` +
        `${report.verdict}, ${[...counts].map(([c, n]) => `${n} ${c}`).join(', ')}; checksum ${report.checksum.slice(0, 12)}`,
    );
    // On a shared machine wall time includes waiting for a core: the process's own CPU time says what it cost.
    console.log(
      `CPU time of this process for the run: ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s (user ${(cpu.user / 1e6).toFixed(1)} s, system ${(cpu.system / 1e6).toFixed(1)} s)`,
    );
    const usage = process.resourceUsage();
    console.log(
      `memory: peak RSS ${mb(usage.maxRSS * 1024)}, peak heap ${mb(peakHeap)} (heap before the run ${mb(before.heapUsed)}, with the seeded Odoo read)`,
    );
  } finally {
    await ds.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await ds.destroy();
  }

  if (THROUGH_ODOO > 0) await throughOdoo(THROUGH_ODOO);
  clearInterval(sampler);
}

/** The batched read itself, against the simulator over JSON-2: what one order's Odoo side costs. */
async function throughOdoo(count: number): Promise<void> {
  const sim = await startOdooSimulator({ seed: false });
  try {
    const client = createOdooClient({
      url: sim.url,
      db: sim.db,
      apiKey: sim.apiKeys.write,
      apiFlavor: 'json2',
    });
    const [partnerId] = await client.create('res.partner', [{ name: 'Bench customer' }]);
    const [productId] = await client.create('product.product', [{ name: 'Bench', default_code: 'SKU-1001' }]);
    const xids: string[] = [];
    for (let i = 0; i < count; i += 500) {
      const batch = Array.from({ length: Math.min(500, count - i) }, (_, k) => i + k);
      const ids = await client.create(
        'sale.order',
        batch.map((n) => ({
          partner_id: partnerId,
          client_order_ref: `PO-${n}`,
          order_line: [[0, 0, { product_id: productId, product_uom_qty: 100, price_unit: 0.45 }]],
        })),
      );
      await client.create(
        'ir.model.data',
        ids.map((id, k) => ({
          module: 'tradewind',
          name: `so_bench_${batch[k]}`,
          model: 'sale.order',
          res_id: id,
        })),
      );
      xids.push(...batch.map((n) => `tradewind.so_bench_${n}`));
    }
    const reader = new OdooSaleOrdersReader(
      createOdooClient({ url: sim.url, db: sim.db, apiKey: sim.apiKeys.readOnly, apiFlavor: 'json2' }),
    );
    const t0 = performance.now();
    const read = await reader.read({
      externalIds: xids,
      clientOrderRefs: xids.map((_, n) => `PO-${n}`),
      writtenFrom: Date.now() - 3_600_000,
      writtenTo: Date.now() + 3_600_000,
      customerIds: [partnerId],
      batchSize: 500,
    });
    const seconds = (performance.now() - t0) / 1000;
    console.log(
      `through the Odoo simulator (JSON-2, batches of 500): ${read.length.toLocaleString('en')} sale orders read in ${seconds.toFixed(1)} s, ` +
        `${Math.round(read.length / seconds).toLocaleString('en')} orders/s`,
    );
  } finally {
    await sim.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
