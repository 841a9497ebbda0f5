// Ingress gateway throughput and latency: signed single-order JSON POSTs against one gateway process and
// then several (child processes on loopback sharing one PostgreSQL schema and one Redis for the rate limit,
// requests spread round-robin as a load balancer would), on real Kafka, registry and PostgreSQL; and raw
// kafkajs producing the same Avro ingress.documents records at the same concurrency in the same run.
// Each setup is measured twice: closed loop (`concurrency` in flight: the peak rate) and open loop at a
// fixed arrival rate of half that peak (latency measured from each request's scheduled time, so a stall
// counts against every request it delays).
// Usage: ./tradewind bench gateway [requests=3000] [concurrency=32] [maxSeconds=60] [processes=1,2]
// TW_BENCH_CPU_PROF=<dir>: the gateways run with --cpu-prof into <dir>, and the top self-time entries of
// each profile are printed at the end.
// TW_BENCH_BASELINE=<checkout>: one process of that checkout's gateway too (another worktree, an older
// commit), measured the same way in the same run, so a change is compared under the same machine load.
// TW_BENCH_ROUNDS (3): the closed-loop runs of every setup and of raw kafkajs take turns in this many rounds.
import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';

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
const PROCESSES = (process.argv[5] ?? '1,2').split(',').map(Number);
const CPU_PROFILE_DIR = process.env.TW_BENCH_CPU_PROF;
const BASELINE_ROOT = process.env.TW_BENCH_BASELINE;
const ROUNDS = Math.max(1, Number(process.env.TW_BENCH_ROUNDS ?? 3));
// A database of its own on the shared Redis, so the bench's bucket never meets another run's.
const REDIS_URL = process.env.TW_BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/14';
const WARM_UP = 200;
const IDLE_MS = 5_000;
const ROOT = join(__dirname, '../..');
const stack = testStack();
const BENCH_KEY: PartnerCredentials = {
  keyId: 'acme-portal-2026-06',
  apiKey: 'bench-acme-portal-key-0123456789abcdef',
  signingSecret: 'bench-acme-portal-signing-secret-0123456789',
};

interface Run {
  label: string;
  processes: number;
  ok: number;
  failed: number;
  elapsedMs: number;
  latenciesMs: number[];
  /** CPU of the gateway processes during the run, summed; NaN for the raw producer. */
  cpuMs: number;
  /** The whole machine's CPU during the run (every process, every core), in clock ticks. */
  machine: MachineTicks;
}

interface MachineTicks {
  busy: number;
  total: number;
}

/** The machine's CPU so far, all cores (the first line of /proc/stat), in clock ticks; NaN without /proc. */
function machineTicks(): MachineTicks {
  try {
    const ticks = readFileSync('/proc/stat', 'utf8')
      .split('\n')[0]
      .trim()
      .split(/\s+/)
      .slice(1, 9)
      .map(Number);
    const total = ticks.reduce((sum, t) => sum + t, 0);
    return { busy: total - ticks[3] - ticks[4], total }; // less idle and iowait
  } catch {
    return { busy: NaN, total: NaN };
  }
}

/** What `run` cost the whole machine. */
async function onMachine<T>(run: () => Promise<T>): Promise<T & { machine: MachineTicks }> {
  const before = machineTicks();
  const result = await run();
  const after = machineTicks();
  return { ...result, machine: { busy: after.busy - before.busy, total: after.total - before.total } };
}

/** `count` operations, `concurrency` in flight, stopping early at `maxMs`. */
async function drive(
  count: number,
  concurrency: number,
  maxMs: number,
  op: (i: number) => Promise<boolean>,
): Promise<Omit<Run, 'label' | 'processes' | 'cpuMs' | 'machine'>> {
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
  return { ok, failed, elapsedMs: performance.now() - started, latenciesMs };
}

/**
 * `count` operations started at a fixed rate whatever the answers (open loop); each latency runs from the
 * operation's scheduled start, so a gateway that falls behind shows it in every later request.
 */
async function driveAtRate(
  count: number,
  perSecond: number,
  op: (i: number) => Promise<boolean>,
): Promise<Omit<Run, 'label' | 'processes' | 'cpuMs' | 'machine'>> {
  const latenciesMs: number[] = [];
  const pending: Promise<void>[] = [];
  let ok = 0;
  let failed = 0;
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const due = started + (i * 1000) / perSecond;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    pending.push(
      op(i)
        .catch(() => false)
        .then((success) => {
          latenciesMs.push(performance.now() - due);
          if (success) ok++;
          else failed++;
        }),
    );
  }
  await Promise.all(pending);
  return { ok, failed, elapsedMs: performance.now() - started, latenciesMs };
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

interface Gateway {
  readonly url: string;
  readonly child: ChildProcess;
}

