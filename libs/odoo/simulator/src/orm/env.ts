// Generic ORM behaviour for every registered model: search, read, create, write, unlink, x2many
// commands, defaults, required fields, access rights. Models declare fields; nothing here is per model.
import { compileDomain, domainMentions } from './domain';
import { asText, type FieldDef, type ModelDef, type ModelRegistry, type Row } from './model.types';
import { accessError, missingError, pyRepr, PythonError, typeError, valueError } from './python-error';
import type { RecordStore } from './record.store';

export interface EnvUser {
  uid: number;
  login: string;
  /** Read-only API users get Odoo's AccessError on create/write/unlink. */
  readOnly: boolean;
}

export type AccessOperation = 'read' | 'write' | 'create' | 'unlink';
type Values = Record<string, unknown>;

/**
 * A NOT NULL or foreign-key violation. Through RPC it surfaces as the ValidationError Odoo's
 * `retrying()` builds (`_as_validation_error`); `load` reports it as an import message instead.
 */
export class IntegrityViolation extends PythonError {
  constructor(
    readonly kind: 'not_null' | 'foreign_key',
    readonly model: ModelDef,
    readonly fieldName: string,
  ) {
    const field = model.fields[fieldName];
    const message =
      kind === 'not_null'
        ? 'The operation cannot be completed:\n' +
          '- Create/update: a mandatory field is not set.\n' +
          '- Delete: another model requires the record being deleted. If possible, archive it instead.\n\n' +
          `Model: ${model.description} (${model.name})\n` +
          `Field: ${field.string} (${fieldName})\n`
        : 'The operation cannot be completed: another model requires the record being deleted. ' +
          'If possible, archive it instead.\n\n' +
          `Model: ${model.description} (${model.name})\n` +
          `Constraint: ${model.name.replace(/\./g, '_')}_${fieldName}_fkey\n`;
    super('odoo.exceptions.ValidationError', message, [message], 422);
  }

  /** What `load` reports for the same violation (odoo/models.py `convert_pgerror_not_null`). */
  get loadMessage(): string {
    const field = this.model.fields[this.fieldName];
    return this.kind === 'not_null'
      ? `Missing required value for the field '${field.string}' (${this.fieldName})`
      : this.message;
  }
}

const ACCESS_VERB: Record<AccessOperation, string> = {
  read: 'access',
  write: 'modify',
  create: 'create',
  unlink: 'delete',
};

export function pad(value: number, width: number): string {
  return asText(value).padStart(width, '0');
}

export function formatDatetime(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}

export class Env {
  constructor(
    readonly store: RecordStore,
    readonly registry: ModelRegistry,
    readonly user: EnvUser,
    readonly context: Record<string, unknown> = {},
    readonly su = false,
  ) {}

  sudo(): Env {
    return new Env(this.store, this.registry, this.user, this.context, true);
  }

  now(): string {
    return formatDatetime(new Date());
  }

  today(): string {
    return this.now().slice(0, 10);
  }

  model(name: string): ModelDef {
    const def = this.registry.get(name);
    if (!def) throw valueError(`Invalid model ${pyRepr(name)}`);
    return def;
  }

  checkAccess(model: string, operation: AccessOperation): void {
    if (this.su || operation === 'read' || !this.user.readOnly) return;
    const def = this.model(model);
    throw accessError(
      `You are not allowed to ${ACCESS_VERB[operation]} '${def.description}' (${model}) records.\n\n` +
        'This operation is allowed for the following groups:\n\t- Role / Administrator\n\n' +
        'Contact your administrator to request access if necessary.',
    );
  }

  /** A record rule or a record-specific server error armed on (model, id) (record-faults.ts). */
  private checkRecordFaults(model: string, id: number): void {
    const fault = this.store.faults.onWrite(
      model,
      id,
      (externalId) => this.store.resolveExternalId(externalId),
      () => ({
        user: asText(this.store.get('res.users', this.user.uid)?.name ?? this.user.login),
        uid: this.user.uid,
        modelDescription: this.model(model).description,
        displayName: this.displayName(model, id),
      }),
    );
    if (fault) throw fault;
  }

