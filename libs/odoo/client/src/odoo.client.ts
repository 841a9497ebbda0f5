// One OdooClient for both APIs: typed calls for what the platform uses, a generic call() for the rest.
// The transport is chosen by `apiFlavor`, or by asking the server its version on first use.
import type { FetchLike, HttpSettings } from './http.transport';
import { Json2Transport } from './json2.transport';
import { JsonRpcTransport } from './jsonrpc.transport';
import { OdooError, OdooErrorCode } from './odoo.exception';
import type { OdooCall, OdooTransport } from './odoo.transport';
import type {
  Domain,
  LoadResult,
  OdooApiFlavor,
  OdooContext,
  OdooRecord,
  OdooServerVersion,
  OdooValues,
} from './odoo.types';
import { detectServerVersion } from './version.detector';

export interface OdooClientOptions {
  /** Base URL, e.g. `https://erp.example.com` (no trailing path). */
  url: string;
  /** Database name: X-Odoo-Database for JSON-2 (optional there), first execute_kw argument for JSON-RPC. */
  db: string;
  apiKey: string;
  /** JSON-RPC only: the API key user's login, for `common.authenticate`. */
  login?: string;
  /** JSON-RPC only: the user id, to skip `common.authenticate`. */
  uid?: number;
  /** Default `auto`: GET /web/version (19+ → json2), else JSON-RPC `common.version` (→ jsonrpc). */
  apiFlavor?: OdooApiFlavor | 'auto';
  /** Per-call timeout (whole exchange), default 30 s. */
  timeoutMs?: number;
  /** Context sent with every call (`lang`, `tz`...), merged under each call's own. */
  context?: OdooContext;
  /** Calls in flight at once from this client (queue beyond); default unlimited. Bounds open connections. */
  maxConcurrentRequests?: number;
  userAgent?: string;
  /** Injected fetch (tests); default the global one. */
  fetch?: FetchLike;
}

export interface CallOptions {
  context?: OdooContext;
  timeoutMs?: number;
}

export interface SearchOptions extends CallOptions {
  limit?: number;
  offset?: number;
  /** Odoo order spec, e.g. `write_date desc, id`. */
  order?: string;
}

export interface SearchReadOptions extends SearchOptions {
  fields?: readonly string[];
  /** false: many2one values as bare ids instead of `[id, display name]` (Odoo's read `load`). */
  load?: false;
}

export interface OdooClient {
  /** The API in use (detects it on first call when `apiFlavor` is auto). */
  flavor(): Promise<OdooApiFlavor>;
  /** The server's version, via GET /web/version or `common.version`. */
  serverVersion(options?: CallOptions): Promise<OdooServerVersion>;
  searchRead<T extends OdooRecord = OdooRecord>(
    model: string,
    domain: Domain,
    options?: SearchReadOptions,
  ): Promise<T[]>;
  read<T extends OdooRecord = OdooRecord>(
    model: string,
    ids: readonly number[],
    fields?: readonly string[],
    options?: CallOptions,
  ): Promise<T[]>;
  search(model: string, domain: Domain, options?: SearchOptions): Promise<number[]>;
  searchCount(model: string, domain: Domain, options?: CallOptions): Promise<number>;
  /** One record per values object; returns their ids in order. */
  create(model: string, valsList: readonly OdooValues[], options?: CallOptions): Promise<number[]>;
  write(model: string, ids: readonly number[], vals: OdooValues, options?: CallOptions): Promise<true>;
  unlink(model: string, ids: readonly number[], options?: CallOptions): Promise<true>;
  /** Odoo's import: an `id` column holds external ids (create or update), `x/id` references by external id. */
  load(
    model: string,
    fields: readonly string[],
    rows: readonly (readonly unknown[])[],
    options?: CallOptions,
  ): Promise<LoadResult>;
  /** A record method without arguments: action_confirm, button_validate, action_post... */
  callAction<T = unknown>(
    model: string,
    method: string,
    ids: readonly number[],
    options?: CallOptions,
  ): Promise<T>;
  /** Any public method, named arguments; `ids` makes it a record call. */
  call<T = unknown>(
    model: string,
    method: string,
    params?: Record<string, unknown>,
    options?: CallOptions & { ids?: readonly number[] },
  ): Promise<T>;
}

