// Ingress gateway throughput and latency: signed single-order JSON POSTs at a fixed concurrency against
// the gateway (a child process on loopback, real Kafka, registry and PostgreSQL), and raw kafkajs
// producing the same Avro ingress.documents records at the same concurrency in the same run.
// Usage: ./tradewind bench gateway [requests=3000] [concurrency=32] [maxSeconds=60]
import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { SchemaType } from '@kafkajs/confluent-schema-registry';
import { type IngressDocument, TOPIC_CATALOG, TOPICS } from '@tradewind/contracts';
import { AvroSerde } from '@tradewind/messaging';
import { type PartnerCredentials, sha256Hex, signedHeaders } from '@tradewind/partner-auth';
import { acmeJsonOrder } from '@tradewind/partner-testing';
import { testStack, uniqueName } from '@tradewind/testing';
import avro from 'avsc';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { Pool } from 'pg';

const REQUESTS = Number(process.argv[2] ?? 3_000);
const CONCURRENCY = Number(process.argv[3] ?? 32);
const MAX_SECONDS = Number(process.argv[4] ?? 60);
const WARM_UP = 200;
const ROOT = join(__dirname, '../..');
const stack = testStack();
const BENCH_KEY: PartnerCredentials = {
  keyId: 'acme-portal-2026-06',
  apiKey: 'bench-acme-portal-key-0123456789abcdef',
  signingSecret: 'bench-acme-portal-signing-secret-0123456789',
};

interface Run {
  label: string;
  ok: number;
  failed: number;
  elapsedMs: number;
  latenciesMs: number[];
}

/** `count` operations, `concurrency` in flight, stopping early at `maxMs`. */
async function drive(
  label: string,
  count: number,
  concurrency: number,
  maxMs: number,
  op: (i: number) => Promise<boolean>,
): Promise<Run> {
  const latenciesMs: number[] = [];
  let next = 0;
  let ok = 0;
  let failed = 0;
  const started = performance.now();
  const deadline = started + maxMs;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count && performance.now() < deadline) {
        const i = next++;
        const t0 = performance.now();
        const success = await op(i).catch(() => false);
        latenciesMs.push(performance.now() - t0);
        if (success) ok++;
        else failed++;
      }
    }),
  );
  return { label, ok, failed, elapsedMs: performance.now() - started, latenciesMs };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/** A copy of the repository catalog where the bench partner may send as fast as it can. */
function benchCatalog(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tw-bench-catalog-'));
  cpSync(join(ROOT, 'config/partners'), dir, { recursive: true });
  const file = join(dir, 'catalog.yaml');
  const text = readFileSync(file, 'utf8');
  const limited = text.replace(
    'rateLimit: { requestsPerSecond: 10, burst: 20 }',
    'rateLimit: { requestsPerSecond: 1000000, burst: 1000000 }',
  );
  if (limited === text)
    throw new Error("acme-portal's rate limit is not where the bench expects it in catalog.yaml");
  writeFileSync(file, limited);
  return dir;
}

/** The bench key's signing secret where the catalog's `file:` reference points, under a new secrets root. */
function benchSecretsRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'tw-bench-secrets-'));
  const path = join(root, 'run/secrets/partners/acme-portal-2026-06.signing');
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, BENCH_KEY.signingSecret);
  return root;
}

/** CPU time (user + system) of a process so far, from /proc; NaN where there is no /proc. */
function processCpuMs(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    // utime and stime are fields 14 and 15 of stat, in clock ticks (100 per second on Linux).
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return NaN;
  }
}

