// Latency from a WMS stock event to the channel's stock-feed record on partners.outbound (issue 9's
// figure): inventory-sync as its own process on the real Kafka, registry and PostgreSQL; the WMS's JSON
// stock events go onto ingress.documents as the gateway publishes them (a new count of one SKU each, at a
// steady rate); the clock stops when market-hub's JSON feed document carrying that SKU's new quantity is
// read from partners.outbound. The feed interval is the catalog's feedEverySeconds (set for every channel
// here, default 1 s: the catalog's minimum), so the figure is the interval's wait plus the pipeline
// (stock event, ledger, outbox relay, feed run, relay). Prints figures; asserts nothing about time.
// Usage: ./tradewind bench inventory-feed [eventsPerSecond=20] [seconds=30] [feedEverySeconds=1]
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import {
  DocumentFormat,
  type IngressDocument,
  type OutboundDocument,
  TOPIC_CATALOG,
  TOPICS,
  type TopicValueMap,
} from '@tradewind/contracts';
import { AvroSerde, createKafka, HEADER, topicSchemasFrom, TypedProducer } from '@tradewind/messaging';
import { expectEventually, testStack, uniqueName } from '@tradewind/testing';
import { Pool } from 'pg';

import { freePort } from '../e2e/platform';

const RATE = Number(process.argv[2] ?? 20);
const SECONDS = Number(process.argv[3] ?? 30);
const FEED_EVERY_S = Number(process.argv[4] ?? 1);
const CHANNEL = 'market-hub';
const root = join(__dirname, '../..');

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

function stockDocument(sku: string, onHand: number): IngressDocument {
  const payload = Buffer.from(
    JSON.stringify({
      events: [
        { eventId: randomUUID(), sku, warehouse: 'MAIN', onHand, eventTime: new Date().toISOString() },
      ],
    }),
  );
  return {
    documentId: randomUUID(),
    batchId: null,
    batchIndex: 0,
    batchSize: 1,
    partnerId: 'northwind-wms',
    principal: 'bench',
    documentType: 'stock-event',
    format: DocumentFormat.Json,
    contentType: 'application/json',
    businessRef: sku,
    interchangeRef: null,
    idempotencyKey: null,
    apiVersion: 'v1',
    receivedAt: Date.now(),
    sha256: 'not-checked-here',
    sizeBytes: payload.length,
    payload,
    claimCheckUri: null,
    correction: null,
  };
}