  /** The stored row, or Odoo's MissingError. */
  row(model: string, id: number): Row {
    const row = this.store.get(model, id);
    if (!row) throw this.missing(model, [id]);
    return row;
  }

  missing(model: string, ids: number[]): PythonError {
    const tuple = ids.length === 1 ? `${ids[0]},` : ids.join(', ');
    return missingError(
      `Record does not exist or has been deleted.\n(Record: ${model}(${tuple}), User: ${this.user.uid})`,
    );
  }

  /** The field holding the parent in hierarchical models (`child_of`). */
  parentField(model: string): string | undefined {
    const def = this.registry.get(model);
    if (!def) return undefined;
    if (def.fields.parent_id?.relation === model) return 'parent_id';
    if (def.fields.location_id?.relation === model) return 'location_id';
    return undefined;
  }

  /** Raw value: many2one id or null, x2many id lists, computed values evaluated. */
  valueOf(model: string, row: Row, fname: string): unknown {
    if (fname === 'id') return row.id;
    const def = this.model(model);
    if (fname === 'display_name') return this.displayName(model, row.id);
    const field = def.fields[fname];
    if (!field) return undefined;
    if (field.compute) return field.compute(row, this);
    if (field.type === 'one2many') return this.store.referencing(field.relation!, field.inverse!, row.id);
    if (field.type === 'many2many') return row[fname] ?? [];
    return row[fname] ?? null;
  }

  displayName(model: string, id: number): string {
    const def = this.registry.get(model);
    const row = this.store.get(model, id);
    if (!def || !row) return '';
    if (def.displayName) return def.displayName(row, this);
    const recName = def.recName ?? 'name';
    const value = def.fields[recName] ? this.valueOf(model, row, recName) : undefined;
    return typeof value === 'string' && value !== '' ? value : `${model},${id}`;
  }

  // ---------------------------------------------------------------- search / read

  search(
    model: string,
    domain: unknown,
    options: { offset?: unknown; limit?: unknown; order?: unknown } = {},
  ): number[] {
    this.checkAccess(model, 'read');
    const def = this.model(model);
    let effective = domain ?? [];
    if (def.fields.active && this.context.active_test !== false && !domainMentions(effective, 'active')) {
      effective = [['active', '=', true], ...(Array.isArray(effective) ? (effective as unknown[]) : [])];
    }
    const predicate = compileDomain(this, model, effective);
    const candidates = this.indexedCandidates(model, effective);
    const rows =
      candidates === undefined
        ? this.store.rows(model).filter(predicate)
        : candidates.flatMap((id) => {
            const row = this.store.get(model, id);
            return row !== undefined && predicate(row) ? [row] : [];
          });
    this.sort(model, rows, (typeof options.order === 'string' && options.order) || def.order || 'id');
    const offset = Number(options.offset ?? 0) || 0;
    const limit =
      options.limit === null || options.limit === undefined || options.limit === false
        ? undefined
        : Number(options.limit);
    return rows.slice(offset, limit === undefined ? undefined : offset + limit).map((row) => row.id);
  }

