// The simulator's HTTP server: Odoo's routes (/json/2, /jsonrpc, /web/version) behind the load governor,
// and admin routes under /_sim (knobs, stats, records, reset) that are never throttled.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

import { type CallHooks, json, type SimRequest, type SimResponse, textResponse } from './http/http.types';
import { handleJson2 } from './http/json2.controller';
import { handleJsonRpc, type ServerVersion } from './http/jsonrpc.controller';
import { LoadGovernor, type SimulatorKnobs, type SimulatorStats } from './http/load.governor';
import { asText } from './orm/model.types';
import type { RecordFaults } from './orm/record-faults';
import { SimulatorDataFile } from './persistence';
import { loadSeedFile, type SeedData } from './seed';
import { SimulatedDatabase, type SimulatedUser } from './simulated-database';
import { SimulatorStore } from './simulator.store';

export interface OdooSimulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** Database name (`X-Odoo-Database`, execute_kw's first argument). Default `tradewind`. */
  db?: string;
  /** Seed data, a path to a seed YAML, or false for an empty database. Default: config/masterdata/seed.yaml. */
  seed?: SeedData | string | false;
  /** API key of the `admin` user (full rights). */
  apiKey?: string;
  /** API key of the `reader` user (read-only: AccessError on writes). */
  readOnlyApiKey?: string;
  /** Major version to impersonate: 19+ serves JSON-2 and GET /web/version; below, only /jsonrpc. */
  serverVersion?: number;
  knobs?: Partial<SimulatorKnobs>;
  /**
   * A file that keeps the database across processes (as Odoo's PostgreSQL does): loaded at start when it
   * exists, the seed applied only to a new one; written after changes and on stop.
   */
  dataFile?: string;
}

export interface OdooSimulator {
  url: string;
  port: number;
  db: string;
  apiKeys: { write: string; readOnly: string };
  logins: { write: string; readOnly: string };
  uids: { write: number; readOnly: number };
  serverVersion: number;
  store: SimulatorStore;
  /** Per-record failures (record rules, a record's server error, a concurrent twin); reset clears them. */
  faults: Pick<RecordFaults, 'arm' | 'clear'>;
  knobs(): SimulatorKnobs;
  setKnobs(patch: Partial<SimulatorKnobs> & { outageForMs?: number }): SimulatorKnobs;
  stats(): SimulatorStats;
  resetStats(): void;
  /** Records back to the seed, stats cleared. */
  reset(): void;
  stop(): Promise<void>;
}

export const DEFAULT_API_KEY = 'tw-sim-admin-0123456789abcdef0123456789abcdef';
export const DEFAULT_READONLY_API_KEY = 'tw-sim-reader-0123456789abcdef0123456789abcde';

const PROXY_PAGES: Record<number, string> = {
  429: '<html>\r\n<head><title>429 Too Many Requests</title></head>\r\n<body>\r\n<center><h1>429 Too Many Requests</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n',
  503: '<html>\r\n<head><title>503 Service Temporarily Unavailable</title></head>\r\n<body>\r\n<center><h1>503 Service Temporarily Unavailable</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n',
};

const NOT_FOUND_PAGE =
  '<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.</p>\n';

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function send(response: ServerResponse, result: SimResponse): void {
  if (response.destroyed) return;
  response.writeHead(result.status, {
    'Content-Type': result.contentType,
    'Content-Length': Buffer.byteLength(result.body),
    ...(result.headers ?? {}),
  });
  response.end(result.body);
}

/** Rows of a JSON-2 `load` (`data`) or ids of a JSON-2 call, for the per-row latency knob. */
function rowsOf(request: SimRequest): number {
  try {
    const body = JSON.parse(request.body.toString('utf8')) as { data?: unknown; ids?: unknown };
    if (Array.isArray(body.data)) return body.data.length;
    if (Array.isArray(body.ids)) return body.ids.length;
  } catch {
    // not JSON: the dispatcher answers it
  }
  return 0;
}

