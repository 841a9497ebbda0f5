// POST /jsonrpc (Odoo 16-18, deprecated in 19): JSON-RPC 2.0 envelope, services `common` (version, login,
// authenticate), `object` (execute_kw, execute) and `db`; every error is an HTTP 200 with
// `error: {code, message: "Odoo Server Error", data: {name, debug, message, arguments, context}}`.
import { bindPositional, lookupMethod } from '../orm/method.specs';
import { asText } from '../orm/model.types';
import { accessDenied, attributeError, fakeTraceback, PythonError, userError } from '../orm/python-error';
import type { SimulatedDatabase } from '../simulated-database';
import { type CallHooks, json, type SimRequest, type SimResponse, textResponse } from './http.types';

export interface ServerVersion {
  major: number;
}

export function versionInfo(version: ServerVersion): Record<string, unknown> {
  const serie = `${version.major}.0`;
  return {
    server_version: serie,
    server_version_info: [version.major, 0, 0, 'final', 0, ''],
    server_serie: serie,
    protocol_version: 1,
  };
}

export function jsonRpcError(id: unknown, error: PythonError, version: ServerVersion): SimResponse {
  return json(200, {
    jsonrpc: '2.0',
    id,
    error: {
      // JsonRPCDispatcher.handle_error: 200 up to 18, 0 from 19 ("we don't care of this code")
      code: version.major >= 19 ? 0 : 200,
      message: 'Odoo Server Error',
      data: {
        name: error.pythonName,
        debug: fakeTraceback(error),
        message: error.message,
        arguments: error.pythonArgs,
        context: {},
      },
    },
  });
}

export function handleJsonRpc(
  db: SimulatedDatabase,
  request: SimRequest,
  hooks: CallHooks,
  version: ServerVersion,
): SimResponse {
  let payload: { id?: unknown; params?: { service?: unknown; method?: unknown; args?: unknown } };
  try {
    payload = JSON.parse(request.body.toString('utf8')) as typeof payload;
  } catch {
    return textResponse(400, 'Invalid JSON data');
  }
  if (payload === null || typeof payload !== 'object') return textResponse(400, 'Invalid JSON-RPC data');
  const id = payload.id ?? null;
  try {
    const result = dispatchRpc(db, payload.params ?? {}, hooks, version);
    // JsonRPCDispatcher._response leaves `result` out when it is None
    return json(
      200,
      result === null || result === undefined ? { jsonrpc: '2.0', id } : { jsonrpc: '2.0', id, result },
    );
  } catch (error) {
    if (error instanceof PythonError) return jsonRpcError(id, error, version);
    throw error;
  }
}

function dispatchRpc(
  db: SimulatedDatabase,
  params: { service?: unknown; method?: unknown; args?: unknown },
  hooks: CallHooks,
  version: ServerVersion,
): unknown {
  const service = asText(params.service);
  const method = asText(params.method);
  const args = Array.isArray(params.args) ? (params.args as unknown[]) : [];
  switch (service) {
    case 'common':
      hooks.count(`common.${method}`);
      if (method === 'version') return versionInfo(version);
      if (method === 'login' || method === 'authenticate') {
        const [dbName, login, password] = args;
        if (dbName !== db.name) throw missingDatabase(asText(dbName));
        // exp_authenticate turns AccessDenied into False; API keys are valid passwords for RPC
        const user = db.users.find((u) => u.login === login && u.apiKey === password);
        return user ? user.uid : false;
      }
      throw new PythonError('builtins.NameError', `Method not available ${method}`);
    case 'db':
      hooks.count(`db.${method}`);
      if (method === 'list') return [db.name];
      if (method === 'server_version') return `${version.major}.0`;
      throw new PythonError('builtins.NameError', `Method not available ${method}`);
    case 'object':
      return executeKw(db, method, args, hooks);
    default:
      throw new PythonError('builtins.KeyError', `'${service}'`, [service]);
  }
}

function missingDatabase(name: string): PythonError {
  const message = `connection to server failed: FATAL:  database "${name}" does not exist\n`;
  return new PythonError('psycopg2.OperationalError', message, [message]);
}

function executeKw(db: SimulatedDatabase, method: string, args: unknown[], hooks: CallHooks): unknown {
  if (method !== 'execute_kw' && method !== 'execute') {
    throw new PythonError('builtins.NameError', `Method not available ${method}`);
  }
  const [dbName, uid, password, model, modelMethod, ...rest] = args;
  if (dbName !== db.name) throw missingDatabase(asText(dbName));
  // security.check(db, uid, passwd)
  const user = db.userByUid(typeof uid === 'string' ? Number(uid) : uid);
  if (!user || user.apiKey !== password) throw accessDenied();
  const name = asText(modelMethod);
  if (name.startsWith('_')) {
    // odoo/models.py check_method_name
    const message = `Private methods (such as ${name}) cannot be called remotely.`;
    throw new PythonError('odoo.exceptions.AccessError', message, [message], 403);
  }
  const modelName = asText(model);
  if (!db.registry.get(modelName)) throw userError(`Object ${modelName} doesn't exist`);
  const positional = method === 'execute_kw' ? ((rest[0] as unknown[] | undefined) ?? []) : rest;
  const { context, ...kwargs } =
    method === 'execute_kw' ? ((rest[1] as Record<string, unknown> | undefined) ?? {}) : {};
  const env = db.env(user, (context as Record<string, unknown>) ?? {});
  const lookup = lookupMethod(env, modelName, name);
  if (lookup.kind !== 'method')
    throw attributeError(`The method '${name}' does not exist on the model '${modelName}'`);
  if (!Array.isArray(positional)) throw new PythonError('builtins.TypeError', 'args must be a list');
  const bound = bindPositional(lookup.spec, name, positional, kwargs);
  hooks.count(`${modelName}.${name}`);
  if (hooks.injected) throw hooks.injected;
  return db.transaction(() => lookup.spec.run(env, modelName, bound.ids, bound.params));
}