  /**
   * Rows an index can narrow a search to, as PostgreSQL's would (the primary key, a stored many2one's
   * index, ir.model.data's (module, name) and (model, res_id)): for a domain that is a plain AND of leaves
   * with an `=`/`in` leaf on one of them; the whole domain is still applied to each candidate, so the
   * result is the same as a scan. Undefined when no index applies (a scan).
   */
  private indexedCandidates(model: string, domain: unknown): number[] | undefined {
    if (!Array.isArray(domain) || domain.length === 0) return undefined;
    const leaves: [string, string, unknown][] = [];
    for (const term of domain as unknown[]) {
      // '|', '&', '!' (Polish notation) or anything else: not a plain AND, scan.
      if (!Array.isArray(term) || term.length !== 3 || typeof term[0] !== 'string') return undefined;
      leaves.push([term[0], String(term[1]).toLowerCase(), term[2]]);
    }
    const equalTo = (value: unknown): unknown[] | undefined =>
      Array.isArray(value) ? value : value === undefined ? undefined : [value];
    const ints = (values: unknown[] | undefined): number[] | undefined =>
      values?.every((v) => Number.isInteger(v)) ? (values as number[]) : undefined;
    let best: number[] | undefined;
    const consider = (ids: number[] | undefined) => {
      if (ids !== undefined && (best === undefined || ids.length < best.length)) best = ids;
    };
    const valueOf = (fname: string): unknown[] | undefined => {
      const leaf = leaves.find(([f, op]) => f === fname && (op === '=' || op === 'in'));
      return leaf === undefined ? undefined : equalTo(leaf[2]);
    };
    for (const [fname, operator, value] of leaves) {
      if (operator !== '=' && operator !== 'in') continue;
      const values = ints(equalTo(value));
      if (fname === 'id') consider(values === undefined ? undefined : [...new Set(values)]);
      else if (values !== undefined && !fname.includes('.'))
        consider(this.store.referencingAny(model, fname, values));
    }
    if (model === 'ir.model.data') {
      const modules = valueOf('module');
      const names = valueOf('name');
      if (modules !== undefined && names !== undefined) {
        const ids: number[] = [];
        for (const module of modules)
          for (const name of names) {
            const target = this.store.resolveExternalId(`${asText(module)}.${asText(name)}`);
            if (target) ids.push(target.dataId);
          }
        consider([...new Set(ids)]);
      }
      const targets = valueOf('model');
      const resIds = ints(valueOf('res_id'));
      if (targets !== undefined && resIds !== undefined)
        consider([
          ...new Set(targets.flatMap((target) => this.store.externalIdRowsOf(asText(target), resIds))),
        ]);
    }
    // Each source lists a row once (deduplicated above; a stored many2one holds one value).
    return best;
  }

  read(model: string, ids: number[], fields?: unknown, load: unknown = '_classic_read'): Values[] {
    this.checkAccess(model, 'read');
    const def = this.model(model);
    const names =
      Array.isArray(fields) && fields.length > 0
        ? (fields as unknown[]).map(String)
        : Object.keys(def.fields);
    for (const name of names) {
      if (!def.fields[name]) throw valueError(`Invalid field ${pyRepr(name)} on model ${pyRepr(model)}`);
    }
    const missing = ids.filter((id) => !this.store.get(model, id));
    if (missing.length > 0) throw this.missing(model, missing);
    return ids.map((id) => {
      const row = this.store.get(model, id)!;
      const record: Values = { id };
      for (const name of names) record[name] = this.formatForRead(model, row, name, load);
      return record;
    });
  }

  formatForRead(model: string, row: Row, fname: string, load: unknown = '_classic_read'): unknown {
    const field = this.model(model).fields[fname];
    const value = this.valueOf(model, row, fname);
    switch (field.type) {
      case 'many2one':
        if (typeof value !== 'number') return false;
        return load === '_classic_read' ? [value, this.displayName(field.relation!, value)] : value;
      case 'one2many':
      case 'many2many':
        return value ?? [];
      case 'integer':
      case 'float':
      case 'monetary':
        return typeof value === 'number' ? value : 0;
      case 'boolean':
        return value === true;
      case 'char':
      case 'text':
      case 'selection':
      case 'date':
      case 'datetime':
        return value === null || value === undefined || value === false ? false : value;
    }
  }

  // ---------------------------------------------------------------- create / write / unlink

  create(model: string, valsList: unknown[]): number[] {
    this.checkAccess(model, 'create');
    const def = this.model(model);
    const ids: number[] = [];
    for (const vals of valsList) {
      if (vals === null || typeof vals !== 'object' || Array.isArray(vals)) {
        throw typeError(`'${Array.isArray(vals) ? 'list' : typeof vals}' object is not a mapping`);
      }
      const given = vals as Values;
      this.checkFieldNames(def, given);
      ids.push(
        def.createOne
          ? def.createOne(this, given, (own) => this.createRow(model, def, own))
          : this.createRow(model, def, given),
      );
    }
    def.afterCreate?.(this, ids);
    return ids;
  }

