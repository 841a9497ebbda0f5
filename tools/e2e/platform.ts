// Starts the platform's real processes for end-to-end tests: the Odoo simulator and every service,
// each a child process with its own PostgreSQL schema and consumer group, on free ports.
import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
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
  run: string;
  /** Each service's /metrics, by service (ingress-gateway, order-intake, odoo-writer). */
  metricsUrls: Readonly<Record<string, string>>;
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

/** Starts the simulator and the three services and waits until each is ready. */
export async function startPlatform(
  options: { odooLatencyMs?: number; opsConsole?: boolean } = {},
): Promise<RunningPlatform> {
  const stack = testStack();
  const run = uniqueName('e2e');
  const children: Child[] = [];
  const credentials = gatewayCredentials();

  const [odooPort, writerPort, intakePort, gatewayPort, consolePort] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
    freePort(),
    freePort(),
  ]);
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
    service('odoo-writer', writerPort, { ODOO_API_KEY: ODOO_WRITE_KEY });
    service('order-intake', intakePort, { ODOO_READ_API_KEY: ODOO_READ_KEY });
    service('ingress-gateway', gatewayPort, {
      GATEWAY_SECRETS_ROOT: credentials.secretsRoot,
      ...credentials.env,
    });
    if (options.opsConsole === true) {
      // Dead-letter topics are looked for every 2 s instead of 15 s: a test's new one shows up quickly.
      service('ops-console', consolePort, { OPS_DEAD_LETTERS_DISCOVER_EVERY: '2s' });
    }
    await Promise.all([
      ...(options.opsConsole === true
        ? [ready('ops-console', `http://127.0.0.1:${consolePort}/health/ready`)]
        : []),
      ready('odoo-writer', `http://127.0.0.1:${writerPort}/health/ready`),
      ready('order-intake', `http://127.0.0.1:${intakePort}/health/ready`),
      ready('ingress-gateway', `http://127.0.0.1:${gatewayPort}/health/ready`),
    ]);
  } catch (error) {
    // Children keep the test process alive: stop them before reporting why start-up failed.
    await stopChildren();
    throw error;
  }

  return {
    gatewayUrl: `http://127.0.0.1:${gatewayPort}`,
    ...(options.opsConsole === true ? { consoleUrl: `http://127.0.0.1:${consolePort}` } : {}),
    odooUrl,
    odooDb: 'tradewind',
    odooReadKey: ODOO_READ_KEY,
    run,
    metricsUrls: {
      'ingress-gateway': `http://127.0.0.1:${gatewayPort}/metrics`,
      'order-intake': `http://127.0.0.1:${intakePort}/metrics`,
      'odoo-writer': `http://127.0.0.1:${writerPort}/metrics`,
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
      start(name, script, env);
      await ready(name, readyUrl);
    },
    async stop() {
      await stopChildren();
      const pool = new Pool({ connectionString: stack.databaseUrl });
      for (const name of ['odoo-writer', 'order-intake', 'ingress-gateway', 'ops-console']) {
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