// Methods that write nothing: no per-record cost (Odoo's import rates are for writes).
const READ_METHODS = new Set([
  'read',
  'search',
  'search_read',
  'search_count',
  'web_search_read',
  'web_read',
  'read_group',
  'fields_get',
  'name_search',
  'name_get',
  'default_get',
  'check_access_rights',
  'has_group',
]);

/**
 * Records a JSON-2 call writes, for the per-record cost knob: the rows of `load`, the entries of `create`'s
 * `vals_list`, the ids of any other method that is not a read. JSON-RPC calls (the legacy API) are charged
 * per call only.
 */
export function recordsWritten(path: string, body: Buffer): number {
  const match = /^\/json\/2\/[^/]+\/([^/]+)$/.exec(path);
  if (!match || READ_METHODS.has(decodeURIComponent(match[1]))) return 0;
  try {
    const parsed = JSON.parse(body.toString('utf8')) as {
      data?: unknown;
      vals_list?: unknown;
      ids?: unknown;
    };
    if (Array.isArray(parsed.data)) return parsed.data.length;
    if (parsed.vals_list !== undefined) return Array.isArray(parsed.vals_list) ? parsed.vals_list.length : 1;
    if (Array.isArray(parsed.ids)) return parsed.ids.length;
  } catch {
    // not JSON: the dispatcher answers it
  }
  return 0;
}

