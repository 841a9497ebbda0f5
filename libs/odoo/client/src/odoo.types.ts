// Odoo's data vocabulary as it travels over RPC: domains, values, x2many commands, load results.

/** Operators of a domain leaf (odoo/osv/expression.py, odoo/orm/domains.py). */
export type DomainOperator =
  | '='
  | '!='
  | '>'
  | '>='
  | '<'
  | '<='
  | '=?'
  | '=like'
  | '=ilike'
  | 'like'
  | 'not like'
  | 'ilike'
  | 'not ilike'
  | 'in'
  | 'not in'
  | 'child_of'
  | 'parent_of'
  | 'any'
  | 'not any';

/** `[field path, operator, value]`; the path may follow relations (`partner_id.ref`). */
export type DomainLeaf = readonly [field: string, operator: DomainOperator, value: unknown];

/** Prefix operators in Polish notation; consecutive terms without one are ANDed. */
export type DomainConnector = '&' | '|' | '!';

export type Domain = ReadonlyArray<DomainLeaf | DomainConnector>;

export type OdooContext = Readonly<Record<string, unknown>>;

/** A many2one as `read` returns it: `[id, display_name]`, or false when empty. */
export type Many2oneValue = [id: number, displayName: string] | false;

export type OdooRecord = { id: number } & Record<string, unknown>;

/** Values for create/write: many2one as id, x2many as command lists. */
export type OdooValues = Record<string, unknown>;

/** x2many write commands (odoo.fields.Command). */
export type X2ManyCommand =
  | readonly [0, 0, OdooValues]
  | readonly [1, number, OdooValues]
  | readonly [2, number]
  | readonly [3, number]
  | readonly [4, number]
  | readonly [5]
  | readonly [6, 0, readonly number[]];

export const Command = {
  create: (values: OdooValues): X2ManyCommand => [0, 0, values],
  update: (id: number, values: OdooValues): X2ManyCommand => [1, id, values],
  delete: (id: number): X2ManyCommand => [2, id],
  unlink: (id: number): X2ManyCommand => [3, id],
  link: (id: number): X2ManyCommand => [4, id],
  clear: (): X2ManyCommand => [5],
  set: (ids: readonly number[]): X2ManyCommand => [6, 0, ids],
} as const;

/** One message of `load()`: `record` is the index of the failing record, `rows` its rows in `data`. */
export interface LoadMessage {
  type: 'error' | 'warning' | 'info';
  message: string;
  record?: number;
  field?: string;
  field_name?: string;
  rows?: { from: number; to: number };
  moreinfo?: unknown;
}

/** `load()`'s answer: `ids` false when any message is an error (then nothing was written). */
export interface LoadResult {
  ids: number[] | false;
  messages: LoadMessage[];
  nextrow: number;
}

export type OdooApiFlavor = 'json2' | 'jsonrpc';

/** What a service may configure (ODOO_API_FLAVOR): a flavor, or `auto` to ask the server its version. */
export const ODOO_API_FLAVORS = ['json2', 'jsonrpc', 'auto'] as const satisfies readonly (
  OdooApiFlavor | 'auto'
)[];

export interface OdooServerVersion {
  major: number;
  version: string;
  flavor: OdooApiFlavor;
}
