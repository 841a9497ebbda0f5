// Starts the platform's real processes for end-to-end tests: the Odoo simulator and every service
// (odoo-writer, order-intake, ingress-gateway, inventory-sync, reconciler),
// each a child process with its own PostgreSQL schema and consumer group, on free ports.
import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { type PartnerCredentials, sha256Hex } from '@tradewind/partner-auth';
import { loadPartnerCatalog } from '@tradewind/partner-catalog';
import { expectEventually, testStack, uniqueName } from '@tradewind/testing';
import { Pool } from 'pg';

const root = join(__dirname, '../..');

export const E2E_PARTNER_KEYS: Readonly<Record<string, PartnerCredentials>> = {
  'acme-portal': {
    keyId: 'acme-portal-2026-12',
    apiKey: 'e2e-acme-portal-key',
    signingSecret: 'e2e-acme-portal-signing-secret-0123456789',
  },
  'market-hub': {
    keyId: 'market-hub-2026-01',
    apiKey: 'e2e-market-hub-key',
    signingSecret: 'e2e-market-hub-signing-secret-0123456789',
  },
  'globex-edi': {
    keyId: 'globex-edi-2026-03',
    apiKey: 'e2e-globex-edi-key',
    signingSecret: 'e2e-globex-edi-signing-secret-0123456789',
  },
};
const ODOO_WRITE_KEY = 'e2e-odoo-write-key';
const ODOO_READ_KEY = 'e2e-odoo-read-key';

/**
 * The gateway's half of the e2e keys at the references the catalog names: each API key's hash and its
 * signing secret, as environment variables (`env:`) or files under a new secrets root (`file:`).
 */
function gatewayCredentials(): { env: Record<string, string>; secretsRoot: string } {
  const catalog = loadPartnerCatalog(join(root, 'config/partners'));
  const secretsRoot = mkdtempSync(join(tmpdir(), 'tw-e2e-secrets-'));
  const env: Record<string, string> = {};
  const put = (ref: string, value: string): void => {
    if (ref.startsWith('env:')) {
      env[ref.slice(4)] = value;
      return;
    }
    const path = join(secretsRoot, ref.slice(5));
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, value);
  };
  for (const key of Object.values(E2E_PARTNER_KEYS)) {
    const found = catalog.credential(key.keyId);
    if (found === undefined) throw new Error(`e2e key ${key.keyId} is not in config/partners`);
    put(found.credential.apiKeyHashRef, sha256Hex(key.apiKey));
    put(found.credential.signingSecretRef, key.signingSecret);
  }
  return { env, secretsRoot };
}

interface Proxy {
  port: number;
  cut(on: boolean): void;
  close(): void;
}

