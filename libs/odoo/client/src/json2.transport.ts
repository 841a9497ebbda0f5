// Odoo 19+ External JSON-2 API: POST /json/2/<model>/<method>, bearer API key, named arguments, one
// transaction per call; errors as {name, message, arguments, context, debug} with an HTTP status.
import {
  describe,
  exchange,
  type HttpSettings,
  parseJson,
  protocolError,
  statusError,
} from './http.transport';
import { OdooError } from './odoo.exception';
import type { OdooCall, OdooTransport } from './odoo.transport';
import type { OdooApiFlavor } from './odoo.types';
import { classifyOdooFault, parseRetryAfter } from './odoo-error.mapper';

export interface Json2TransportOptions {
  url: string;
  db?: string;
  apiKey: string;
  http: HttpSettings;
}

interface Json2ErrorBody {
  name?: unknown;
  message?: unknown;
  arguments?: unknown;
  debug?: unknown;
}

export class Json2Transport implements OdooTransport {
  readonly flavor: OdooApiFlavor = 'json2';

  constructor(private readonly options: Json2TransportOptions) {}

  async execute(call: OdooCall): Promise<unknown> {
    const url = `${this.options.url}/json/2/${encodeURIComponent(call.model)}/${encodeURIComponent(call.method)}`;
    const target = { model: call.model, method: call.method };
    const body: Record<string, unknown> = { ...call.params };
    if (call.ids !== undefined) body.ids = call.ids;
    if (call.context !== undefined) body.context = call.context;
    const answer = await exchange(
      this.options.http,
      url,
      {
        method: 'POST',
        headers: {
          Authorization: `bearer ${this.options.apiKey}`,
          ...(this.options.db ? { 'X-Odoo-Database': this.options.db } : {}),
        },
        body,
      },
      call.timeoutMs,
      target,
    );
    const parsed = parseJson(answer);
    if (answer.status === 200) {
      if (!parsed.ok) throw protocolError(target, url, 'body is not JSON', answer);
      return parsed.value;
    }
    const error = parsed.ok ? (parsed.value as Json2ErrorBody | null) : null;
    if (!error || typeof error !== 'object' || typeof error.name !== 'string')
      throw statusError(answer, target, url);
    const odooMessage = typeof error.message === 'string' ? error.message : '';
    throw new OdooError({
      code: classifyOdooFault({ httpStatus: answer.status, name: error.name, message: odooMessage }),
      message: `${describe(target, url)}: ${error.name}: ${odooMessage}`,
      httpStatus: answer.status,
      odooName: error.name,
      odooMessage,
      odooArguments: Array.isArray(error.arguments) ? (error.arguments as unknown[]) : undefined,
      odooDebug: typeof error.debug === 'string' ? error.debug : undefined,
      retryAfterMs: parseRetryAfter(answer.headers.get('retry-after')),
      ...target,
    });
  }
}