/** Starts services/ingress-gateway of the checkout at `root` as a child process on a free port. */
async function startGateway(env: Record<string, string>, root = ROOT): Promise<Gateway> {
  const port = await freePort();
  const profiling = CPU_PROFILE_DIR === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${CPU_PROFILE_DIR}`];
  const child = spawn(
    process.execPath,
    [...profiling, '-r', '@swc-node/register', 'services/ingress-gateway/src/main.ts'],
    {
      cwd: root,
      env: { ...process.env, ...env, HTTP_PORT: String(port), HTTP_HOST: '127.0.0.1' },
      // Start-up warnings (the catalog's other partners have no keys here) are not the bench's business.
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const url = `http://127.0.0.1:${port}`;
  await waitReady(url, child);
  return { url, child };
}

async function waitReady(url: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 240; i++) {
    if (child.exitCode !== null) throw new Error(`the gateway exited with ${child.exitCode}`);
    if ((await fetch(`${url}/health/ready`).catch(() => undefined))?.ok) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error('the gateway did not become ready within 120 s');
}

async function stopGateway({ child }: Gateway): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

/** The `top` entries of a V8 CPU profile by self time, as table rows. */
function topSelfTime(file: string, top: number): string[] {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as {
    nodes: ProfileNode[];
    samples: number[];
    timeDeltas: number[];
  };
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<string, number>();
  let totalUs = 0;
  profile.samples.forEach((id, i) => {
    const frame = byId.get(id)?.callFrame;
    const delta = profile.timeDeltas[i] ?? 0;
    // Shares of the time the process was busy: waiting for the network is not a cost of its own.
    if (frame === undefined || frame.functionName === '(idle)') return;
    totalUs += delta;
    const where = frame.url === '' ? '' : ` ${shortUrl(frame.url)}:${frame.lineNumber + 1}`;
    const name = `${frame.functionName || '(anonymous)'}${where}`;
    selfUs.set(name, (selfUs.get(name) ?? 0) + delta);
  });
  return [...selfUs.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(
      ([name, us], i) =>
        `| ${String(i + 1).padStart(2)} | ${((100 * us) / totalUs).toFixed(1).padStart(12)}% | ${(us / 1000).toFixed(0).padStart(6)} ms | ${name} |`,
    );
}

function shortUrl(url: string): string {
  const path = url.replace(/^file:\/\//, '');
  const modules = path.lastIndexOf('node_modules/');
  return modules >= 0 ? path.slice(modules + 'node_modules/'.length) : relative(ROOT, path);
}

/** Runs of one setup added up: throughput over their summed time, every latency, every CPU millisecond. */
function combine(runs: readonly Run[]): Run {
  return {
    ...runs[0],
    ok: runs.reduce((n, r) => n + r.ok, 0),
    failed: runs.reduce((n, r) => n + r.failed, 0),
    elapsedMs: runs.reduce((n, r) => n + r.elapsedMs, 0),
    latenciesMs: runs.flatMap((r) => r.latenciesMs),
    cpuMs: runs.reduce((n, r) => n + r.cpuMs, 0),
    machine: {
      busy: runs.reduce((n, r) => n + r.machine.busy, 0),
      total: runs.reduce((n, r) => n + r.machine.total, 0),
    },
  };
}

interface Setup {
  readonly name: string;
  readonly gateways: readonly Gateway[];
  readonly agents: readonly Agent[];
}

async function main(): Promise<void> {
  const run = Date.now().toString(36).toUpperCase();
  const schema = uniqueName('gw_bench');
  const serviceName = uniqueName('ingress-gateway-bench');
  const catalogDir = benchCatalog();
  const secretsRoot = benchSecretsRoot();
  if (CPU_PROFILE_DIR !== undefined) mkdirSync(CPU_PROFILE_DIR, { recursive: true });
  const gatewayEnv = {
    KAFKA_BROKERS: stack.kafkaBrokers.join(','),
    SCHEMA_REGISTRY_URL: stack.registryUrl,
    DATABASE_URL: stack.databaseUrl,
    DATABASE_SCHEMA: schema,
    DATABASE_POOL_SIZE: '16',
    // One name for all processes: replicas of one service (one consumer group, one schema, one bucket).
    SERVICE_NAME: serviceName,
    LOG_LEVEL: 'warn',
    PARTNER_CATALOG_DIR: catalogDir,
    GATEWAY_SECRETS_ROOT: secretsRoot,
    REDIS_URL,
    TW_PARTNER_ACME_PORTAL_KEY_2026_06: sha256Hex(BENCH_KEY.apiKey),
  };
  const kafka = new Kafka({
    brokers: stack.kafkaBrokers,
    clientId: 'bench-gateway',
    logLevel: logLevel.ERROR,
  });
  const rawTopic = uniqueName('bench.gateway.raw');
  const baselineSchema = `${schema}_base`;
  const gateways: Gateway[] = [];
  try {
    // Every process starts before anything is measured, so the setups can take turns without restarts:
    // the baseline checkout's (a schema of its own, its migrations may differ), then ours one after the
    // other (the first applies the migrations, the others find them applied).
    const baseline =
      BASELINE_ROOT === undefined
        ? undefined
        : await startGateway({ ...gatewayEnv, DATABASE_SCHEMA: baselineSchema }, BASELINE_ROOT);
    if (baseline !== undefined) gateways.push(baseline);
    const ours: Gateway[] = [];
    while (ours.length < Math.max(...PROCESSES)) ours.push(await startGateway(gatewayEnv));
    gateways.push(...ours);
    const agentsOf = (gs: readonly Gateway[]): Agent[] =>
      gs.map(() => new Agent({ keepAlive: true, maxSockets: CONCURRENCY * 4 }));
    const setups: Setup[] = [
      ...(baseline === undefined
        ? []
        : [{ name: 'baseline gateway', gateways: [baseline], agents: agentsOf([baseline]) }]),
      ...PROCESSES.map((n) => ({
        name: 'gateway',
        gateways: ours.slice(0, n),
        agents: agentsOf(ours.slice(0, n)),
      })),
    ];

    // Every request that was not a 202, by what it was instead.
    const failures = new Map<string, number>();
    const fail = (what: string): false => {
      failures.set(what, (failures.get(what) ?? 0) + 1);
      return false;
    };
    // Documents are built before the clock starts; each request is signed when sent, as a partner does.
    let sent = 0;
    const document = (): string => acmeJsonOrder(`BENCH-${run}-${sent++}`).body;
    const measure = async (
      setup: Setup,
      label: string,
      count: number,
      go: (
        submit: (i: number) => Promise<boolean>,
      ) => Promise<Omit<Run, 'label' | 'processes' | 'cpuMs' | 'machine'>>,
    ): Promise<Run> => {
      const bodies = Array.from({ length: count }, document);
      const { gateways: gs, agents } = setup;
      // Round-robin over the processes, as a load balancer in front of the replicas would.
      const submit = (i: number): Promise<boolean> =>
        post(gs[i % gs.length].url, agents[i % agents.length], bodies[i]).then(
          (status) => status === 202 || fail(`${setup.name} ×${gs.length}: HTTP ${status}`),
          (error: unknown) =>
            fail(`${setup.name} ×${gs.length}: ${(error as { code?: string }).code ?? String(error)}`),
        );
      const cpu = (): number => gs.reduce((sum, g) => sum + processCpuMs(g.child.pid), 0);
      const cpuBefore = cpu();
      const result = await onMachine(() => go(submit));
      return { label, processes: gs.length, ...result, cpuMs: cpu() - cpuBefore };
    };
    for (const setup of setups) {
      await measure(setup, 'warm-up', WARM_UP, (submit) =>
        drive(WARM_UP, CONCURRENCY, MAX_SECONDS * 1000, submit),
      );
    }

    // What a process costs with no request at all (its consumers polling, timers): part of every CPU
    // figure, and a larger part at a low rate and with more processes.
    const idleBefore = ours.map((g) => processCpuMs(g.child.pid));
    await new Promise((r) => setTimeout(r, IDLE_MS));
    const idleCpuMsPerSecond =
      ours.reduce((sum, g, i) => sum + processCpuMs(g.child.pid) - idleBefore[i], 0) /
      ours.length /
      (IDLE_MS / 1000);

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
    let produced = 0;
    const produce = async (): Promise<boolean> => {
      const value = record(produced++);
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
    await drive(WARM_UP, CONCURRENCY, MAX_SECONDS * 1000, produce);

    // The closed-loop runs take turns, round after round, so a change in the machine's load (it is
    // shared) falls on every setup alike; each setup's rounds are added up.
    const perRound = Math.ceil(REQUESTS / ROUNDS);
    const peaks = new Map<Setup | 'raw', Run[]>();
    const peakLabel = (setup: Setup): string =>
      `${setup.name}: signed JSON POST → 202, ${CONCURRENCY} in flight`;
    for (let round = 0; round < ROUNDS; round++) {
      for (const setup of setups) {
        const r = await measure(setup, peakLabel(setup), perRound, (submit) =>
          drive(perRound, CONCURRENCY, MAX_SECONDS * 1000, submit),
        );
        peaks.set(setup, [...(peaks.get(setup) ?? []), r]);
      }
      const raw: Run = {
        label: `raw kafkajs: same Avro record, acks=all, ${CONCURRENCY} in flight`,
        processes: 0,
        ...(await onMachine(() => drive(perRound, CONCURRENCY, MAX_SECONDS * 1000, produce))),
        cpuMs: NaN,
      };
      peaks.set('raw', [...(peaks.get('raw') ?? []), raw]);
    }
    await producer.disconnect();
    const peakOf = (key: Setup | 'raw'): Run => combine(peaks.get(key) ?? []);

    // Open loop at half of each setup's peak: the latency a partner sees when the gateway is not saturated.
    const runs: Run[] = [];
    for (const setup of setups) {
      const peak = peakOf(setup);
      runs.push(peak);
      const perSecond = Math.max(1, Math.floor(rate(peak) / 2));
      const count = Math.min(REQUESTS, Math.max(200, perSecond * 10));
      runs.push(
        await measure(
          setup,
          `${setup.name}: fixed arrival rate ${perSecond}/s (half the peak)`,
          count,
          (submit) => driveAtRate(count, perSecond, submit),
        ),
      );
    }
    const raw = peakOf('raw');
    runs.push(raw);
    setups.forEach((setup) => setup.agents.forEach((a) => a.destroy()));

    const rows = runs.map((r) => [
      r.label,
      r.processes === 0 ? '-' : String(r.processes),
      String(r.ok),
      String(r.failed),
      rate(r).toFixed(0),
      percentile(r.latenciesMs, 50).toFixed(1),
      percentile(r.latenciesMs, 99).toFixed(1),
      Number.isFinite(r.cpuMs) ? (r.cpuMs / Math.max(1, r.ok + r.failed)).toFixed(2) : '-',
      // Cores the gateway processes used, and how busy the machine was (all its cores, every process).
      Number.isFinite(r.cpuMs) ? (r.cpuMs / Math.max(1, r.elapsedMs)).toFixed(2) : '-',
      Number.isFinite(r.machine.busy)
        ? `${((100 * r.machine.busy) / Math.max(1, r.machine.total)).toFixed(0)}%`
        : '-',
    ]);
    const header = [
      'path',
      'processes',
      'accepted',
      'failed',
      'per second',
      'p50 ms',
      'p99 ms',
      'CPU ms/req',
      'gateway cores',
      'machine busy',
    ];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
    const line = (cells: string[]): string =>
      `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
    console.log(
      `\ningress gateway, ${REQUESTS} single-order JSON documents per closed-loop setup in ${ROUNDS} ` +
        `round(s) taking turns, loopback, ${TOPIC_CATALOG[TOPICS.ingressDocuments].partitions} partitions, ` +
        `rate limit and nonces shared (Redis, PostgreSQL); ${cpus().length} cores, shared with the client, ` +
        `the broker and the database`,
    );
    console.log(line(header));
    console.log(line(widths.map((w) => '-'.repeat(w))));
    rows.forEach((row) => console.log(line(row)));
    console.log(`idle gateway process: ${idleCpuMsPerSecond.toFixed(1)} ms of CPU per second`);
    for (const [what, count] of failures) console.log(`not accepted: ${count} × ${what}`);
    for (const setup of setups) {
      const n = setup.gateways.length;
      console.log(
        `ratio ${setup.name} (${n} process${n === 1 ? '' : 'es'}) / raw kafkajs (accepted per second): ` +
          `${(rate(peakOf(setup)) / rate(raw)).toFixed(2)}`,
      );
    }
    const ourSetups = setups.filter((setup) => setup.name === 'gateway');
    const one = ourSetups.find((setup) => setup.gateways.length === 1);
    const base = setups.find((setup) => setup.name !== 'gateway');
    if (one !== undefined && base !== undefined) {
      console.log(
        `ratio gateway / baseline gateway, 1 process (accepted per second): ` +
          `${(rate(peakOf(one)) / rate(peakOf(base))).toFixed(2)}`,
      );
    }
    for (const more of ourSetups.filter((setup) => setup.gateways.length > 1)) {
      console.log(
        `ratio ${more.gateways.length} processes / 1 process (accepted per second): ${
          one === undefined ? '-' : (rate(peakOf(more)) / rate(peakOf(one))).toFixed(2)
        }`,
      );
    }
  } finally {
    while (gateways.length > 0) await stopGateway(gateways.pop() as Gateway);
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
    for (const s of [schema, baselineSchema]) await pool.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
    await pool.end();
    rmSync(catalogDir, { recursive: true, force: true });
    rmSync(secretsRoot, { recursive: true, force: true });
  }
  if (CPU_PROFILE_DIR !== undefined) {
    for (const file of readdirSync(CPU_PROFILE_DIR).filter((f) => f.endsWith('.cpuprofile'))) {
      console.log(`\ntop 10 self time, ${join(CPU_PROFILE_DIR, file)}`);
      console.log('|  # | share of busy |   self | function |');
      topSelfTime(join(CPU_PROFILE_DIR, file), 10).forEach((row) => console.log(row));
    }
  }
}

function rate(r: Pick<Run, 'ok' | 'elapsedMs'>): number {
  return (r.ok * 1000) / r.elapsedMs;
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
