// `load(fields, data)` as odoo/models.py implements it: rows extracted into records (one2many lines span
// the following rows), cells converted per field type (ir.fields.converter), records created or updated
// by external id, every failure reported as a message, and nothing kept when any message is an error.
import { Env, IntegrityViolation } from './env';
import { asText, type FieldDef, type ModelDef } from './model.types';
import { pyRepr, PythonError, typeError, valueError } from './python-error';
import { xmlidUniqueViolation } from './record-faults';

export interface LoadMessage {
  type: 'error' | 'warning';
  message: string;
  record?: number;
  field?: string;
  field_name?: string;
  rows?: { from: number; to: number };
  moreinfo?: unknown;
}

export interface LoadResult {
  ids: number[] | false;
  messages: LoadMessage[];
  nextrow: number;
}

type Cell = unknown;
/** An extracted record: raw cells for plain fields, lists of sub-records for relational ones. */
type Extracted = Record<string, unknown>;

/** 'partner_id:id' → 'partner_id/id', 'partner_id.id' → 'partner_id/.id' (fix_import_export_id_paths). */
function fixPath(path: string): string[] {
  return path
    .replace(/([^/])\.id/g, '$1/.id')
    .replace(/([^/]):id/g, '$1/id')
    .split('/');
}

const isEmpty = (cell: Cell): boolean => cell === undefined || cell === null || cell === '' || cell === false;

function extract(
  env: Env,
  model: string,
  paths: string[][],
  data: Cell[][],
): { record: Extracted; from: number; to: number }[] {
  const def = env.model(model);
  for (const [fname] of paths) {
    if (fname === '' || fname === 'id' || fname === '.id') continue;
    if (!def.fields[fname]) throw valueError(`Invalid field name ${pyRepr(fname)}`);
  }
  const isRelational = (fname: string): boolean => Boolean(def.fields[fname]?.relation) && fname !== 'id';
  const o2mIndexes = paths.flatMap((p, i) => (def.fields[p[0]]?.type === 'one2many' ? [i] : []));
  const otherIndexes = paths.flatMap((p, i) => (def.fields[p[0]]?.type === 'one2many' ? [] : [i]));
  const onlyO2m = (row: Cell[]): boolean =>
    o2mIndexes.some((i) => !isEmpty(row[i])) && !otherIndexes.some((i) => !isEmpty(row[i]));

  const out: { record: Extracted; from: number; to: number }[] = [];
  let index = 0;
  while (index < data.length) {
    const row = data[index];
    const record: Extracted = {};
    paths.forEach((path, i) => {
      if (!isRelational(path[0])) record[path[0]] = row[i];
    });
    let end = index + 1;
    while (end < data.length && onlyO2m(data[end])) end++;
    const span = data.slice(index, end);
    for (const relfield of new Set(paths.map((p) => p[0]).filter(isRelational))) {
      const indices = paths.flatMap((p, i) => (p[0] === relfield ? [i] : []));
      const subpaths = indices.map((i) => (paths[i].length > 1 ? paths[i].slice(1) : ['']));
      const subData = span
        .map((r) => indices.map((i) => r[i]))
        .filter((cells) => cells.some((c) => !isEmpty(c)));
      const comodel = def.fields[relfield].relation!;
      record[relfield] =
        def.fields[relfield].type === 'one2many'
          ? extract(env, comodel, subpaths, subData).map((sub) => sub.record)
          : subData.map((cells) => Object.fromEntries(subpaths.map((p, k) => [p.join('/'), cells[k]])));
    }
    out.push({ record, from: index, to: end - 1 });
    index = end;
  }
  return out;
}

interface ConvertError {
  field: string;
  message: string;
  type: 'error' | 'warning';
  moreinfo?: unknown;
}

function possibleValues(comodel: string): unknown {
  return {
    name: 'Possible Values',
    type: 'ir.actions.act_window',
    target: 'new',
    view_mode: 'list,form',
    res_model: comodel,
    context: { create: false },
  };
}

