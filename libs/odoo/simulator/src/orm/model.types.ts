// The model registry's vocabulary: field definitions (type, required, relation) and model definitions with
// their public action methods. Generic ORM behaviour lives in env.ts; models only declare.
import type { Env } from './env';

export type FieldType =
  | 'char'
  | 'text'
  | 'integer'
  | 'float'
  | 'monetary'
  | 'boolean'
  | 'date'
  | 'datetime'
  | 'selection'
  | 'many2one'
  | 'one2many'
  | 'many2many';

/** A stored row: scalar values, many2one as id or false, many2many as id lists; one2many is derived. */
export type Row = { id: number } & Record<string, unknown>;

export interface DefaultContext {
  env: Env;
  /** The values given to `create`, already converted (many2one as ids). */
  vals: Record<string, unknown>;
}

export interface FieldDef {
  type: FieldType;
  /** Human label, as Odoo's `string=`; used in error messages. */
  string: string;
  required?: boolean;
  /** Comodel of relational fields. */
  relation?: string;
  /** one2many: the many2one on the comodel pointing back. */
  inverse?: string;
  /** many2one: what happens to this row when the target is deleted. */
  ondelete?: 'cascade' | 'set null' | 'restrict';
  selection?: ReadonlyArray<readonly [string, string]>;
  default?: (ctx: DefaultContext) => unknown;
  /** Computed, not stored: evaluated on read and in domains. */
  compute?: (row: Row, env: Env) => unknown;
}

/** A public record method (`action_confirm`, `button_validate`...): runs inside the call's transaction. */
export type ActionMethod = (env: Env, ids: number[]) => unknown;

export interface ModelDef {
  name: string;
  description: string;
  /** Field used for display_name (Odoo `_rec_name`), default `name`. */
  recName?: string;
  /** Default order (Odoo `_order`), default `id`. */
  order?: string;
  fields: Record<string, FieldDef>;
  actions?: Record<string, ActionMethod>;
  /** Custom display_name (e.g. products as `[SKU] Name`). */
  displayName?: (row: Row, env: Env) => string;
  /**
   * Creates one record in the model's own way (Odoo's overridden `create`), e.g. a quant in inventory mode
   * updating the existing quant of its product and location; `create` is the generic one.
   */
  createOne?: (
    env: Env,
    vals: Record<string, unknown>,
    create: (vals: Record<string, unknown>) => number,
  ) => number;
  /** Runs before the generic write with the values given; returns the values to write, or throws to refuse. */
  beforeWrite?: (env: Env, ids: number[], vals: Record<string, unknown>) => Record<string, unknown>;
  /** Runs after the generic create (sequence names, follow-up records). */
  afterCreate?: (env: Env, ids: number[]) => void;
  /** Runs before the generic unlink; throws to refuse (Odoo's `@api.ondelete`). */
  beforeUnlink?: (env: Env, ids: number[]) => void;
}

/** Fields every model has (Odoo's magic fields). */
export const MAGIC_FIELDS: Record<string, FieldDef> = {
  id: { type: 'integer', string: 'ID' },
  display_name: { type: 'char', string: 'Display Name' },
  create_date: { type: 'datetime', string: 'Created on' },
  write_date: { type: 'datetime', string: 'Last Updated on' },
  create_uid: { type: 'many2one', string: 'Created by', relation: 'res.users' },
  write_uid: { type: 'many2one', string: 'Last Updated by', relation: 'res.users' },
};

export class ModelRegistry {
  private readonly models = new Map<string, ModelDef>();

  register(...defs: ModelDef[]): this {
    for (const def of defs) {
      this.models.set(def.name, { ...def, fields: { ...MAGIC_FIELDS, ...def.fields } });
    }
    return this;
  }

  get(name: string): ModelDef | undefined {
    return this.models.get(name);
  }

  names(): string[] {
    return [...this.models.keys()];
  }
}

/** A stored scalar as text: strings as they are, numbers and booleans printed, anything else empty/JSON. */
export function asText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  if (value === null || value === undefined) return '';
  return JSON.stringify(value);
}
