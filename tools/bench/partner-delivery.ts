// Deliveries per second through partner-delivery to a local webhook receiver, and the latency from a
// document's publication on partners.outbound to its arrival at the partner (p50/p99). partner-delivery
// runs as a real process (main.ts) on the real Kafka, registry and PostgreSQL, with the real catalog: the
// acme-portal endpoint (concurrency 4, as configured) is pointed at the receiver by
// DELIVERY_ENDPOINT_OVERRIDES, and only this run's documents are counted. Prints figures; asserts nothing.
// Usage: ./tradewind bench partner-delivery [documents=2000] [orderingKeys=200] [rate=0]
// rate 0 publishes everything at once (throughput; latency is then the backlog's); rate N publishes N
// documents a second (latency of a steady flow).
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  DocumentFormat,
  type OutboundDocument,
  TOPIC_CATALOG,
  TOPICS,
  type TopicValueMap,
} from '@tradewind/contracts';
import { AvroSerde, createKafka, HEADER, topicSchemasFrom, TypedProducer } from '@tradewind/messaging';
import { startWebhookReceiver } from '@tradewind/partner-testing';
import { expectEventually, freePort, newGroupsStartNow, testStack, uniqueName } from '@tradewind/testing';
import { Pool } from 'pg';

const DOCUMENTS = Number(process.argv[2] ?? 2_000);
const KEYS = Number(process.argv[3] ?? 200);
const RATE = Number(process.argv[4] ?? 0);
const ROOT = join(__dirname, '../..');
const SIGNING_KEY_ID = 'tradewind-acme-portal-2026-12'; // config/partners/delivery.yaml
const SECRET = 'bench-acme-portal-delivery-signing-secret-0123456789';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main(): Promise<void> {
  const stack = testStack();
  const receiver = await startWebhookReceiver({ signer: { keyId: SIGNING_KEY_ID, signingSecret: SECRET } });
  const secrets = mkdtempSync(join(tmpdir(), 'tw-bench-delivery-'));
  mkdirSync(join(secrets, 'run/secrets/delivery'), { recursive: true });
  writeFileSync(join(secrets, 'run/secrets/delivery/acme-portal.signing'), SECRET);
  const serviceName = uniqueName('partner-delivery-bench');
  const schema = uniqueName('partner_delivery_bench');
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ['-r', '@swc-node/register', 'services/partner-delivery/src/main.ts'],
    {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: {
        ...process.env,
        SERVICE_NAME: serviceName,
        KAFKA_BROKERS: stack.kafkaBrokers.join(','),
        KAFKA_NEW_GROUP_START_AT: newGroupsStartNow(),
        SCHEMA_REGISTRY_URL: stack.registryUrl,
        DATABASE_URL: stack.databaseUrl,
        DATABASE_SCHEMA: schema,
        HTTP_PORT: String(port),
        LOG_LEVEL: 'fatal',
        PARTNER_CATALOG_DIR: join(ROOT, 'config/partners'),
        DELIVERY_SECRETS_ROOT: secrets,
        DELIVERY_ENDPOINT_OVERRIDES: JSON.stringify({ 'acme-portal/erp-hooks': { url: receiver.url } }),
      },
    },
  );
  const kafka = createKafka({ brokers: stack.kafkaBrokers, clientId: serviceName });
  const producer = new TypedProducer<TopicValueMap>({
    kafka,
    serde: new AvroSerde({ registryUrl: stack.registryUrl }),
    schemas: topicSchemasFrom(TOPIC_CATALOG),
    sourceSystem: 'bench',
  });
  try {
    await expectEventually(async () => assert200(await fetch(`http://127.0.0.1:${port}/health/ready`)), {
      timeoutMs: 60_000,
      intervalMs: 250,
      description: 'partner-delivery ready',
    });
    // The consumer group joins after readiness: let it settle before the clock starts.
    await new Promise((r) => setTimeout(r, 12_000));
    await producer.connect();
    const run = randomUUID().slice(0, 8);
    const docs: OutboundDocument[] = Array.from({ length: DOCUMENTS }, (_, i) => ({
      outboundId: `bench-${run}-${i}`,
      partnerId: 'acme-portal',
      documentType: 'order-ack',
      format: DocumentFormat.Json,
      contentType: 'application/json',
      relatesTo: [randomUUID()],
      payload: Buffer.from(JSON.stringify({ orderAck: i, lines: [{ sku: 'SKU-1001', quantity: 12 }] })),
      createdAt: 0,
      orderingKey: `order-${i % KEYS}`,
    }));
    const ours = (id: string) => id.startsWith(`bench-${run}-`);
    const started = Date.now();
    const step = RATE > 0 ? 1 : 100;
    for (let i = 0; i < docs.length; i += step) {
      const batch = docs.slice(i, i + step).map((d) => ({ ...d, createdAt: Date.now() }));
      for (const d of batch) docs[Number(d.outboundId.split('-').pop())] = d;
      await producer.send(
        TOPICS.partnersOutbound,
        batch.map((value) => ({
          key: value.partnerId,
          value,
          headers: { [HEADER.messageId]: randomUUID() },
        })),
      );
      if (RATE > 0)
        await new Promise((r) => setTimeout(r, Math.max(0, started + ((i + 1) * 1000) / RATE - Date.now())));
    }
    await expectEventually(
      () => {
        const n = receiver.received.filter((r) => ours(r.deliveryId)).length;
        if (n < DOCUMENTS) throw new Error(`${n}/${DOCUMENTS}`);
      },
      { timeoutMs: 600_000, intervalMs: 200, description: 'every document delivered' },
    );
    const received = receiver.received.filter((r) => ours(r.deliveryId));
    const createdAt = new Map(docs.map((d) => [d.outboundId, d.createdAt]));
    const latencies = received.map((r) => r.receivedAt - createdAt.get(r.deliveryId)!).sort((a, b) => a - b);
    const elapsed = (Math.max(...received.map((r) => r.receivedAt)) - started) / 1000;
    console.log(
      `partner-delivery: ${DOCUMENTS} documents, ${KEYS} ordering keys, one webhook endpoint (concurrency 4), ${RATE > 0 ? `${RATE}/s` : 'all at once'}`,
    );
    console.log(
      `  deliveries/s       ${(DOCUMENTS / elapsed).toFixed(0)}  (${elapsed.toFixed(1)} s, publish to last arrival)`,
    );
    console.log(
      `  latency p50        ${percentile(latencies, 50)} ms  (partners.outbound createdAt → the partner's receiver)`,
    );
    console.log(`  latency p99        ${percentile(latencies, 99)} ms`);
    console.log(`  latency max        ${latencies[latencies.length - 1]} ms`);
    console.log(
      `  resends            ${receiver.duplicates} (kept once by Idempotency-Key); bad signatures ${receiver.badSignatures}`,
    );
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    await producer.disconnect().catch(() => undefined);
    await receiver.close();
    const pool = new Pool({ connectionString: stack.databaseUrl });
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteGroups([`${serviceName}.${TOPICS.partnersOutbound}`]).catch(() => undefined);
    await admin.disconnect();
    rmSync(secrets, { recursive: true, force: true });
  }
}

function assert200(response: Response): void {
  if (response.status !== 200) throw new Error(`ready answered ${response.status}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