  /** The generic create of one record from checked values. */
  private createRow(model: string, def: ModelDef, given: Values): number {
    const id = this.store.nextId(model);
    const now = this.now();
    const row: Row = {
      id,
      create_date: now,
      write_date: now,
      create_uid: this.user.uid,
      write_uid: this.user.uid,
    };
    const x2many: [string, unknown][] = [];
    for (const [fname, value] of Object.entries(given)) {
      const field = def.fields[fname];
      if (field.compute || fname === 'id' || fname === 'display_name') continue;
      if (field.type === 'one2many') x2many.push([fname, value]);
      else if (field.type === 'many2many') row[fname] = this.applyM2m(def, fname, [], value);
      else row[fname] = this.convertScalar(def, fname, value);
    }
    for (const [fname, field] of Object.entries(def.fields)) {
      if (fname in given || !field.default || field.compute) continue;
      const value = field.default({ env: this, vals: row });
      if (field.type === 'one2many') x2many.push([fname, value]);
      else row[fname] = value;
    }
    this.checkRow(def, row);
    this.store.put(model, row);
    for (const [fname, commands] of x2many) this.applyO2m(def, fname, id, commands);
    return id;
  }

  write(model: string, ids: number[], vals: unknown): true {
    this.checkAccess(model, 'write');
    const def = this.model(model);
    if (vals === null || typeof vals !== 'object' || Array.isArray(vals)) {
      throw typeError(`'${Array.isArray(vals) ? 'list' : typeof vals}' object is not a mapping`);
    }
    this.checkFieldNames(def, vals as Values);
    const missing = ids.filter((id) => !this.store.get(model, id));
    if (missing.length > 0) throw this.missing(model, missing);
    if (!this.su) for (const id of ids) this.checkRecordFaults(model, id);
    const given = def.beforeWrite ? def.beforeWrite(this, ids, vals as Values) : (vals as Values);
    for (const id of ids) {
      const row: Row = { ...this.store.get(model, id)!, write_date: this.now(), write_uid: this.user.uid };
      const x2many: [string, unknown][] = [];
      for (const [fname, value] of Object.entries(given)) {
        const field = def.fields[fname];
        if (field.compute || fname === 'id' || fname === 'display_name') continue;
        if (field.type === 'one2many') x2many.push([fname, value]);
        else if (field.type === 'many2many')
          row[fname] = this.applyM2m(def, fname, (row[fname] as number[]) ?? [], value);
        else row[fname] = this.convertScalar(def, fname, value);
      }
      this.checkRow(def, row);
      this.store.put(model, row);
      for (const [fname, commands] of x2many) this.applyO2m(def, fname, id, commands);
    }
    return true;
  }

  unlink(model: string, ids: number[]): true {
    this.checkAccess(model, 'unlink');
    const def = this.model(model);
    const existing = ids.filter((id) => this.store.get(model, id));
    if (existing.length === 0) return true;
    def.beforeUnlink?.(this, existing);
    for (const id of existing) this.remove(model, id);
    return true;
  }

  /** Low-level delete with Odoo's ondelete rules and ir.model.data clean-up. */
  private remove(model: string, id: number): void {
    if (!this.store.get(model, id)) return;
    this.store.remove(model, id);
    for (const name of this.registry.names()) {
      const other = this.registry.get(name)!;
      for (const [fname, field] of Object.entries(other.fields)) {
        if (field.type !== 'many2one' || field.relation !== model || field.compute) continue;
        for (const refId of this.store.referencing(name, fname, id)) {
          const ondelete = field.ondelete ?? (field.required ? 'restrict' : 'set null');
          if (ondelete === 'cascade') this.remove(name, refId);
          else if (ondelete === 'restrict') throw new IntegrityViolation('foreign_key', other, fname);
          else this.store.put(name, { ...this.store.get(name, refId)!, [fname]: null });
        }
      }
    }
    if (model !== 'ir.model.data') {
      for (const row of this.store.rows('ir.model.data')) {
        if (row.model === model && row.res_id === id) this.store.remove('ir.model.data', row.id);
      }
    }
  }

