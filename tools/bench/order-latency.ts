// End-to-end latency: from the gateway's 202 to the sale order confirmed in Odoo, at a steady offered
// load, with the Odoo simulator at 20 ms per call. Real processes (gateway, order-intake, odoo-writer),
// real Kafka, registry and PostgreSQL. Usage: ./tradewind bench order-latency [ordersPerSecond=5] [seconds=40]
import { setTimeout as sleep } from 'node:timers/promises';

import { acmeJsonOrder, PartnerClient } from '@tradewind/partner-testing';

import { E2E_PARTNER_KEYS, odooSearchRead, startPlatform } from '../e2e/platform';

const RATE = Number(process.argv[2] ?? 5);
const SECONDS = Number(process.argv[3] ?? 40);

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

async function main(): Promise<void> {
  const platform = await startPlatform({ odooLatencyMs: 20, without: ['inventory-sync', 'reconciler'] });
  const client = new PartnerClient(platform.gatewayUrl, E2E_PARTNER_KEYS);
  const accepted = new Map<string, number>(); // PO → time of the 202
  const confirmed = new Map<string, number>();
  const tag = platform.run.slice(-6).toUpperCase();
  let polling = true;
  let lastSent = performance.now();

  // Watch Odoo every 50 ms for orders that turned into confirmed sale orders.
  const watcher = (async () => {
    while (polling || confirmed.size < accepted.size) {
      const pending = [...accepted.keys()].filter((po) => !confirmed.has(po));
      if (pending.length > 0) {
        const rows = await odooSearchRead<{ client_order_ref: string }>(
          platform,
          'sale.order',
          [
            ['client_order_ref', 'in', pending],
            ['state', '=', 'sale'],
          ],
          ['client_order_ref'],
        );
        const now = performance.now();
        for (const row of rows)
          if (!confirmed.has(row.client_order_ref)) confirmed.set(row.client_order_ref, now);
      }
      if (!polling && performance.now() - lastSent > 60_000) break;
      await sleep(50);
    }
  })();

  try {
    const total = RATE * SECONDS;
    const start = performance.now();
    for (let i = 0; i < total; i++) {
      const due = start + (i * 1000) / RATE;
      if (due > performance.now()) await sleep(due - performance.now());
      const po = `LAT-${tag}-${i}`;
      void client.submit(acmeJsonOrder(po)).then((result) => {
        if (result.status === 202) accepted.set(po, performance.now());
      });
      lastSent = performance.now();
    }
    await sleep(1_000);
    polling = false;
    await watcher;
    const latencies = [...confirmed].map(([po, at]) => at - accepted.get(po)!).sort((a, b) => a - b);
    console.log(`\norder latency, gateway 202 → sale order confirmed in Odoo (simulator 20 ms per call)`);
    console.log(
      `offered load ${RATE} orders/s for ${SECONDS} s: ${accepted.size} accepted, ${confirmed.size} confirmed`,
    );
    console.log(
      `p50 ${percentile(latencies, 50).toFixed(0)} ms   p90 ${percentile(latencies, 90).toFixed(0)} ms   ` +
        `p99 ${percentile(latencies, 99).toFixed(0)} ms   max ${latencies.at(-1)?.toFixed(0)} ms ` +
        `(poll interval 50 ms included)`,
    );
  } finally {
    await platform.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