/** A TCP proxy to 127.0.0.1:target; while cut, open connections are reset and new ones refused. */
async function startProxy(target: number): Promise<Proxy> {
  const sockets = new Set<Socket>();
  let isCut = false;
  const server = createServer((client) => {
    if (isCut) return client.destroy();
    const upstream = connect(target, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    cut(on) {
      isCut = on;
      if (on) for (const socket of sockets) socket.destroy();
    },
    close() {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export interface RunningPlatform {
  gatewayUrl: string;
  /** The ops console, when startPlatform was asked for it. */
  consoleUrl?: string;
  odooUrl: string;
  odooDb: string;
  odooReadKey: string;
  /** The odoo-writer's key: for tests that change Odoo behind the platform's back (drift). */
  odooWriteKey: string;
  run: string;
  /** The reconciler's base URL (its completeness report and re-drive API). */
  reconcilerUrl: string;
  /** Each service's /metrics, by service (ingress-gateway, order-intake, odoo-writer, inventory-sync, reconciler). */
  metricsUrls: Readonly<Record<string, string>>;
  /** The consumer group a service of this platform uses for a topic (its default: SERVICE_NAME.topic). */
  groupOf(service: string, topic: string): string;
  /** SIGTERMs a child (it leaves its consumer groups) and waits for it to be gone. */
  stopChild(name: string): Promise<void>;
  /** With writerThroughProxy: cuts (true) or restores (false) the odoo-writer's connections to Odoo. */
  partitionWriterFromOdoo(cut: boolean): void;
  logs(name: string): string;
  /** SIGKILLs a child (as a crash would) and waits for it to be gone. */
  kill(name: string): Promise<void>;
  /** Starts a killed child again with the same environment and waits until it is ready. */
  restart(name: string): Promise<void>;
  stop(): Promise<void>;
}

interface Child {
  name: string;
  process: ChildProcess;
  output: string[];
  script: string;
  env: Record<string, string>;
  readyUrl?: string;
}

export const SERVICES = [
  'odoo-writer',
  'order-intake',
  'ingress-gateway',
  'inventory-sync',
  'reconciler',
] as const;

/** The services started beside SERVICES by `startPlatform({ everyService: true })`: the workflows' own. */
export const WORKFLOW_SERVICES = [
  'ops-console',
  'shipments',
  'purchase-orders',
  'invoices',
  'partner-delivery',
] as const;

/** Starts the simulator and every service and waits until each is ready. */
export async function startPlatform(
  options: {
    odooLatencyMs?: number;
    /** The reconciler's settings beyond the platform's (RECONCILER_WINDOW, SLAs, re-drive rate…). */
    reconcilerEnv?: Record<string, string>;
    /** The odoo-writer's settings beyond the platform's (breaker, retries…). */
    writerEnv?: Record<string, string>;
    /** Services this test does not need (fewer processes start faster on a busy machine). */
    without?: readonly ('inventory-sync' | 'reconciler' | 'ingress-gateway')[];
    /** order-intake reserves stock before it accepts (RESERVATION_POLICY=reject; needs inventory-sync). */
    reservations?: boolean;
    /** The odoo-writer reaches Odoo through a proxy the test can cut (a partition of writer and Odoo only). */
    writerThroughProxy?: boolean;
    /** Starts the ops console too. */
    opsConsole?: boolean;
    /** Starts every service of the platform (WORKFLOW_SERVICES too, the ops console among them). */
    everyService?: boolean;
  } = {},
): Promise<RunningPlatform> {
  const stack = testStack();
  const run = uniqueName('e2e');
  const children: Child[] = [];
  const credentials = gatewayCredentials();
  let proxy: Proxy | undefined;

  const [odooPort, writerPort, intakePort, gatewayPort, inventoryPort, reconcilerPort, consolePort] =
    await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort(), freePort(), freePort()]);
  const opsConsole = options.opsConsole === true || options.everyService === true;
  // The workflows' services other than the console, when every service runs: name → port.
  const workflowPorts = new Map<string, number>();
  if (options.everyService === true)
    for (const name of WORKFLOW_SERVICES)
      if (name !== 'ops-console') workflowPorts.set(name, await freePort());
  const odooUrl = `http://127.0.0.1:${odooPort}`;
  const common = {
    ...process.env,
    KAFKA_BROKERS: stack.kafkaBrokers.join(','),
    SCHEMA_REGISTRY_URL: stack.registryUrl,
    DATABASE_URL: stack.databaseUrl,
    LOG_LEVEL: 'warn',
    // The broker is shared with every test before this one: this platform's new consumer groups read
    // only what is produced from now on, not the topics' whole history.
    KAFKA_NEW_GROUP_START_AT: new Date(Date.now() - 1_000).toISOString(),
    ODOO_URL: odooUrl,
    ODOO_DB: 'tradewind',
  };
  const start = (name: string, script: string, env: Record<string, string>): void => {
    const previous = children.findIndex((c) => c.name === name);
    if (previous >= 0) children.splice(previous, 1);
    const child = spawn(process.execPath, ['-r', '@swc-node/register', script], {
      cwd: root,
      env: { ...common, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output: string[] = [];
    // TW_E2E_LOG_DIR keeps every line of every child (the in-memory tail is for failure messages).
    const logDir = process.env.TW_E2E_LOG_DIR;
    if (logDir !== undefined) mkdirSync(logDir, { recursive: true });
    const keep = (chunk: Buffer): void => {
      if (logDir !== undefined) appendFileSync(join(logDir, `${name}.log`), chunk);
      output.push(chunk.toString());
      if (output.length > 400) output.splice(0, output.length - 400);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    children.push({ name, process: child, output, script, env });
  };
  const ready = (name: string, url: string): Promise<void> => {
    const named = children.find((c) => c.name === name);
    if (named) named.readyUrl = url;
    return expectEventually(
      async () => {
        const child = children.find((c) => c.name === name);
        if (child?.process.exitCode !== null && child?.process.exitCode !== undefined) {
          throw new Error(
            `${name} exited with ${child.process.exitCode}:\n${child.output.join('').slice(-3000)}`,
          );
        }
        const response = await fetch(url);
        if (!response.ok) throw new Error(`${name}: ${response.status} ${await response.text()}`);
      },
      { timeoutMs: 120_000, intervalMs: 500, description: `${name} ready` },
    );
  };

  const stopChildren = async (): Promise<void> => {
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.process.exitCode !== null || child.process.signalCode !== null) return resolve();
            const timer = setTimeout(() => child.process.kill('SIGKILL'), 15_000);
            child.process.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            child.process.kill('SIGTERM');
          }),
      ),
    );
  };

  try {
    start('odoo-simulator', 'libs/odoo/simulator/src/main.ts', {
      ODOO_SIM_PORT: String(odooPort),
      ODOO_SIM_API_KEY: ODOO_WRITE_KEY,
      ODOO_SIM_READONLY_API_KEY: ODOO_READ_KEY,
      ODOO_SIM_LATENCY_MS: String(options.odooLatencyMs ?? 20),
      ODOO_SIM_MAX_CONCURRENCY: '16',
      // The process defaults to Odoo's published import speed (10 ms per record); e2e time must not depend on it.
      ODOO_SIM_RECORD_COST_MS: '0',
    });
    await ready('odoo-simulator', `${odooUrl}/web/version`);

    const service = (name: string, port: number, env: Record<string, string>): void =>
      start(name, `services/${name}/src/main.ts`, {
        SERVICE_NAME: `${name}-${run}`,
        KAFKA_CLIENT_ID: `${name}-${run}`,
        DATABASE_SCHEMA: `${name.replaceAll('-', '_')}_${run}`,
        HTTP_PORT: String(port),
        ...env,
      });
    if (options.writerThroughProxy === true) proxy = await startProxy(odooPort);
    service('odoo-writer', writerPort, {
      ODOO_API_KEY: ODOO_WRITE_KEY,
      ...(proxy === undefined ? {} : { ODOO_URL: `http://127.0.0.1:${proxy.port}` }),
      ...options.writerEnv,
    });
    service('order-intake', intakePort, {
      ODOO_READ_API_KEY: ODOO_READ_KEY,
      ...(options.reservations === true ? { RESERVATION_POLICY: 'reject' } : {}),
    });
    const wanted = (name: 'inventory-sync' | 'reconciler' | 'ingress-gateway') =>
      !(options.without ?? []).includes(name);
    if (wanted('ingress-gateway'))
      service('ingress-gateway', gatewayPort, {
        GATEWAY_SECRETS_ROOT: credentials.secretsRoot,
        ...credentials.env,
      });
    // Stock reconciliation and channel feeds are tested on their own; here only reservations run.
    if (wanted('inventory-sync'))
      service('inventory-sync', inventoryPort, {
        ODOO_READ_API_KEY: ODOO_READ_KEY,
        INVENTORY_RECONCILE_EVERY: '0',
        INVENTORY_FEED_TICK: '0',
      });
    if (wanted('reconciler')) {
      service('reconciler', reconcilerPort, {
        ODOO_READ_API_KEY: ODOO_READ_KEY,
        RECONCILER_ODOO_WRITER_METRICS_URLS: `http://127.0.0.1:${writerPort}/metrics`,
        ...options.reconcilerEnv,
      });
    }
    if (opsConsole) {
      // Dead-letter topics are looked for every 2 s instead of 15 s: a test's new one shows up quickly.
      service('ops-console', consolePort, { OPS_DEAD_LETTERS_DISCOVER_EVERY: '2s' });
    }
    // With the catalog's own endpoints and no delivery secrets: partner-delivery holds what it cannot send.
    for (const [name, port] of workflowPorts) service(name, port, { ODOO_READ_API_KEY: ODOO_READ_KEY });
    await Promise.all([
      ...(opsConsole ? [ready('ops-console', `http://127.0.0.1:${consolePort}/health/ready`)] : []),
      ...[...workflowPorts].map(([name, port]) => ready(name, `http://127.0.0.1:${port}/health/ready`)),
      ready('odoo-writer', `http://127.0.0.1:${writerPort}/health/ready`),
      ready('order-intake', `http://127.0.0.1:${intakePort}/health/ready`),
      ...(wanted('ingress-gateway')
        ? [ready('ingress-gateway', `http://127.0.0.1:${gatewayPort}/health/ready`)]
        : []),
      ...(wanted('inventory-sync')
        ? [ready('inventory-sync', `http://127.0.0.1:${inventoryPort}/health/ready`)]
        : []),
      ...(wanted('reconciler')
        ? [ready('reconciler', `http://127.0.0.1:${reconcilerPort}/health/ready`)]
        : []),
    ]);
  } catch (error) {
    // Children keep the test process alive: stop them before reporting why start-up failed.
    await stopChildren();
    throw error;
  }

  return {
    gatewayUrl: `http://127.0.0.1:${gatewayPort}`,
    ...(opsConsole ? { consoleUrl: `http://127.0.0.1:${consolePort}` } : {}),
    odooUrl,
    odooDb: 'tradewind',
    odooReadKey: ODOO_READ_KEY,
    odooWriteKey: ODOO_WRITE_KEY,
    run,
    reconcilerUrl: `http://127.0.0.1:${reconcilerPort}`,
    metricsUrls: Object.fromEntries(
      Object.entries({
        'ingress-gateway': gatewayPort,
        'order-intake': intakePort,
        'odoo-writer': writerPort,
        'inventory-sync': inventoryPort,
        reconciler: reconcilerPort,
        'ops-console': consolePort,
        ...Object.fromEntries(workflowPorts),
      })
        .filter(([name]) => children.some((c) => c.name === name))
        .map(([name, port]) => [name, `http://127.0.0.1:${port}/metrics`]),
    ),
    groupOf: (service, topic) => `${service}-${run}.${topic}`,
    partitionWriterFromOdoo(cut) {
      if (proxy === undefined) throw new Error('startPlatform({ writerThroughProxy: true }) to partition');
      proxy.cut(cut);
    },
    async stopChild(name) {
      const child = children.find((c) => c.name === name);
      if (!child) throw new Error(`no child ${name}`);
      if (child.process.exitCode !== null || child.process.signalCode !== null) return;
      const gone = new Promise<void>((resolve) => child.process.once('exit', () => resolve()));
      child.process.kill('SIGTERM');
      await gone;
    },
    logs: (name) => children.find((c) => c.name === name)?.output.join('') ?? '',
    async kill(name) {
      const child = children.find((c) => c.name === name);
      if (!child) throw new Error(`no child ${name}`);
      if (child.process.exitCode !== null || child.process.signalCode !== null) return;
      const gone = new Promise<void>((resolve) => child.process.once('exit', () => resolve()));
      child.process.kill('SIGKILL');
      await gone;
    },
    async restart(name) {
      const child = children.find((c) => c.name === name);
      if (!child?.readyUrl) throw new Error(`no child ${name} to restart`);
      const { script, env, readyUrl } = child;
      // As a supervisor would: a process that exits while it starts (the broker still coming back from its
      // own restart) is started again, up to three times.
      for (let attempt = 1; ; attempt++) {
        start(name, script, env);
        try {
          await ready(name, readyUrl);
          return;
        } catch (error) {
          const exited = (c: Child) => c.name === name && c.process.exitCode !== null;
          if (attempt >= 3 || !children.some(exited)) throw error;
          for (let i = children.length - 1; i >= 0; i--) if (exited(children[i])) children.splice(i, 1);
        }
      }
    },
    async stop() {
      await stopChildren();
      proxy?.close();
      const pool = new Pool({ connectionString: stack.databaseUrl });
      for (const name of [...SERVICES, ...WORKFLOW_SERVICES]) {
        await pool.query(`drop schema if exists "${name.replaceAll('-', '_')}_${run}" cascade`);
      }
      await pool.end();
    },
  };
}

/** Reads Odoo through JSON-2 with the read-only key, as an operator would check. */
export async function odooSearchRead<T>(
  platform: RunningPlatform,
  model: string,
  domain: unknown[],
  fields: string[],
): Promise<T[]> {
  const response = await fetch(`${platform.odooUrl}/json/2/${model}/search_read`, {
    method: 'POST',
    headers: {
      authorization: `bearer ${platform.odooReadKey}`,
      'x-odoo-database': platform.odooDb,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ domain, fields }),
  });
  if (!response.ok) throw new Error(`Odoo search_read ${model}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T[];
}
