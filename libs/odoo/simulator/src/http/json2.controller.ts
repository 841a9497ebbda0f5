// POST /json/2/<model>/<method> as addons/rpc/controllers/json2.py and odoo/http.py's Json2Dispatcher
// serve it: bearer API key, named arguments, 200 with the JSON result (recordsets as ids), errors as
// {name, message, arguments, context, debug} with the exception's HTTP status.
import { bindNamed, lookupMethod, normalizeIds } from '../orm/method.specs';
import { fakeTraceback, httpError, pyRepr, PythonError } from '../orm/python-error';
import type { SimulatedDatabase } from '../simulated-database';
import { type CallHooks, json, type SimRequest, type SimResponse } from './http.types';

const WWW_AUTHENTICATE = { 'WWW-Authenticate': 'Bearer' };

export function json2ErrorResponse(error: PythonError): SimResponse {
  return json(
    error.httpStatus,
    {
      name: error.pythonName,
      message: error.message,
      arguments: error.pythonArgs,
      context: {},
      debug: fakeTraceback(error),
    },
    error.headers,
  );
}

export function handleJson2(db: SimulatedDatabase, request: SimRequest, hooks: CallHooks): SimResponse {
  try {
    return json(200, dispatch(db, request, hooks));
  } catch (error) {
    if (error instanceof PythonError) return json2ErrorResponse(error);
    throw error;
  }
}

function dispatch(db: SimulatedDatabase, request: SimRequest, hooks: CallHooks): unknown {
  const match = /^\/json\/2\/([^/]+)\/([^/]+)$/.exec(request.path);
  if (request.method !== 'POST' || !match) {
    throw httpError('NotFound', 404, 'Did you mean POST /json/2/<model>/<method>?');
  }
  const model = decodeURIComponent(match[1]);
  const method = decodeURIComponent(match[2]);

  const database = request.headers['x-odoo-database'];
  if (typeof database === 'string' && database !== '' && database !== db.name) {
    throw httpError(
      'NotFound',
      404,
      'The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.',
    );
  }

  // ir.http._auth_method_bearer
  const authorization = request.headers.authorization;
  const token = typeof authorization === 'string' ? /^bearer\s+(.+)$/i.exec(authorization)?.[1] : undefined;
  if (!token) {
    throw httpError(
      'Unauthorized',
      401,
      'User not authenticated, use an API Key with a Bearer Authorization header.',
      WWW_AUTHENTICATE,
    );
  }
  const user = db.userByKey(token.trim());
  if (!user) throw httpError('Unauthorized', 401, 'Invalid apikey', WWW_AUTHENTICATE);

  // Json2Dispatcher.dispatch: the body is the named arguments
  let params: Record<string, unknown> = {};
  if (request.body.length > 0) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(request.body.toString('utf8'));
    } catch (error) {
      throw httpError('BadRequest', 400, `could not parse the body as json: ${(error as Error).message}`);
    }
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed))
      params = parsed as Record<string, unknown>;
  }
  const { ids: rawIds, context, ...kwargs } = params;

  // web_json_2_rpc
  if (!db.registry.get(model)) throw httpError('NotFound', 404, `the model ${pyRepr(model)} does not exist`);
  const env = db.env(user, (context as Record<string, unknown>) ?? {});
  const lookup = lookupMethod(env, model, method);
  if (lookup.kind === 'private') {
    throw new PythonError(
      'odoo.exceptions.AccessError',
      `Private methods (such as '${model}.${method}') cannot be called remotely.`,
      [`Private methods (such as '${model}.${method}') cannot be called remotely.`],
      403,
    );
  }
  if (lookup.kind === 'missing')
    throw httpError('NotFound', 404, `The method '${model}.${method}' does not exist`);
  let ids: number[];
  try {
    ids = normalizeIds(rawIds);
  } catch {
    throw httpError('UnprocessableEntity', 422, `invalid ids: ${pyRepr(rawIds)}`);
  }
  if (lookup.spec.api === 'model' && ids.length > 0) {
    throw httpError('UnprocessableEntity', 422, `cannot call ${model}.${method} with ids`);
  }
  const bound = bindNamed(lookup.spec, kwargs);
  if (typeof bound === 'string') throw httpError('UnprocessableEntity', 422, bound);

  hooks.count(`${model}.${method}`);
  if (hooks.injected) throw hooks.injected;
  const result = db.transaction(() => lookup.spec.run(env, model, ids, bound));
  // a recordset answer is sent as its ids
  return method === 'create' && typeof result === 'number' ? [result] : result;
}
