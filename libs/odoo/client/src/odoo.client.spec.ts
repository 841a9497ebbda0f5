// Error mapping and request shapes of both transports, against a tiny stub HTTP server that answers
// what Odoo (or a proxy in front of it) answers.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';

import { createOdooClient, type OdooClient, type OdooClientOptions, OdooError, OdooErrorCode } from './index';

interface StubAnswer {
  status: number;
  body: string;
  headers?: Record<string, string>;
  /** Never answer (for timeouts). */
  hang?: boolean;
}

interface Seen {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: unknown;
}

class Stub {
  server!: Server;
  url = '';
  seen: Seen[] = [];
  private route: (seen: Seen) => StubAnswer = () => ({ status: 500, body: 'unset' });

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const seen: Seen = {
          method: req.method ?? '',
          path: req.url ?? '',
          headers: req.headers,
          body: text ? JSON.parse(text) : undefined,
        };
        this.seen.push(seen);
        const answer = this.route(seen);
        if (answer.hang) return;
        res.writeHead(answer.status, { 'Content-Type': 'application/json', ...answer.headers });
        res.end(answer.body);
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  answer(route: (seen: Seen) => StubAnswer): void {
    this.seen = [];
    this.route = route;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

const odooError = (
  status: number,
  name: string,
  message: string,
  headers?: Record<string, string>,
): StubAnswer => ({
  status,
  headers,
  body: JSON.stringify({ name, message, arguments: [message], context: {}, debug: 'Traceback ...' }),
});

const rpcError = (name: string, message: string, code = 200): StubAnswer => ({
  status: 200,
  body: JSON.stringify({
    jsonrpc: '2.0',
    id: 1,
    error: {
      code,
      message: 'Odoo Server Error',
      data: { name, debug: 'Traceback ...', message, arguments: [message], context: {} },
    },
  }),
});

const rpcResult = (result: unknown): StubAnswer => ({
  status: 200,
  body: JSON.stringify({ jsonrpc: '2.0', id: 1, result }),
});

async function failure(promise: Promise<unknown>): Promise<OdooError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof OdooError, `expected an OdooError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the call to fail');
}

const stub = new Stub();
const clientFor = (options: Partial<OdooClientOptions> = {}): OdooClient =>
  createOdooClient({
    url: stub.url,
    db: 'db1',
    apiKey: 'key1',
    login: 'bot',
    apiFlavor: 'json2',
    timeoutMs: 2_000,
    ...options,
  });

before(() => stub.start());
after(() => stub.stop());

describe('JSON-2 transport', () => {
  it('posts named arguments with ids and context, bearer key and database header', async () => {
    stub.answer(() => ({ status: 200, body: 'true' }));
    await clientFor({ context: { lang: 'en_US' } }).write('res.partner', [7], { name: 'x' });
    const [seen] = stub.seen;
    assert.equal(seen.method, 'POST');
    assert.equal(seen.path, '/json/2/res.partner/write');
    assert.equal(seen.headers.authorization, 'bearer key1');
    assert.equal(seen.headers['x-odoo-database'], 'db1');
    assert.deepEqual(seen.body, { vals: { name: 'x' }, ids: [7], context: { lang: 'en_US' } });
  });

  const cases: [string, StubAnswer, OdooErrorCode, { retryable: boolean; business: boolean }][] = [
    [
      '401 Unauthorized',
      odooError(401, 'werkzeug.exceptions.Unauthorized', 'Invalid apikey'),
      OdooErrorCode.AUTHENTICATION,
      { retryable: false, business: false },
    ],
    [
      '403 AccessError',
      odooError(403, 'odoo.exceptions.AccessError', 'You are not allowed'),
      OdooErrorCode.ACCESS_DENIED,
      { retryable: false, business: false },
    ],
    [
      '403 AccessDenied',
      odooError(403, 'odoo.exceptions.AccessDenied', 'Session user does not match the used apikey.'),
      OdooErrorCode.AUTHENTICATION,
      { retryable: false, business: false },
    ],
    [
      '404 unknown model',
      odooError(404, 'werkzeug.exceptions.NotFound', "the model 'x' does not exist"),
      OdooErrorCode.INVALID_REQUEST,
      { retryable: false, business: false },
    ],
    [
      '404 MissingError',
      odooError(404, 'odoo.exceptions.MissingError', 'Record does not exist or has been deleted.'),
      OdooErrorCode.MISSING_RECORD,
      { retryable: false, business: true },
    ],
    [
      '400 BadRequest',
      odooError(400, 'werkzeug.exceptions.BadRequest', 'could not parse the body as json'),
      OdooErrorCode.INVALID_REQUEST,
      { retryable: false, business: false },
    ],
    [
      '422 UnprocessableEntity',
      odooError(422, 'werkzeug.exceptions.UnprocessableEntity', "got an unexpected keyword argument 'x'"),
      OdooErrorCode.INVALID_REQUEST,
      { retryable: false, business: false },
    ],
    [
      '422 UserError',
      odooError(422, 'odoo.exceptions.UserError', 'Some orders are not in a state requiring confirmation.'),
      OdooErrorCode.VALIDATION,
      { retryable: false, business: true },
    ],
    [
      '422 ValidationError',
      odooError(422, 'odoo.exceptions.ValidationError', 'The operation cannot be completed'),
      OdooErrorCode.VALIDATION,
      { retryable: false, business: true },
    ],
    [
      '422 addon UserError subclass',
      odooError(422, 'odoo.addons.sale.models.x.CreditLimitError', 'Credit limit'),
      OdooErrorCode.VALIDATION,
      { retryable: false, business: true },
    ],
    [
      '409 LockError',
      odooError(409, 'odoo.exceptions.LockError', 'could not lock'),
      OdooErrorCode.CONCURRENCY,
      { retryable: true, business: false },
    ],
    [
      '500 serialization failure',
      odooError(
        500,
        'psycopg2.errors.SerializationFailure',
        'could not serialize access due to concurrent update\n',
      ),
      OdooErrorCode.CONCURRENCY,
      { retryable: true, business: false },
    ],
    [
      '500 ValueError (unknown field)',
      odooError(500, 'builtins.ValueError', "Invalid field 'x' on model 'res.partner'"),
      OdooErrorCode.INVALID_REQUEST,
      { retryable: false, business: false },
    ],
    [
      '500 unexpected exception',
      odooError(500, 'builtins.RuntimeError', 'boom'),
      OdooErrorCode.SERVER_ERROR,
      { retryable: true, business: false },
    ],
    [
      '503 proxy page',
      {
        status: 503,
        body: '<html>503 Service Temporarily Unavailable</html>',
        headers: { 'Content-Type': 'text/html', 'Retry-After': '7' },
      },
      OdooErrorCode.UNAVAILABLE,
      { retryable: true, business: false },
    ],
    [
      '502 bad gateway',
      { status: 502, body: 'Bad Gateway', headers: { 'Content-Type': 'text/plain' } },
      OdooErrorCode.UNAVAILABLE,
      { retryable: true, business: false },
    ],
    [
      '504 gateway timeout',
      { status: 504, body: 'Gateway Timeout', headers: { 'Content-Type': 'text/plain' } },
      OdooErrorCode.TIMEOUT,
      { retryable: true, business: false },
    ],
    [
      '200 not JSON',
      { status: 200, body: '<html>login</html>', headers: { 'Content-Type': 'text/html' } },
      OdooErrorCode.PROTOCOL,
      { retryable: false, business: false },
    ],
  ];
  for (const [title, answer, code, flags] of cases) {
    it(`maps ${title} to ${code}`, async () => {
      stub.answer(() => answer);
      const error = await failure(clientFor().searchRead('res.partner', []));
      assert.equal(error.code, code);
      assert.equal(error.retryable, flags.retryable);
      assert.equal(error.business, flags.business);
      assert.equal(error.httpStatus, answer.status);
      assert.equal(error.model, 'res.partner');
      assert.equal(error.method, 'search_read');
    });
  }

  it('keeps Odoo name, message and arguments', async () => {
    stub.answer(() => odooError(422, 'odoo.exceptions.UserError', 'Nope'));
    const error = await failure(clientFor().callAction('sale.order', 'action_confirm', [1]));
    assert.equal(error.odooName, 'odoo.exceptions.UserError');
    assert.equal(error.odooMessage, 'Nope');
    assert.deepEqual(error.odooArguments, ['Nope']);
    assert.equal(error.odooDebug, 'Traceback ...');
  });

  it('reads Retry-After as seconds and as an HTTP date', async () => {
    stub.answer(() => ({ status: 503, body: 'busy', headers: { 'Retry-After': '7' } }));
    assert.equal((await failure(clientFor().search('res.partner', []))).retryAfterMs, 7_000);
    stub.answer(() => ({
      status: 429,
      body: 'slow down',
      headers: { 'Retry-After': new Date(Date.now() + 30_000).toUTCString() },
    }));
    const error = await failure(clientFor().search('res.partner', []));
    assert.equal(error.code, OdooErrorCode.RATE_LIMITED);
    assert.ok(
      error.retryAfterMs! > 25_000 && error.retryAfterMs! <= 30_000,
      `retryAfterMs ${error.retryAfterMs}`,
    );
  });

  it('times out a call that gets no answer, outcome unknown', async () => {
    stub.answer(() => ({ status: 200, body: '', hang: true }));
    const error = await failure(clientFor({ timeoutMs: 100 }).create('res.partner', [{ name: 'x' }]));
    assert.equal(error.code, OdooErrorCode.TIMEOUT);
    assert.equal(error.retryable, true);
    assert.equal(error.outcomeUnknown, true);
  });

  it('reports a refused connection as TRANSPORT', async () => {
    const error = await failure(
      createOdooClient({ url: 'http://127.0.0.1:1', db: 'x', apiKey: 'k', apiFlavor: 'json2' }).search(
        'res.partner',
        [],
      ),
    );
    assert.equal(error.code, OdooErrorCode.TRANSPORT);
    assert.ok(error.cause);
  });

  it('refuses results of the wrong shape as PROTOCOL', async () => {
    stub.answer(() => ({ status: 200, body: '{"ids": 3}' }));
    assert.equal(
      (await failure(clientFor().load('res.partner', ['name'], [['x']]))).code,
      OdooErrorCode.PROTOCOL,
    );
  });
});

describe('JSON-RPC transport', () => {
  const jsonrpc = (options: Partial<OdooClientOptions> = {}): OdooClient =>
    clientFor({ apiFlavor: 'jsonrpc', ...options });
  beforeEach(() => stub.answer(() => rpcResult(42)));

  it('authenticates once, then calls execute_kw with ids and positional params first', async () => {
    stub.answer((seen) => {
      const params = (seen.body as { params: { service: string } }).params;
      return params.service === 'common' ? rpcResult(9) : rpcResult(true);
    });
    const client = jsonrpc({ context: { lang: 'fr_FR' } });
    await client.write('res.partner', [3], { name: 'y' });
    await client.write('res.partner', [4], { name: 'z' });
    assert.equal(stub.seen.length, 3);
    assert.deepEqual((stub.seen[0].body as { params: unknown }).params, {
      service: 'common',
      method: 'authenticate',
      args: ['db1', 'bot', 'key1', {}],
    });
    assert.equal(stub.seen[1].path, '/jsonrpc');
    assert.deepEqual((stub.seen[1].body as { params: unknown }).params, {
      service: 'object',
      method: 'execute_kw',
      args: ['db1', 9, 'key1', 'res.partner', 'write', [[3], { name: 'y' }], { context: { lang: 'fr_FR' } }],
    });
  });

  it('passes the domain positionally and the other search options by name', async () => {
    stub.answer(() => rpcResult([1, 2]));
    await jsonrpc({ uid: 2 }).search('res.partner', [['name', '=', 'x']], { limit: 5 });
    assert.deepEqual((stub.seen[0].body as { params: { args: unknown[] } }).params.args.slice(5), [
      [[['name', '=', 'x']]],
      { limit: 5 },
    ]);
  });

  it('maps a refused login to AUTHENTICATION', async () => {
    stub.answer(() => rpcResult(false));
    const error = await failure(jsonrpc().search('res.partner', []));
    assert.equal(error.code, OdooErrorCode.AUTHENTICATION);
  });

  const cases: [string, StubAnswer, OdooErrorCode][] = [
    [
      'AccessDenied (bad key for uid)',
      rpcError('odoo.exceptions.AccessDenied', 'Access Denied'),
      OdooErrorCode.AUTHENTICATION,
    ],
    [
      'session expired (code 100)',
      rpcError('odoo.http.SessionExpiredException', 'Session expired', 100),
      OdooErrorCode.AUTHENTICATION,
    ],
    [
      'AccessError',
      rpcError('odoo.exceptions.AccessError', 'You are not allowed to modify'),
      OdooErrorCode.ACCESS_DENIED,
    ],
    [
      'UserError',
      rpcError('odoo.exceptions.UserError', 'Some orders are not in a state requiring confirmation.'),
      OdooErrorCode.VALIDATION,
    ],
    [
      'ValidationError',
      rpcError('odoo.exceptions.ValidationError', 'The operation cannot be completed'),
      OdooErrorCode.VALIDATION,
    ],
    [
      'unknown model',
      rpcError('odoo.exceptions.UserError', "Object foo.bar doesn't exist"),
      OdooErrorCode.INVALID_REQUEST,
    ],
    [
      'unknown method',
      rpcError('builtins.AttributeError', "The method 'x' does not exist on the model 'res.partner'"),
      OdooErrorCode.INVALID_REQUEST,
    ],
    [
      'MissingError',
      rpcError('odoo.exceptions.MissingError', 'Record does not exist or has been deleted.'),
      OdooErrorCode.MISSING_RECORD,
    ],
    [
      'serialization failure',
      rpcError('psycopg2.errors.SerializationFailure', 'could not serialize access'),
      OdooErrorCode.CONCURRENCY,
    ],
    ['unknown exception', rpcError('builtins.KeyError', "'x'"), OdooErrorCode.SERVER_ERROR],
    [
      '503 from the proxy',
      { status: 503, body: '<html>503</html>', headers: { 'Content-Type': 'text/html', 'Retry-After': '3' } },
      OdooErrorCode.UNAVAILABLE,
    ],
    ['no result nor error', { status: 200, body: '{"id": 1}' }, OdooErrorCode.PROTOCOL],
  ];
  for (const [title, answer, code] of cases) {
    it(`maps ${title} to ${code}`, async () => {
      stub.answer(() => answer);
      const error = await failure(jsonrpc({ uid: 2 }).searchRead('res.partner', []));
      assert.equal(error.code, code);
      if (answer.status === 200 && answer.body.includes('"error"')) {
        assert.equal(error.httpStatus, 200);
        assert.ok(error.odooName);
      }
    });
  }

  it('returns null when Odoo leaves `result` out (the method returned None)', async () => {
    stub.answer(() => ({ status: 200, body: '{"jsonrpc": "2.0", "id": 1}' }));
    assert.equal(await jsonrpc({ uid: 2 }).callAction('sale.order', 'action_done', [1]), null);
  });
});

describe('version detection', () => {
  it('uses JSON-2 when GET /web/version says 19', async () => {
    stub.answer((seen) =>
      seen.path === '/web/version'
        ? { status: 200, body: '{"version_info": [19, 0, 0, "final", 0, ""], "version": "19.0"}' }
        : rpcResult([]),
    );
    const client = clientFor({ apiFlavor: 'auto' });
    assert.equal(await client.flavor(), 'json2');
    assert.deepEqual(await client.serverVersion(), { major: 19, version: '19.0', flavor: 'json2' });
  });

  it('falls back to common.version and JSON-RPC for Odoo 17', async () => {
    stub.answer((seen) =>
      seen.path === '/web/version'
        ? { status: 404, body: 'not found', headers: { 'Content-Type': 'text/html' } }
        : rpcResult({
            server_version: '17.0',
            server_version_info: [17, 0, 0, 'final', 0, ''],
            server_serie: '17.0',
            protocol_version: 1,
          }),
    );
    assert.equal(await clientFor({ apiFlavor: 'auto' }).flavor(), 'jsonrpc');
  });
});