/** Resolves a many2one reference cell by external id, database id or name (`db_id_for`). */
function referenceId(env: Env, field: FieldDef, sub: Record<string, unknown>): number | false {
  const comodel = field.relation!;
  const keys = Object.keys(sub).filter((k) => !isEmpty(sub[k]));
  if (keys.length === 0) return false;
  if (keys.length > 1) {
    throw new PythonError(
      'builtins.ValueError',
      'Ambiguous specification for field %(field)s, only provide one of name, external id or database id',
    );
  }
  const [key] = keys;
  const value = asText(sub[key]);
  const notFound = (kind: string): PythonError =>
    new PythonError(
      'builtins.ValueError',
      `No matching record found for ${kind} '${value}' in field '%(field)s'`,
      [
        `No matching record found for ${kind} '${value}' in field '%(field)s'`,
        { moreinfo: possibleValues(comodel) },
      ],
    );
  if (key === 'id') {
    const complete = value.includes('.')
      ? value
      : `${asText(env.context._import_current_module ?? '__import__')}.${value}`;
    const target = env.store.resolveExternalId(complete);
    if (!target || target.model !== comodel || !env.store.get(comodel, target.resId))
      throw notFound('external id');
    return target.resId;
  }
  if (key === '.id') {
    const id = Number(value);
    if (!Number.isInteger(id)) {
      throw new PythonError(
        'builtins.ValueError',
        `Invalid database id '${value}' for the field '%(field)s'`,
      );
    }
    if (!env.store.get(comodel, id)) throw notFound('database id');
    return id;
  }
  const matches = env.sudo().search(comodel, [['display_name', '=', value]]);
  if (matches.length === 0) throw notFound('name');
  return matches[0];
}

function convertCell(
  env: Env,
  def: ModelDef,
  fname: string,
  cell: unknown,
  warn: (e: ConvertError) => void,
): unknown {
  const field = def.fields[fname];
  if (field.type === 'many2one') {
    const subs = (cell as Record<string, unknown>[]) ?? [];
    return subs.length === 0 ? false : referenceId(env, field, subs[0]);
  }
  if (field.type === 'many2many') {
    const ids: number[] = [];
    for (const sub of (cell as Record<string, unknown>[]) ?? []) {
      for (const [key, value] of Object.entries(sub)) {
        if (isEmpty(value)) continue;
        for (const part of asText(value).split(',')) {
          const id = referenceId(env, field, { [key]: part.trim() });
          if (id !== false) ids.push(id);
        }
      }
    }
    return [[6, 0, ids]];
  }
  if (field.type === 'one2many') {
    const comodelDef = env.model(field.relation!);
    const commands: unknown[] = [];
    for (const sub of (cell as Extracted[]) ?? []) {
      const vals = convertRecord(env, comodelDef, sub, (e) => {
        if (e.type === 'warning') return warn(e);
        throw new PythonError(
          'builtins.ValueError',
          e.message.replace('%(field)s', `%(field)s/${comodelDef.fields[e.field]?.string ?? e.field}`),
        );
      });
      const xid = typeof sub.id === 'string' && sub.id !== '' ? sub.id : undefined;
      const dbid = sub['.id'];
      let id: number | false = false;
      if (xid !== undefined || !isEmpty(dbid)) {
        try {
          id = referenceId(env, field, xid !== undefined ? { id: xid } : { '.id': dbid });
        } catch (error) {
          if (xid === undefined) throw error;
          vals.id = xid; // unknown line external id: created and registered with the parent
        }
      }
      if (id !== false) commands.push([4, id], [1, id, vals]);
      else commands.push([0, 0, vals]);
    }
    return commands;
  }
  if (isEmpty(cell)) return false;
  const text = typeof cell === 'string' ? cell.trim() : cell;
  switch (field.type) {
    case 'integer':
      if (typeof text === 'number' ? !Number.isInteger(text) : !/^[-+]?\d+$/.test(asText(text))) {
        throw new PythonError(
          'builtins.ValueError',
          `'${asText(cell)}' does not seem to be an integer for field '%(field)s'`,
        );
      }
      return Number(text);
    case 'float':
    case 'monetary': {
      const number = Number(text);
      if (Number.isNaN(number)) {
        throw new PythonError(
          'builtins.ValueError',
          `'${asText(cell)}' does not seem to be a number for field '%(field)s'`,
        );
      }
      return number;
    }
    case 'boolean': {
      const lowered = asText(text).toLowerCase();
      if (['1', 'true', 'yes'].includes(lowered) || text === true) return true;
      if (['0', 'false', 'no'].includes(lowered)) return false;
      warn({
        field: fname,
        type: 'warning',
        message: `Unknown value '${asText(cell)}' for boolean field '%(field)s', assuming 'yes'`,
      });
      return true;
    }
    case 'selection': {
      const lowered = asText(text).toLowerCase();
      const match = field.selection!.find(([key, label]) => key === text || label.toLowerCase() === lowered);
      if (!match) {
        throw new PythonError(
          'builtins.ValueError',
          `Value '${asText(cell)}' not found in selection field '%(field)s'`,
        );
      }
      return match[0];
    }
    case 'date':
      if (!/^\d{4}-\d{2}-\d{2}$/.test(asText(text))) {
        throw new PythonError(
          'builtins.ValueError',
          `'${asText(cell)}' does not seem to be a valid date for field '%(field)s'`,
        );
      }
      return text;
    case 'datetime':
      if (!/^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}(:\d{2})?)?$/.test(asText(text))) {
        throw new PythonError(
          'builtins.ValueError',
          `'${asText(cell)}' does not seem to be a valid datetime for field '%(field)s'`,
        );
      }
      return text;
    case 'char':
    case 'text':
      return asText(cell);
  }
}