const DEFAULT_TIMEOUT_MS = 30_000;

class Semaphore {
  private available: number;
  private readonly waiting: (() => void)[] = [];

  constructor(size: number) {
    this.available = size;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.available > 0) this.available -= 1;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.available += 1;
    }
  }
}

function defined(params: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(params).filter(([, value]) => value !== undefined));
}

function shapeError(call: { model: string; method: string }, detail: string): OdooError {
  return new OdooError({
    code: OdooErrorCode.PROTOCOL,
    message: `${call.model}.${call.method}: unexpected result (${detail})`,
    model: call.model,
    method: call.method,
  });
}

const isIdList = (value: unknown): value is number[] =>
  Array.isArray(value) && value.every((id) => Number.isInteger(id));

class HttpOdooClient implements OdooClient {
  private readonly http: HttpSettings;
  private readonly url: string;
  private readonly timeoutMs: number;
  private readonly limiter?: Semaphore;
  private transportPromise?: Promise<OdooTransport>;
  private versionPromise?: Promise<OdooServerVersion>;

  constructor(private readonly options: OdooClientOptions) {
    this.url = options.url.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.http = { fetch: options.fetch ?? fetch, userAgent: options.userAgent ?? 'tradewind-odoo-client' };
    if (options.maxConcurrentRequests !== undefined && options.maxConcurrentRequests > 0) {
      this.limiter = new Semaphore(options.maxConcurrentRequests);
    }
  }

  async flavor(): Promise<OdooApiFlavor> {
    return (await this.transport()).flavor;
  }

  serverVersion(options: CallOptions = {}): Promise<OdooServerVersion> {
    if (!this.versionPromise) {
      this.versionPromise = detectServerVersion(this.url, this.http, options.timeoutMs ?? this.timeoutMs);
      this.versionPromise.catch(() => (this.versionPromise = undefined));
    }
    return this.versionPromise;
  }

  async searchRead<T extends OdooRecord = OdooRecord>(
    model: string,
    domain: Domain,
    options: SearchReadOptions = {},
  ): Promise<T[]> {
    const result = await this.exec({
      model,
      method: 'search_read',
      params: defined({
        domain,
        fields: options.fields,
        offset: options.offset,
        limit: options.limit,
        order: options.order,
        load: options.load,
      }),
      positional: ['domain'],
      ...this.callSettings(options),
    });
    if (!Array.isArray(result)) throw shapeError({ model, method: 'search_read' }, 'not a list');
    return result as T[];
  }

  async read<T extends OdooRecord = OdooRecord>(
    model: string,
    ids: readonly number[],
    fields?: readonly string[],
    options: CallOptions = {},
  ): Promise<T[]> {
    const result = await this.exec({
      model,
      method: 'read',
      ids,
      params: defined({ fields }),
      ...this.callSettings(options),
    });
    if (!Array.isArray(result)) throw shapeError({ model, method: 'read' }, 'not a list');
    return result as T[];
  }

  async search(model: string, domain: Domain, options: SearchOptions = {}): Promise<number[]> {
    const result = await this.exec({
      model,
      method: 'search',
      params: defined({ domain, offset: options.offset, limit: options.limit, order: options.order }),
      positional: ['domain'],
      ...this.callSettings(options),
    });
    if (!isIdList(result)) throw shapeError({ model, method: 'search' }, 'not a list of ids');
    return result;
  }

  async searchCount(model: string, domain: Domain, options: CallOptions = {}): Promise<number> {
    const result = await this.exec({
      model,
      method: 'search_count',
      params: { domain },
      positional: ['domain'],
      ...this.callSettings(options),
    });
    if (typeof result !== 'number') throw shapeError({ model, method: 'search_count' }, 'not a number');
    return result;
  }