export async function startOdooSimulator(options: OdooSimulatorOptions = {}): Promise<OdooSimulator> {
  const dbName = options.db ?? 'tradewind';
  const version: ServerVersion = { major: options.serverVersion ?? 19 };
  const users: SimulatedUser[] = [
    {
      uid: 2,
      login: 'admin',
      name: 'Administrator',
      apiKey: options.apiKey ?? DEFAULT_API_KEY,
      readOnly: false,
    },
    {
      uid: 6,
      login: 'reader',
      name: 'Integration Reader',
      apiKey: options.readOnlyApiKey ?? DEFAULT_READONLY_API_KEY,
      readOnly: true,
    },
  ];
  const seed =
    options.seed === false
      ? undefined
      : typeof options.seed === 'object'
        ? options.seed
        : loadSeedFile(options.seed);
  const db = new SimulatedDatabase(dbName, users, seed);
  const dataFile = options.dataFile === undefined ? undefined : new SimulatorDataFile(options.dataFile, db);
  dataFile?.open();
  const governor = new LoadGovernor(options.knobs);
  const store = new SimulatorStore(db);

  const isOdooRoute = (path: string): boolean =>
    path === '/jsonrpc' || path === '/web/version' || path === '/json/2' || path.startsWith('/json/2/');

  async function serveOdoo(request: SimRequest): Promise<SimResponse> {
    const admission = governor.admit(governor.knobs().latencyPerRowMs > 0 ? rowsOf(request) : 0);
    if (!admission.admitted) {
      return {
        status: admission.status,
        contentType: 'text/html',
        body: PROXY_PAGES[admission.status],
        headers: { 'Retry-After': asText(admission.retryAfterSeconds) },
      };
    }
    try {
      if (admission.delayMs > 0) await sleep(admission.delayMs);
      const hooks: CallHooks = {
        count: (key) => governor.countMethod(key),
        injected: governor.injectedError(),
      };
      // The server's work on the call's records, queued on the database's record lanes (an injected
      // failure fails before doing anything).
      if (!hooks.injected && governor.knobs().recordCostMs > 0) {
        const waitMs = governor.chargeRecords(recordsWritten(request.path, request.body));
        if (waitMs > 0) await sleep(waitMs);
      }
      if (request.path === '/web/version') {
        if (version.major < 19 || request.method !== 'GET')
          return textResponse(404, NOT_FOUND_PAGE, 'text/html; charset=utf-8');
        hooks.count('web.version');
        return json(200, {
          version_info: [version.major, 0, 0, 'final', 0, ''],
          version: `${version.major}.0`,
        });
      }
      if (request.path === '/jsonrpc') {
        if (request.method !== 'POST') return textResponse(405, 'Method Not Allowed');
        return handleJsonRpc(db, request, hooks, version);
      }
      if (version.major < 19) return textResponse(404, NOT_FOUND_PAGE, 'text/html; charset=utf-8');
      return handleJson2(db, request, hooks);
    } finally {
      admission.release();
    }
  }

  function serveAdmin(request: SimRequest): SimResponse {
    const parseBody = (): Record<string, unknown> =>
      request.body.length > 0 ? (JSON.parse(request.body.toString('utf8')) as Record<string, unknown>) : {};
    if (request.path === '/_sim/knobs') {
      if (request.method === 'GET') return json(200, governor.knobs());
      if (request.method === 'POST') {
        try {
          return json(200, governor.setKnobs(parseBody()));
        } catch (error) {
          return json(400, { error: (error as Error).message });
        }
      }
    }
    if (request.path === '/_sim/stats' && request.method === 'GET') return json(200, governor.stats());
    if (request.path === '/_sim/stats/reset' && request.method === 'POST') {
      governor.resetStats();
      return json(200, governor.stats());
    }
    if (request.path === '/_sim/reset' && request.method === 'POST') {
      db.reset();
      governor.resetStats();
      return json(200, { reset: true });
    }
    if (request.path === '/_sim/external-ids' && request.method === 'GET') {
      const entries = store.externalIds(request.query.get('prefix') ?? '');
      return json(200, { count: entries.length, externalIds: entries });
    }
    const records = /^\/_sim\/records\/([^/]+)$/.exec(request.path);
    if (records && request.method === 'GET') {
      const model = decodeURIComponent(records[1]);
      if (!db.registry.get(model)) return json(404, { error: `unknown model ${model}` });
      const prefix = request.query.get('external_id');
      if (prefix === null) return json(200, { model, count: store.count(model), records: store.read(model) });
      const entries = store.externalIds(prefix).filter((entry) => entry.model === model);
      const rows = store.read(
        model,
        entries.map((entry) => entry.resId),
      );
      return json(200, {
        model,
        count: entries.length,
        records: rows.map((row, index) => ({ external_id: entries[index].externalId, ...row })),
      });
    }
    return json(404, { error: `no admin route ${request.method} ${request.path}` });
  }

  const server = createServer((req, res) => {
    void (async () => {
      try {
        const url = new URL(req.url ?? '/', 'http://simulator');
        const request: SimRequest = {
          method: req.method ?? 'GET',
          path: url.pathname,
          query: url.searchParams,
          headers: req.headers,
          body: await readBody(req),
        };
        if (request.path.startsWith('/_sim/')) send(res, serveAdmin(request));
        else if (isOdooRoute(request.path)) send(res, await serveOdoo(request));
        else send(res, textResponse(404, NOT_FOUND_PAGE, 'text/html; charset=utf-8'));
      } catch (error) {
        send(res, textResponse(500, `simulator failure: ${(error as Error).stack ?? asText(error)}`));
      }
    })();
  });
  server.keepAliveTimeout = 30_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host && options.host !== '0.0.0.0' ? options.host : '127.0.0.1';

  return {
    url: `http://${host}:${port}`,
    port,
    db: dbName,
    apiKeys: { write: users[0].apiKey, readOnly: users[1].apiKey },
    logins: { write: users[0].login, readOnly: users[1].login },
    uids: { write: users[0].uid, readOnly: users[1].uid },
    serverVersion: version.major,
    store,
    faults: db.store.faults,
    knobs: () => governor.knobs(),
    setKnobs: (patch) => governor.setKnobs(patch),
    stats: () => governor.stats(),
    resetStats: () => governor.resetStats(),
    reset: () => {
      db.reset();
      governor.resetStats();
    },
    stop: () =>
      new Promise<void>((resolve, reject) => {
        dataFile?.close();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