/** One signed POST of a JSON order over a keep-alive connection; resolves with the status. */
function post(base: string, agent: Agent, body: string): Promise<number> {
  const path = '/v1/documents/sales-order';
  const headers = {
    ...signedHeaders(BENCH_KEY, { method: 'POST', path, body }),
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(body)),
  };
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { method: 'POST', agent, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A free loopback port (the gateway logs at `warn` during the bench, so it cannot tell us its own). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Starts services/ingress-gateway as a child process. */
function startGateway(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['-r', '@swc-node/register', 'services/ingress-gateway/src/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}

async function waitReady(url: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 240; i++) {
    if (child.exitCode !== null) throw new Error(`the gateway exited with ${child.exitCode}`);
    if ((await fetch(`${url}/health/ready`).catch(() => undefined))?.ok) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error('the gateway did not become ready within 120 s');
}

async function main(): Promise<void> {
  const run = Date.now().toString(36).toUpperCase();
  const schema = uniqueName('gw_bench');
  const serviceName = uniqueName('ingress-gateway-bench');
  const catalogDir = benchCatalog();
  const secretsRoot = benchSecretsRoot();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = startGateway({
    HTTP_PORT: String(port),
    HTTP_HOST: '127.0.0.1',
    KAFKA_BROKERS: stack.kafkaBrokers.join(','),
    SCHEMA_REGISTRY_URL: stack.registryUrl,
    DATABASE_URL: stack.databaseUrl,
    DATABASE_SCHEMA: schema,
    DATABASE_POOL_SIZE: '16',
    SERVICE_NAME: serviceName,
    LOG_LEVEL: 'warn',
    PARTNER_CATALOG_DIR: catalogDir,
    GATEWAY_SECRETS_ROOT: secretsRoot,
    TW_PARTNER_ACME_PORTAL_KEY_2026_06: sha256Hex(BENCH_KEY.apiKey),
  });
  const kafka = new Kafka({
    brokers: stack.kafkaBrokers,
    clientId: 'bench-gateway',
    logLevel: logLevel.ERROR,
  });
  const rawTopic = uniqueName('bench.gateway.raw');
  try {
    await waitReady(url, child);
    // Documents are built before the clock starts; each request is signed when sent, as a partner does.
    const documents = Array.from(
      { length: REQUESTS + WARM_UP },
      (_, i) => acmeJsonOrder(`BENCH-${run}-${i}`).body,
    );
    const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    const submit = (i: number): Promise<boolean> =>
      post(url, agent, documents[i]).then((status) => status === 202);

    await drive('warm-up', WARM_UP, CONCURRENCY, MAX_SECONDS * 1000, (i) => submit(REQUESTS + i));
    const cpuBefore = processCpuMs(child.pid);
    const gateway = await drive(
      'gateway: signed JSON POST → 202',
      REQUESTS,
      CONCURRENCY,
      MAX_SECONDS * 1000,
      submit,
    );
    const gatewayCpuMs = processCpuMs(child.pid) - cpuBefore;
    agent.destroy();

    // Raw kafkajs: the same Avro record the gateway publishes, one awaited acks=all send per order.
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      waitForLeaders: true,
      topics: [{ topic: rawTopic, numPartitions: TOPIC_CATALOG[TOPICS.ingressDocuments].partitions }],
    });
    await admin.disconnect();
    const serde = new AvroSerde({ registryUrl: stack.registryUrl });
    const valueSchema = TOPIC_CATALOG[TOPICS.ingressDocuments].valueSchema;
    const { id } = await serde.registry.register(
      { type: SchemaType.AVRO, schema: JSON.stringify(valueSchema) },
      { subject: `${rawTopic}-value` },
    );
    const type = avro.Type.forSchema(valueSchema);
    const producer = kafka.producer({
      createPartitioner: Partitioners.DefaultPartitioner,
      allowAutoTopicCreation: false,
    });
    await producer.connect();
    const record = (i: number): IngressDocument => {
      const payload = Buffer.from(acmeJsonOrder(`BENCH-RAW-${run}-${i}`).body);
      return {
        documentId: crypto.randomUUID(),
        batchId: crypto.randomUUID(),
        batchIndex: 0,
        batchSize: 1,
        partnerId: 'acme-portal',
        principal: 'acme-portal-2026-06',
        documentType: 'sales-order',
        format: 'json',
        contentType: 'application/json',
        businessRef: `BENCH-RAW-${run}-${i}`,
        interchangeRef: null,
        idempotencyKey: null,
        apiVersion: 'v1',
        receivedAt: Date.now(),
        sha256: sha256Hex(payload),
        sizeBytes: payload.length,
        payload,
        claimCheckUri: null,
        correction: null,
      };
    };
    const produce = async (i: number): Promise<boolean> => {
      const value = record(i);
      const body = type.toBuffer(value);
      const encoded = Buffer.alloc(5 + body.length);
      encoded.writeUInt8(0, 0);
      encoded.writeInt32BE(id, 1);
      body.copy(encoded, 5);
      await producer.send({
        topic: rawTopic,
        acks: -1,
        messages: [{ key: `acme-portal/sales-order/${value.businessRef}`, value: encoded }],
      });
      return true;
    };
    await drive('warm-up', WARM_UP, CONCURRENCY, MAX_SECONDS * 1000, (i) => produce(1_000_000 + i));
    const raw = await drive(
      'raw kafkajs: same Avro record, acks=all',
      REQUESTS,
      CONCURRENCY,
      MAX_SECONDS * 1000,
      produce,
    );
    await producer.disconnect();

    const rate = (r: Run): number => (r.ok * 1000) / r.elapsedMs;
    const rows = [gateway, raw].map((r) => [
      r.label,
      String(r.ok),
      String(r.failed),
      rate(r).toFixed(0),
      percentile(r.latenciesMs, 50).toFixed(1),
      percentile(r.latenciesMs, 99).toFixed(1),
    ]);
    const header = ['path', 'accepted', 'failed', 'per second', 'p50 ms', 'p99 ms'];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
    const line = (cells: string[]): string =>
      `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
    console.log(
      `\ningress gateway, ${REQUESTS} single-order JSON documents, ${CONCURRENCY} in flight, loopback, ` +
        `${TOPIC_CATALOG[TOPICS.ingressDocuments].partitions} partitions`,
    );
    console.log(line(header));
    console.log(line(widths.map((w) => '-'.repeat(w))));
    rows.forEach((row) => console.log(line(row)));
    console.log(
      `ratio gateway / raw kafkajs (accepted per second): ${(rate(gateway) / rate(raw)).toFixed(2)}`,
    );
    if (Number.isFinite(gatewayCpuMs)) {
      console.log(
        `gateway process CPU: ${(gatewayCpuMs / Math.max(1, gateway.ok + gateway.failed)).toFixed(2)} ms per request ` +
          `(${((100 * gatewayCpuMs) / gateway.elapsedMs).toFixed(0)}% of one core; this machine has ${cpus().length})`,
      );
    }
  } finally {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    const admin = kafka.admin();
    await admin.connect();
    const leftovers = (await admin.listTopics()).filter((t) => t === rawTopic || t.includes(serviceName));
    if (leftovers.length > 0) await admin.deleteTopics({ topics: leftovers });
    const groups = (await admin.listGroups()).groups
      .map((g) => g.groupId)
      .filter((g) => g.startsWith(serviceName));
    await admin.deleteGroups(groups).catch(() => undefined);
    await admin.disconnect();
    const pool = new Pool({ connectionString: stack.databaseUrl });
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
    rmSync(catalogDir, { recursive: true, force: true });
    rmSync(secretsRoot, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
