// Public model methods callable over RPC: the generic ORM ones (with Python-like signatures, so
// arguments are bound and refused the way Odoo does) and each model's declared action methods.
import type { Env } from './env';
import { load } from './load';
import { accessError, pyRepr, typeError, valueError } from './python-error';

export interface ParamSpec {
  name: string;
  required?: boolean;
}

export interface MethodSpec {
  /** `model`: @api.model, called without ids; `records`: called on the given ids. */
  api: 'model' | 'records';
  params: ParamSpec[];
  run: (env: Env, model: string, ids: number[], args: Record<string, unknown>) => unknown;
}

const opt = (name: string): ParamSpec => ({ name });
const req = (name: string): ParamSpec => ({ name, required: true });

const GENERIC_METHODS: Record<string, MethodSpec> = {
  search_read: {
    api: 'model',
    params: [opt('domain'), opt('fields'), opt('offset'), opt('limit'), opt('order'), opt('load')],
    run: (env, model, _ids, a) =>
      env.read(model, env.search(model, a.domain, a), a.fields, a.load ?? '_classic_read'),
  },
  search: {
    api: 'model',
    params: [req('domain'), opt('offset'), opt('limit'), opt('order')],
    run: (env, model, _ids, a) => env.search(model, a.domain, a),
  },
  search_count: {
    api: 'model',
    params: [req('domain'), opt('limit')],
    run: (env, model, _ids, a) => env.search(model, a.domain, { limit: a.limit }).length,
  },
  read: {
    api: 'records',
    params: [opt('fields'), opt('load')],
    run: (env, model, ids, a) =>
      env.read(model, ids, a.fields, a.load === undefined ? '_classic_read' : a.load),
  },
  create: {
    api: 'model',
    params: [req('vals_list')],
    run: (env, model, _ids, a) => {
      // a single dict creates one record and returns its id (model_create_multi)
      if (a.vals_list !== null && typeof a.vals_list === 'object' && !Array.isArray(a.vals_list)) {
        return env.create(model, [a.vals_list])[0];
      }
      if (!Array.isArray(a.vals_list)) throw typeError(`'${typeof a.vals_list}' object is not iterable`);
      return env.create(model, a.vals_list as unknown[]);
    },
  },
  write: {
    api: 'records',
    params: [req('vals')],
    run: (env, model, ids, a) => env.write(model, ids, a.vals),
  },
  unlink: {
    api: 'records',
    params: [],
    run: (env, model, ids) => env.unlink(model, ids),
  },
  load: {
    api: 'model',
    params: [req('fields'), req('data')],
    run: (env, model, _ids, a) => load(env, model, a.fields, a.data),
  },
  name_search: {
    api: 'model',
    params: [opt('name'), opt('domain'), opt('operator'), opt('limit')],
    run: (env, model, _ids, a) => {
      const name = typeof a.name === 'string' ? a.name : '';
      const domain = [
        ...((a.domain as unknown[]) ?? []),
        ...(name ? [['display_name', a.operator ?? 'ilike', name]] : []),
      ];
      return env
        .search(model, domain, { limit: a.limit ?? 100 })
        .map((id) => [id, env.displayName(model, id)]);
    },
  },
  fields_get: {
    api: 'model',
    params: [opt('allfields'), opt('attributes')],
    run: (env, model, _ids, a) => {
      const def = env.model(model);
      const wanted =
        Array.isArray(a.allfields) && a.allfields.length > 0
          ? (a.allfields as string[])
          : Object.keys(def.fields);
      const result: Record<string, Record<string, unknown>> = {};
      for (const name of wanted) {
        const field = def.fields[name];
        if (!field) continue;
        const description: Record<string, unknown> = {
          type: field.type,
          string: field.string,
          required: Boolean(field.required),
          readonly: Boolean(field.compute),
          store: !field.compute,
          ...(field.relation ? { relation: field.relation } : {}),
          ...(field.selection ? { selection: field.selection } : {}),
        };
        result[name] = Array.isArray(a.attributes)
          ? Object.fromEntries(
              Object.entries(description).filter(([key]) => (a.attributes as string[]).includes(key)),
            )
          : description;
      }
      return result;
    },
  },
};

/** Lookup result: a method, a private name (AccessError), or nothing (404 / AttributeError). */
export type MethodLookup = { kind: 'method'; spec: MethodSpec } | { kind: 'private' } | { kind: 'missing' };

export function lookupMethod(env: Env, model: string, method: string): MethodLookup {
  if (method.startsWith('_')) return { kind: 'private' };
  const generic = GENERIC_METHODS[method];
  if (generic) return { kind: 'method', spec: generic };
  const action = env.model(model).actions?.[method];
  if (action)
    return { kind: 'method', spec: { api: 'records', params: [], run: (e, _m, ids) => action(e, ids) } };
  return { kind: 'missing' };
}

export function privateMethodError(label: string): never {
  throw accessError(`Private methods (such as ${label}) cannot be called remotely.`);
}

/** JSON-2: named arguments only, checked like `inspect.signature(func).bind(records, **kwargs)`. */
export function bindNamed(
  spec: MethodSpec,
  kwargs: Record<string, unknown>,
): Record<string, unknown> | string {
  const names = new Set(spec.params.map((p) => p.name));
  for (const key of Object.keys(kwargs)) {
    if (!names.has(key)) return `got an unexpected keyword argument ${pyRepr(key)}`;
  }
  for (const param of spec.params) {
    if (param.required && !(param.name in kwargs))
      return `missing a required argument: ${pyRepr(param.name)}`;
  }
  return kwargs;
}

/** JSON-RPC execute_kw: positional args (ids first for record methods) plus keyword args. */
export function bindPositional(
  spec: MethodSpec,
  method: string,
  args: unknown[],
  kwargs: Record<string, unknown>,
): { ids: number[]; params: Record<string, unknown> } {
  let rest = args;
  let ids: number[] = [];
  if (spec.api === 'records') {
    if (args.length === 0) throw typeError(`${method}() missing 1 required positional argument: 'self'`);
    ids = normalizeIds(args[0]);
    rest = args.slice(1);
  }
  if (rest.length > spec.params.length) {
    throw typeError(
      `${method}() takes ${spec.params.length + 1} positional arguments but ${rest.length + 1} were given`,
    );
  }
  const params: Record<string, unknown> = {};
  rest.forEach((value, index) => (params[spec.params[index].name] = value));
  const names = new Set(spec.params.map((p) => p.name));
  for (const [key, value] of Object.entries(kwargs)) {
    if (!names.has(key)) throw typeError(`${method}() got an unexpected keyword argument ${pyRepr(key)}`);
    if (key in params) throw typeError(`${method}() got multiple values for argument ${pyRepr(key)}`);
    params[key] = value;
  }
  for (const param of spec.params) {
    if (param.required && !(param.name in params)) {
      throw typeError(`${method}() missing 1 required positional argument: ${pyRepr(param.name)}`);
    }
  }
  return { ids, params };
}

export function normalizeIds(value: unknown): number[] {
  if (value === undefined || value === null || value === false) return [];
  const list = Array.isArray(value) ? value : [value];
  if (!list.every((id) => typeof id === 'number' && Number.isInteger(id))) {
    throw valueError(`Invalid ids ${pyRepr(value)}`);
  }
  return list as number[];
}
