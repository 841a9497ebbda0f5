// Legacy JSON-RPC (Odoo 16-18; deprecated in 19, removed in 22): POST /jsonrpc, `common.authenticate` for
// the uid, then `object.execute_kw(db, uid, key, model, method, args, kwargs)`. Odoo answers errors with
// HTTP 200 and `error: {code, message, data: {name, debug, message, arguments, context}}`.
import {
  describe,
  exchange,
  type HttpSettings,
  parseJson,
  protocolError,
  statusError,
} from './http.transport';
import { OdooError, OdooErrorCode } from './odoo.exception';
import type { OdooCall, OdooTransport } from './odoo.transport';
import type { OdooApiFlavor } from './odoo.types';
import { classifyOdooFault } from './odoo-error.mapper';

export interface JsonRpcTransportOptions {
  url: string;
  db: string;
  apiKey: string;
  /** Login of the API key's user, for `common.authenticate`; not needed when uid is given. */
  login?: string;
  uid?: number;
  http: HttpSettings;
  /** Timeout of the authenticate call. */
  timeoutMs: number;
}

interface JsonRpcAnswer {
  jsonrpc?: unknown;
  result?: unknown;
  error?: {
    code?: unknown;
    message?: unknown;
    data?: { name?: unknown; message?: unknown; arguments?: unknown; debug?: unknown };
  };
}

export class JsonRpcTransport implements OdooTransport {
  readonly flavor: OdooApiFlavor = 'jsonrpc';
  private uidPromise?: Promise<number>;
  private requestId = 0;

  constructor(private readonly options: JsonRpcTransportOptions) {
    if (options.uid !== undefined) this.uidPromise = Promise.resolve(options.uid);
  }

  async execute(call: OdooCall): Promise<unknown> {
    const uid = await this.uid();
    const positionalNames = call.positional ?? [];
    const positional = positionalNames.filter((name) => name in call.params).map((name) => call.params[name]);
    const kwargs: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(call.params))
      if (!positionalNames.includes(name)) kwargs[name] = value;
    if (call.context !== undefined) kwargs.context = call.context;
    const args = call.ids !== undefined ? [call.ids, ...positional] : positional;
    try {
      return await this.rpc(
        'object',
        'execute_kw',
        [this.options.db, uid, this.options.apiKey, call.model, call.method, args, kwargs],
        call.timeoutMs,
        { model: call.model, method: call.method },
      );
    } catch (error) {
      // a rotated key or a changed user: authenticate again on the next call
      if (
        error instanceof OdooError &&
        error.code === OdooErrorCode.AUTHENTICATION &&
        this.options.uid === undefined
      ) {
        this.uidPromise = undefined;
      }
      throw error;
    }
  }

  /** `common.version()`; also what version detection falls back to. */
  version(timeoutMs: number): Promise<unknown> {
    return this.rpc('common', 'version', [], timeoutMs, {});
  }

  private uid(): Promise<number> {
    if (!this.uidPromise) {
      this.uidPromise = this.authenticate();
      this.uidPromise.catch(() => (this.uidPromise = undefined));
    }
    return this.uidPromise;
  }

  private async authenticate(): Promise<number> {
    const { db, login, apiKey, timeoutMs } = this.options;
    if (!login) {
      throw new OdooError({
        code: OdooErrorCode.AUTHENTICATION,
        message: 'JSON-RPC needs the login (or uid) of the API key user',
      });
    }
    const uid = await this.rpc('common', 'authenticate', [db, login, apiKey, {}], timeoutMs, {
      model: 'common',
      method: 'authenticate',
    });
    if (typeof uid !== 'number' || uid <= 0) {
      throw new OdooError({
        code: OdooErrorCode.AUTHENTICATION,
        message: `Odoo refused login ${JSON.stringify(login)} on database ${JSON.stringify(db)} with the given API key`,
        httpStatus: 200,
        model: 'common',
        method: 'authenticate',
      });
    }
    return uid;
  }

  private async rpc(
    service: string,
    method: string,
    args: unknown[],
    timeoutMs: number,
    target: { model?: string; method?: string },
  ): Promise<unknown> {
    const url = `${this.options.url}/jsonrpc`;
    const id = ++this.requestId;
    const answer = await exchange(
      this.options.http,
      url,
      { method: 'POST', body: { jsonrpc: '2.0', method: 'call', params: { service, method, args }, id } },
      timeoutMs,
      target,
    );
    if (answer.status !== 200) throw statusError(answer, target, url);
    const parsed = parseJson(answer);
    if (!parsed.ok || parsed.value === null || typeof parsed.value !== 'object') {
      throw protocolError(target, url, 'body is not a JSON-RPC object', answer);
    }
    const body = parsed.value as JsonRpcAnswer;
    if (body.error !== undefined) {
      const data = body.error?.data ?? {};
      const name = typeof data.name === 'string' ? data.name : undefined;
      const odooMessage =
        typeof data.message === 'string'
          ? data.message
          : typeof body.error?.message === 'string'
            ? body.error.message
            : '';
      const jsonRpcCode = typeof body.error?.code === 'number' ? body.error.code : undefined;
      throw new OdooError({
        code: classifyOdooFault({ httpStatus: 200, name, message: odooMessage, jsonRpcCode }),
        message: `${describe(target, url)}: ${name ?? 'error'}: ${odooMessage}`,
        httpStatus: 200,
        odooName: name,
        odooMessage,
        odooArguments: Array.isArray(data.arguments) ? (data.arguments as unknown[]) : undefined,
        odooDebug: typeof data.debug === 'string' ? data.debug : undefined,
        jsonRpcCode,
        ...target,
      });
    }
    if ('result' in body) return body.result;
    // JsonRPCDispatcher omits `result` when the method returned None
    if (body.jsonrpc === '2.0') return null;
    throw protocolError(target, url, 'neither result nor error', answer);
  }
}