function convertRecord(
  env: Env,
  def: ModelDef,
  record: Extracted,
  log: (e: ConvertError) => void,
): Record<string, unknown> {
  const vals: Record<string, unknown> = {};
  for (const [fname, cell] of Object.entries(record)) {
    if (fname === 'id' || fname === '.id' || fname === '') continue;
    try {
      vals[fname] = convertCell(env, def, fname, cell, log);
    } catch (error) {
      if (!(error instanceof PythonError)) throw error;
      const extra = (error.pythonArgs[1] as { moreinfo?: unknown } | undefined)?.moreinfo;
      log({ field: fname, type: 'error', message: error.message, ...(extra ? { moreinfo: extra } : {}) });
    }
  }
  return vals;
}

/** Creates or updates one record; line external ids found in one2many commands are registered too. */
function loadRecord(
  env: Env,
  model: string,
  xid: string | undefined,
  dbid: number | undefined,
  vals: Record<string, unknown>,
): number {
  const def = env.model(model);
  // per one2many field, the external id (or undefined) of each create command, in command order
  const created: { comodel: string; inverse: string; xids: (string | undefined)[] }[] = [];
  for (const [fname, value] of Object.entries(vals)) {
    const field = def.fields[fname];
    if (field.type !== 'one2many' || !Array.isArray(value)) continue;
    const xids: (string | undefined)[] = [];
    for (const command of value as unknown[][]) {
      if (command[0] !== 0) continue;
      const lineVals = command[2] as Record<string, unknown>;
      xids.push(typeof lineVals.id === 'string' ? lineVals.id : undefined);
      delete lineVals.id;
    }
    if (xids.some((x) => x !== undefined))
      created.push({ comodel: field.relation!, inverse: field.inverse!, xids });
  }
  const target = xid !== undefined ? env.store.resolveExternalId(completeName(xid)) : undefined;
  const existing =
    target && target.model === model && env.store.get(model, target.resId) ? target.resId : dbid;
  const before = created.map((c) =>
    existing === undefined ? [] : env.store.referencing(c.comodel, c.inverse, existing),
  );
  let id: number;
  if (existing !== undefined) {
    env.write(model, [existing], vals);
    id = existing;
  } else {
    id = env.create(model, [vals])[0];
    if (xid !== undefined) registerExternalId(env, completeName(xid), model, id);
  }
  created.forEach(({ comodel, inverse, xids }, index) => {
    // create commands make new lines in command order: pair them with the new ids, ascending
    const fresh = env.store.referencing(comodel, inverse, id).filter((line) => !before[index].includes(line));
    xids.forEach((lineXid, k) => {
      if (lineXid !== undefined && fresh[k] !== undefined)
        registerExternalId(env, completeName(lineXid), comodel, fresh[k]);
    });
  });
  return id;
}

function completeName(xid: string): string {
  return xid.includes('.') ? xid : `__import__.${xid}`;
}

