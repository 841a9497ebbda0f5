// Reservations per second against the real PostgreSQL through @tradewind/inventory-store (issue 9's
// figures): every request on one hot SKU (one row lock serializes them), then spread over 10,000 SKUs.
// Each reservation is one transaction as inventory-sync's consumer runs it (order row, stock rows,
// line insert, reply). Prints figures; asserts nothing about time.
// Usage: ./tradewind bench inventory-reservations [requests=3000] [concurrency=16] [skus=10000]
import { availableParallelism } from 'node:os';

import { type ReservationRequest, ShortagePolicy, StockEventKind } from '@tradewind/contracts';
import { inventoryMigrations, ReservationStore, StockLedgerStore } from '@tradewind/inventory-store';
import { createDataSource, withTransaction } from '@tradewind/persistence';
import { testStack, uniqueName } from '@tradewind/testing';
import type { DataSource } from 'typeorm';

const REQUESTS = Number(process.argv[2] ?? 3_000);
const CONCURRENCY = Number(process.argv[3] ?? 16);
const SKUS = Number(process.argv[4] ?? 10_000);

const reservations = new ReservationStore();
const ledger = new StockLedgerStore();

function request(orderId: string, sku: string): ReservationRequest {
  return {
    requestId: `${orderId}/${sku}`,
    orderId,
    partnerId: 'bench',
    sku,
    orderLineCount: 1,
    lines: [{ lineNo: 1, quantity: 1 }],
    shortagePolicy: ShortagePolicy.Reject,
    holdExpiresAt: null,
    requestedAt: Date.now(),
  };
}

async function seed(ds: DataSource, skus: string[], onHand: number): Promise<void> {
  // Through the ledger in chunks: the same rows the service would have.
  for (let i = 0; i < skus.length; i += 500) {
    await withTransaction(ds, async (m) => {
      for (const sku of skus.slice(i, i + 500)) {
        await ledger.apply(m, {
          eventId: `seed-${sku}`,
          kind: StockEventKind.Snapshot,
          sourcePartnerId: 'bench-wms',
          documentId: null,
          sku,
          warehouseId: 'WH1',
          onHand,
          eventTime: 1,
          sequence: null,
          receivedAt: Date.now(),
        });
      }
    });
  }
}

async function drive(label: string, ds: DataSource, skuOf: (i: number) => string): Promise<void> {
  const latencies: number[] = [];
  const outcomes = new Map<string, number>();
  let next = 0;
  const runId = uniqueName('o');
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < REQUESTS) {
        const i = next++;
        const t0 = performance.now();
        const { decided } = await withTransaction(
          ds,
          (m) => reservations.reserve(m, request(`${runId}-${i}`, skuOf(i))),
          { maxAttempts: 5 },
        );
        latencies.push(performance.now() - t0);
        for (const d of decided) outcomes.set(d.outcome, (outcomes.get(d.outcome) ?? 0) + 1);
      }
    }),
  );
  const elapsedS = (performance.now() - started) / 1_000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))].toFixed(1);
  console.log(
    `${label.padEnd(22)} ${String(REQUESTS).padStart(6)} reservations in ${elapsedS.toFixed(2)} s: ` +
      `${(REQUESTS / elapsedS).toFixed(0)}/s, p50 ${at(0.5)} ms, p99 ${at(0.99)} ms ` +
      `(${[...outcomes].map(([o, n]) => `${o} ${n}`).join(', ')})`,
  );
}

async function main(): Promise<void> {
  const schema = uniqueName('inventory_bench');
  const ds = await createDataSource({
    url: testStack().databaseUrl,
    schema,
    applicationName: 'inventory-bench',
    poolSize: CONCURRENCY,
    logging: false,
    migrations: inventoryMigrations,
  });
  try {
    console.log(
      `inventory reservations: ${REQUESTS} requests of 1 unit, concurrency ${CONCURRENCY}, ${availableParallelism()} cores`,
    );
    const hot = 'HOT-SKU';
    // Half the requests find stock: the figure covers both outcomes.
    await seed(ds, [hot], Math.floor(REQUESTS / 2));
    await drive('one hot SKU', ds, () => hot);
    const spread = Array.from({ length: SKUS }, (_, i) => `SKU-${i}`);
    await seed(ds, spread, 1_000);
    // A fixed stride visits the SKUs evenly without two neighbours sharing a row.
    await drive(`across ${SKUS} SKUs`, ds, (i) => spread[(i * 7_919) % SKUS]);
  } finally {
    await ds.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await ds.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