  private checkFieldNames(def: ModelDef, vals: Values): void {
    for (const key of Object.keys(vals)) {
      if (!def.fields[key]) throw valueError(`Invalid field ${pyRepr(key)} on model ${pyRepr(def.name)}`);
    }
  }

  /** What PostgreSQL would refuse: NOT NULL on required fields, foreign keys on many2one. */
  private checkRow(def: ModelDef, row: Row): void {
    for (const [fname, field] of Object.entries(def.fields)) {
      if (field.compute || field.type === 'one2many' || field.type === 'many2many') continue;
      const value = row[fname];
      if (field.required && (value === null || value === undefined || value === false)) {
        throw new IntegrityViolation('not_null', def, fname);
      }
      if (field.type === 'many2one' && typeof value === 'number' && !this.store.get(field.relation!, value)) {
        throw new IntegrityViolation('foreign_key', def, fname);
      }
    }
  }

  private convertScalar(def: ModelDef, fname: string, value: unknown): unknown {
    const field: FieldDef = def.fields[fname];
    if (value === false || value === null || value === undefined) {
      return field.type === 'boolean' ? false : null;
    }
    switch (field.type) {
      case 'many2one': {
        const id = Array.isArray(value) ? (value as unknown[])[0] : value;
        if (typeof id !== 'number' || !Number.isInteger(id)) {
          throw valueError(`Wrong value for ${def.name}.${fname}: ${pyRepr(value)}`);
        }
        return id;
      }
      case 'integer':
      case 'float':
      case 'monetary': {
        const number = typeof value === 'number' ? value : Number(value);
        if (Number.isNaN(number)) throw valueError(`could not convert string to float: ${pyRepr(value)}`);
        return field.type === 'integer' ? Math.trunc(number) : number;
      }
      case 'boolean':
        return Boolean(value);
      case 'selection':
        if (!field.selection!.some(([key]) => key === value)) {
          throw valueError(`Wrong value for ${def.name}.${fname}: ${pyRepr(value)}`);
        }
        return value;
      case 'char':
      case 'text':
      case 'date':
      case 'datetime':
      case 'one2many':
      case 'many2many':
        return asText(value);
    }
  }

  private applyM2m(def: ModelDef, fname: string, current: number[], value: unknown): number[] {
    if (value === false || value === null || value === undefined) return [];
    if (!Array.isArray(value)) throw valueError(`Wrong value for ${def.name}.${fname}: ${pyRepr(value)}`);
    let ids = [...current];
    for (const command of value as unknown[]) {
      if (typeof command === 'number') {
        if (!ids.includes(command)) ids.push(command);
        continue;
      }
      const [code, id, arg] = command as [number, number, unknown];
      switch (code) {
        case 0:
          ids.push(...this.create(def.fields[fname].relation!, [arg]));
          break;
        case 1:
          this.write(def.fields[fname].relation!, [id], arg);
          break;
        case 2:
          this.unlink(def.fields[fname].relation!, [id]);
          ids = ids.filter((x) => x !== id);
          break;
        case 3:
          ids = ids.filter((x) => x !== id);
          break;
        case 4:
          if (!ids.includes(id)) ids.push(id);
          break;
        case 5:
          ids = [];
          break;
        case 6:
          ids = [...(arg as number[])];
          break;
        default:
          throw valueError(`Wrong value for ${def.name}.${fname}: ${pyRepr(command)}`);
      }
    }
    return ids;
  }