async function main(): Promise<void> {
  const stack = testStack();
  const run = uniqueName('feedbench');
  const schema = run.replaceAll('-', '_');
  // The shipped catalog with every channel's feed interval set to the bench's.
  const catalogDir = mkdtempSync(join(tmpdir(), 'tw-feed-bench-'));
  cpSync(join(root, 'config/partners'), catalogDir, { recursive: true });
  const catalogFile = join(catalogDir, 'catalog.yaml');
  writeFileSync(
    catalogFile,
    readFileSync(catalogFile, 'utf8').replace(/feedEverySeconds: \d+/g, `feedEverySeconds: ${FEED_EVERY_S}`),
  );
  const port = await freePort();
  const child: ChildProcess = spawn(
    process.execPath,
    ['-r', '@swc-node/register', 'services/inventory-sync/src/main.ts'],
    {
      cwd: root,
      env: {
        ...process.env,
        SERVICE_NAME: run,
        KAFKA_CLIENT_ID: run,
        KAFKA_BROKERS: stack.kafkaBrokers.join(','),
        SCHEMA_REGISTRY_URL: stack.registryUrl,
        DATABASE_URL: stack.databaseUrl,
        DATABASE_SCHEMA: schema,
        HTTP_PORT: String(port),
        LOG_LEVEL: 'warn',
        KAFKA_NEW_GROUP_START_AT: new Date(Date.now() - 1_000).toISOString(),
        PARTNER_CATALOG_DIR: catalogDir,
        INVENTORY_RECONCILE_EVERY: '0',
        INVENTORY_FEED_TICK: '100ms',
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  const kafka = createKafka({ brokers: stack.kafkaBrokers, clientId: `${run}-driver` });
  const serde = new AvroSerde({ registryUrl: stack.registryUrl });
  const producer = new TypedProducer<TopicValueMap>({
    kafka,
    serde,
    schemas: topicSchemasFrom(TOPIC_CATALOG),
    sourceSystem: 'bench',
  });
  const consumer = kafka.consumer({ groupId: `${run}-reader` });
  const sentAt = new Map<string, number>(); // `${sku}/${channel quantity}` → when the WMS event was sent
  const latencies: number[] = [];
  let documents = 0;
  try {
    await expectEventually(
      async () => {
        const response = await fetch(`http://127.0.0.1:${port}/health/ready`);
        if (!response.ok) throw new Error(`inventory-sync: ${response.status}`);
      },
      { timeoutMs: 180_000, intervalMs: 500, description: 'inventory-sync ready' },
    );
    await producer.connect();
    const admin = kafka.admin();
    await admin.connect();
    const ends = await admin.fetchTopicOffsets(TOPICS.partnersOutbound);
    await admin.disconnect();
    await consumer.connect();
    // The clock starts once the reader holds its partitions: nothing published before is missed.
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.subscribe({ topic: TOPICS.partnersOutbound, fromBeginning: false });
    await consumer.run({
      eachMessage: async ({ message }) => {
        if (message.key?.toString() !== CHANNEL || message.value === null) return;
        const at = performance.now();
        const { value } = await serde.decode<OutboundDocument>(message.value);
        if (value.format !== DocumentFormat.Json) return;
        const feed = JSON.parse(Buffer.from(value.payload).toString('utf8')) as {
          quantities: { sku: string; quantity: number }[];
        };
        let mine = false;
        for (const q of feed.quantities) {
          const sent = sentAt.get(`${q.sku}/${q.quantity}`);
          if (sent === undefined) continue;
          mine = true;
          latencies.push(at - sent);
          sentAt.delete(`${q.sku}/${q.quantity}`);
        }
        if (mine) documents++;
      },
    });
    for (const { partition, high } of ends)
      consumer.seek({ topic: TOPICS.partnersOutbound, partition, offset: high });
    await joined;
    await sleep(1_000);

    // market-hub: (onHand − 20) × 50 %, MAIN only (the catalog's rule); distinct counts give distinct quantities.
    const total = RATE * SECONDS;
    const skus = Array.from({ length: 50 }, (_, i) => `${run.toUpperCase()}-${i}`);
    const start = performance.now();
    for (let i = 0; i < total; i++) {
      const due = start + (i * 1000) / RATE;
      if (due > performance.now()) await sleep(due - performance.now());
      const sku = skus[i % skus.length];
      // Each count of a SKU 2 units above its last: a new channel quantity every time, under the rule's max.
      const onHand = 1_000 + 2 * Math.floor(i / skus.length);
      sentAt.set(`${sku}/${Math.floor((onHand - 20) / 2)}`, performance.now());
      void producer.send(TOPICS.ingressDocuments, [
        {
          key: `northwind-wms/${sku}`,
          value: stockDocument(sku, onHand),
          headers: { [HEADER.messageId]: randomUUID() },
        },
      ]);
    }
    const deadline = performance.now() + 30_000;
    while (latencies.length < total && performance.now() < deadline) await sleep(200);
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    const pool = new Pool({ connectionString: stack.databaseUrl });
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
    rmSync(catalogDir, { recursive: true, force: true });
  }
  latencies.sort((a, b) => a - b);
  const total = RATE * SECONDS;
  console.log(
    `inventory-feed: ${total} WMS stock events at ${RATE}/s over ${SECONDS}s, ${CHANNEL} fed every ${FEED_EVERY_S}s (INVENTORY_FEED_TICK 100ms)`,
  );
  console.log(
    `  WMS event on ingress.documents → ${CHANNEL}'s stock-feed record on partners.outbound: ` +
      `p50 ${percentile(latencies, 50).toFixed(0)} ms, p99 ${percentile(latencies, 99).toFixed(0)} ms, ` +
      `max ${(latencies.at(-1) ?? NaN).toFixed(0)} ms`,
  );
  console.log(
    `  ${latencies.length}/${total} events seen in ${documents} feed documents` +
      (latencies.length < total
        ? ` (${total - latencies.length} not seen: coalesced into a later count, or lost)`
        : ''),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