export function registerExternalId(env: Env, complete: string, model: string, resId: number): void {
  const dot = complete.indexOf('.');
  const module = complete.slice(0, dot);
  const name = complete.slice(dot + 1);
  const existing = env.store.resolveExternalId(complete);
  const sudo = env.sudo();
  if (existing) sudo.write('ir.model.data', [existing.dataId], { model, res_id: resId });
  else sudo.create('ir.model.data', [{ module, name, model, res_id: resId, noupdate: false }]);
}

export function load(env: Env, model: string, fields: unknown, data: unknown): LoadResult {
  if (!Array.isArray(fields) || !fields.every((f) => typeof f === 'string')) {
    throw typeError("'fields' must be a list of field names");
  }
  if (!Array.isArray(data) || !data.every((row) => Array.isArray(row))) {
    throw typeError("'data' must be a list of rows");
  }
  const def = env.model(model);
  const savepoint = env.store.savepoint();
  const messages: LoadMessage[] = [];
  const ids: number[] = [];
  const records = extract(env, model, fields.map(fixPath), data as Cell[][]);
  let errors = 0;
  const twins: { xid: string; vals: Record<string, unknown> }[] = [];

  for (const [index, { record, from, to }] of records.entries()) {
    const info = { rows: { from, to } };
    const vals = convertRecord(env, def, record, (e) =>
      messages.push({
        ...info,
        type: e.type,
        record: index,
        field: e.field,
        field_name: def.fields[e.field]?.string ?? e.field,
        message: e.message.replace('%(field)s', def.fields[e.field]?.string ?? e.field),
        ...(e.moreinfo ? { moreinfo: e.moreinfo } : {}),
      }),
    );
    const xid = typeof record.id === 'string' && record.id !== '' ? record.id : undefined;
    const rawDbid = record['.id'];
    let dbid: number | undefined;
    if (!isEmpty(rawDbid)) {
      dbid = Number(rawDbid);
      if (!Number.isInteger(dbid) || !env.store.get(model, dbid)) {
        messages.push({
          ...info,
          type: 'error',
          record: index,
          field: '.id',
          message: `Unknown database identifier '${asText(rawDbid)}'`,
        });
        dbid = undefined;
      }
    }
    const recordSavepoint = env.store.savepoint();
    try {
      if (xid !== undefined && !env.store.resolveExternalId(completeName(xid))) {
        if (env.store.faults.takeConcurrentCreate(completeName(xid))) {
          twins.push({ xid, vals: structuredClone(vals) });
          throw xmlidUniqueViolation(completeName(xid));
        }
      }
      ids.push(loadRecord(env, model, xid, dbid, vals));
    } catch (error) {
      env.store.rollbackTo(recordSavepoint);
      errors += 1;
      if (error instanceof IntegrityViolation) {
        messages.push({
          ...info,
          record: index,
          type: 'error',
          message: error.loadMessage,
          field: error.fieldName,
        });
      } else if (error instanceof PythonError && error.pythonName.startsWith('psycopg2.')) {
        // psycopg2.Error: the database's own message (a constraint of another table, as here)
        messages.push({ ...info, record: index, type: 'error', message: error.message });
      } else if (error instanceof PythonError && error.pythonName.startsWith('odoo.exceptions.')) {
        messages.push({ ...info, record: index, type: 'error', message: error.message });
      } else if (error instanceof PythonError) {
        messages.push({
          ...info,
          record: index,
          type: 'error',
          message: `Unknown error during import: <class '${error.pythonName.replace(/^builtins\./, '')}'>: ${error.message}`,
          moreinfo: 'Resolve other errors first',
        });
      } else {
        throw error;
      }
      if (errors >= 10 && errors >= (index + 1) / 10) {
        messages.push({
          type: 'warning',
          message:
            'Found more than 10 errors and more than one error per 10 records, interrupted to avoid showing too many errors.',
        });
        break;
      }
    }
  }

  if (messages.some((m) => m.type === 'error')) {
    env.store.rollbackTo(savepoint);
    // the concurrent twins committed in transactions of their own: they stay
    for (const twin of twins) loadRecord(env, model, twin.xid, undefined, twin.vals);
    return { ids: false, messages, nextrow: 0 };
  }
  return { ids, messages, nextrow: 0 };
}