  /** one2many commands: (0, 0, vals) create, (1, id, vals) update, (2, id) delete, (3, id) unlink,
   *  (4, id) link, (5,) clear, (6, 0, ids) set; a plain id list means set. */
  applyO2m(def: ModelDef, fname: string, parentId: number, value: unknown): void {
    if (value === false || value === null || value === undefined) return;
    const field = def.fields[fname];
    const comodel = field.relation!;
    const inverse = field.inverse!;
    const inverseField = this.model(comodel).fields[inverse];
    const detach = (id: number): void => {
      if (inverseField.ondelete === 'cascade' || inverseField.required) this.unlink(comodel, [id]);
      else this.write(comodel, [id], { [inverse]: false });
    };
    if (!Array.isArray(value)) throw valueError(`Wrong value for ${def.name}.${fname}: ${pyRepr(value)}`);
    const commands = (value as unknown[]).every((v) => typeof v === 'number')
      ? [[6, 0, value]]
      : (value as unknown[]);
    for (const command of commands) {
      if (!Array.isArray(command))
        throw valueError(`Wrong value for ${def.name}.${fname}: ${pyRepr(command)}`);
      const [code, id, arg] = command as [number, number, unknown];
      switch (code) {
        case 0:
          this.create(comodel, [{ ...(arg as Values), [inverse]: parentId }]);
          break;
        case 1:
          this.write(comodel, [id], arg);
          break;
        case 2:
          this.unlink(comodel, [id]);
          break;
        case 3:
          detach(id);
          break;
        case 4:
          this.write(comodel, [id], { [inverse]: parentId });
          break;
        case 5:
          for (const child of this.store.referencing(comodel, inverse, parentId)) detach(child);
          break;
        case 6: {
          const keep = (arg as number[]) ?? [];
          for (const child of this.store.referencing(comodel, inverse, parentId)) {
            if (!keep.includes(child)) detach(child);
          }
          for (const child of keep) this.write(comodel, [child], { [inverse]: parentId });
          break;
        }
        default:
          throw valueError(`Wrong value for ${def.name}.${fname}: ${pyRepr(command)}`);
      }
    }
  }

  // ---------------------------------------------------------------- ordering

  private sort(model: string, rows: Row[], order: string): void {
    const def = this.model(model);
    const keys = order
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean)
      .map((part) => {
        const [name, direction = 'asc'] = part.split(/\s+/);
        const fname = name.replace(/"/g, '');
        if (!def.fields[fname]) throw valueError(`Invalid field ${pyRepr(fname)} on model ${pyRepr(model)}`);
        if (!/^(asc|desc)$/i.test(direction))
          throw valueError(`Invalid order ${pyRepr(order)} for model ${pyRepr(model)}`);
        return { fname, desc: direction.toLowerCase() === 'desc' };
      });
    // By id alone (the usual paging order): numbers, no field lookup per comparison.
    if (keys.length === 1 && keys[0].fname === 'id') {
      const sign = keys[0].desc ? -1 : 1;
      rows.sort((a, b) => sign * (a.id - b.id));
      return;
    }
    const keyOf = (row: Row, fname: string): unknown => {
      const field = def.fields[fname];
      const value = this.valueOf(model, row, fname);
      if (field.type === 'many2one')
        return typeof value === 'number' ? this.displayName(field.relation!, value) : null;
      return value;
    };
    rows.sort((a, b) => {
      for (const { fname, desc } of keys) {
        const left = keyOf(a, fname);
        const right = keyOf(b, fname);
        const leftNull = left === null || left === undefined || left === false;
        const rightNull = right === null || right === undefined || right === false;
        if (leftNull || rightNull) {
          if (leftNull && rightNull) continue;
          // PostgreSQL: NULLS LAST for ASC, NULLS FIRST for DESC
          return (leftNull ? 1 : -1) * (desc ? -1 : 1);
        }
        const cmp =
          typeof left === 'number' && typeof right === 'number'
            ? left - right
            : asText(left).localeCompare(asText(right));
        if (cmp !== 0) return desc ? -cmp : cmp;
      }
      return a.id - b.id;
    });
  }
}