  async create(model: string, valsList: readonly OdooValues[], options: CallOptions = {}): Promise<number[]> {
    const result = await this.exec({
      model,
      method: 'create',
      params: { vals_list: valsList },
      positional: ['vals_list'],
      ...this.callSettings(options),
    });
    if (!isIdList(result) || result.length !== valsList.length)
      throw shapeError({ model, method: 'create' }, 'not one id per values');
    return result;
  }

  async write(
    model: string,
    ids: readonly number[],
    vals: OdooValues,
    options: CallOptions = {},
  ): Promise<true> {
    const result = await this.exec({
      model,
      method: 'write',
      ids,
      params: { vals },
      positional: ['vals'],
      ...this.callSettings(options),
    });
    if (result !== true) throw shapeError({ model, method: 'write' }, 'not true');
    return true;
  }

  async unlink(model: string, ids: readonly number[], options: CallOptions = {}): Promise<true> {
    const result = await this.exec({
      model,
      method: 'unlink',
      ids,
      params: {},
      ...this.callSettings(options),
    });
    if (result !== true) throw shapeError({ model, method: 'unlink' }, 'not true');
    return true;
  }

  async load(
    model: string,
    fields: readonly string[],
    rows: readonly (readonly unknown[])[],
    options: CallOptions = {},
  ): Promise<LoadResult> {
    const result = (await this.exec({
      model,
      method: 'load',
      params: { fields, data: rows },
      positional: ['fields', 'data'],
      ...this.callSettings(options),
    })) as Partial<LoadResult> | null;
    if (
      !result ||
      typeof result !== 'object' ||
      !Array.isArray(result.messages) ||
      !(result.ids === false || isIdList(result.ids))
    ) {
      throw shapeError({ model, method: 'load' }, 'not {ids, messages}');
    }
    return {
      ids: result.ids,
      messages: result.messages,
      nextrow: typeof result.nextrow === 'number' ? result.nextrow : 0,
    };
  }

  async callAction<T = unknown>(
    model: string,
    method: string,
    ids: readonly number[],
    options: CallOptions = {},
  ): Promise<T> {
    return (await this.exec({ model, method, ids, params: {}, ...this.callSettings(options) })) as T;
  }

  async call<T = unknown>(
    model: string,
    method: string,
    params: Record<string, unknown> = {},
    options: CallOptions & { ids?: readonly number[] } = {},
  ): Promise<T> {
    return (await this.exec({ model, method, ids: options.ids, params, ...this.callSettings(options) })) as T;
  }

  private callSettings(options: CallOptions): { context?: OdooContext; timeoutMs: number } {
    const context =
      this.options.context || options.context ? { ...this.options.context, ...options.context } : undefined;
    return { context, timeoutMs: options.timeoutMs ?? this.timeoutMs };
  }

  private async exec(call: OdooCall): Promise<unknown> {
    const transport = await this.transport();
    return this.limiter ? this.limiter.run(() => transport.execute(call)) : transport.execute(call);
  }

  private transport(): Promise<OdooTransport> {
    if (!this.transportPromise) {
      this.transportPromise = this.createTransport();
      this.transportPromise.catch(() => (this.transportPromise = undefined));
    }
    return this.transportPromise;
  }

  private async createTransport(): Promise<OdooTransport> {
    const requested = this.options.apiFlavor ?? 'auto';
    const flavor = requested === 'auto' ? (await this.serverVersion()).flavor : requested;
    const { db, apiKey, login, uid } = this.options;
    return flavor === 'json2'
      ? new Json2Transport({ url: this.url, db, apiKey, http: this.http })
      : new JsonRpcTransport({
          url: this.url,
          db,
          apiKey,
          login,
          uid,
          http: this.http,
          timeoutMs: this.timeoutMs,
        });
  }
}

export function createOdooClient(options: OdooClientOptions): OdooClient {
  return new HttpOdooClient(options);
}
