// Odoo search domains: leaves `[field, operator, value]` (dotted paths follow relations), prefix
// operators `&`, `|`, `!` in Polish notation and implicit AND between top-level terms.
import type { Env } from './env';
import { asText, type Row } from './model.types';
import { pyRepr, pyTuple, valueError } from './python-error';

type Predicate = (row: Row) => boolean;

const OPERATORS = new Set([
  '=',
  '!=',
  '<>',
  '>',
  '>=',
  '<',
  '<=',
  '=?',
  'like',
  'not like',
  'ilike',
  'not ilike',
  '=like',
  '=ilike',
  'in',
  'not in',
  'child_of',
  'parent_of',
]);

export function compileDomain(env: Env, model: string, domain: unknown): Predicate {
  if (domain === undefined || domain === null || domain === false) return () => true;
  if (!Array.isArray(domain)) throw valueError(`Invalid domain: ${pyRepr(domain)}`);
  const terms = domain as unknown[];
  let position = 0;

  const parse = (): Predicate => {
    if (position >= terms.length) {
      throw valueError(`Domain ${pyRepr(terms)} is syntactically not correct.`);
    }
    const term = terms[position++];
    if (term === '!') {
      const inner = parse();
      return (row) => !inner(row);
    }
    if (term === '&' || term === '|') {
      const left = parse();
      const right = parse();
      return term === '&' ? (row) => left(row) && right(row) : (row) => left(row) || right(row);
    }
    return compileLeaf(env, model, term);
  };

  const parts: Predicate[] = [];
  while (position < terms.length) parts.push(parse());
  return (row) => parts.every((part) => part(row));
}

/** Whether a domain constrains `field` anywhere (Odoo adds `active = True` unless it does). */
export function domainMentions(domain: unknown, field: string): boolean {
  return (
    Array.isArray(domain) &&
    domain.some(
      (term) => Array.isArray(term) && typeof term[0] === 'string' && term[0].split('.')[0] === field,
    )
  );
}

function compileLeaf(env: Env, model: string, term: unknown): Predicate {
  if (!Array.isArray(term) || term.length !== 3) {
    throw valueError(`Invalid leaf ${pyRepr(term)}`);
  }
  const [path, rawOperator, value] = term as [unknown, unknown, unknown];
  // TRUE_LEAF (1, '=', 1) and FALSE_LEAF (0, '=', 1)
  if ((path === 1 || path === 0) && rawOperator === '=' && value === 1) return () => path === 1;
  if (
    typeof path !== 'string' ||
    typeof rawOperator !== 'string' ||
    !OPERATORS.has(rawOperator.toLowerCase())
  ) {
    throw valueError(`Invalid leaf ${pyTuple(term as unknown[])}`);
  }
  const operator = rawOperator.toLowerCase() === '<>' ? '!=' : rawOperator.toLowerCase();
  return compilePath(env, model, path.split('.'), operator, value, term as unknown[]);
}

function compilePath(
  env: Env,
  model: string,
  path: string[],
  operator: string,
  value: unknown,
  leaf: unknown[],
): Predicate {
  const def = env.registry.get(model)!;
  const [fname, ...rest] = path;
  const field = def.fields[fname];
  if (!field) throw valueError(`Invalid field ${model}.${fname} in leaf ${pyTuple(leaf)}`);

  if (rest.length > 0) {
    if (!field.relation) throw valueError(`Invalid field ${model}.${fname} in leaf ${pyTuple(leaf)}`);
    const sub = compilePath(env, field.relation, rest, operator, value, leaf);
    const comodel = field.relation;
    return (row) =>
      relatedIds(env.valueOf(model, row, fname)).some((id) => {
        const target = env.store.get(comodel, id);
        return target !== undefined && sub(target);
      });
  }

  if (operator === 'child_of' || operator === 'parent_of') {
    const targets = new Set(asList(value).filter((v): v is number => typeof v === 'number'));
    const comodel = field.type === 'many2one' || field.type === 'many2many' ? field.relation! : model;
    const parentField = env.parentField(comodel);
    const matches = (id: number): boolean => {
      if (operator === 'child_of') {
        for (let current: number | null = id; current !== null;) {
          if (targets.has(current)) return true;
          const parent: unknown = parentField ? env.store.get(comodel, current)?.[parentField] : null;
          current = typeof parent === 'number' ? parent : null;
        }
        return false;
      }
      return [...targets].some((target) => {
        for (let current: number | null = target; current !== null;) {
          if (current === id) return true;
          const parent: unknown = parentField ? env.store.get(comodel, current)?.[parentField] : null;
          current = typeof parent === 'number' ? parent : null;
        }
        return false;
      });
    };
    if (fname === 'id') return (row) => matches(row.id);
    return (row) => relatedIds(env.valueOf(model, row, fname)).some(matches);
  }

  if (field.type === 'many2one' || field.type === 'one2many' || field.type === 'many2many') {
    const comodel = field.relation!;
    const byName =
      typeof value === 'string' || (Array.isArray(value) && value.some((v) => typeof v === 'string'));
    if (byName || operator.includes('like')) {
      // relational fields compared to strings search the related records' display_name
      const nameMatch = scalarPredicate(
        operator.startsWith('not') || operator === '!=' ? positive(operator) : operator,
        value,
      );
      const negative = operator.startsWith('not') || operator === '!=';
      return (row) => {
        const ids = relatedIds(env.valueOf(model, row, fname));
        const any = ids.some((id) => nameMatch(env.displayName(comodel, id)));
        return negative ? !any : any;
      };
    }
    if (operator === 'in' || operator === 'not in') {
      const list = new Set(asList(value));
      const negative = operator === 'not in';
      return (row) => {
        const ids = relatedIds(env.valueOf(model, row, fname));
        const any = ids.some((id) => list.has(id)) || (list.has(false) && ids.length === 0);
        return negative ? !any : any;
      };
    }
    return (row) => relationalMatch(relatedIds(env.valueOf(model, row, fname)), operator, value);
  }

  const predicate = scalarPredicate(
    operator,
    field.type === 'datetime' ? datetimeOperand(operator, value) : value,
  );
  const isChar = field.type === 'char' || field.type === 'text' || field.type === 'selection';
  return (row) => {
    let current = env.valueOf(model, row, fname);
    if (isChar && current === '') current = null;
    return predicate(current);
  };
}

/**
 * A datetime compared in a domain, in the stored form (`YYYY-MM-DD HH:MM:SS`, UTC, whole seconds), as
 * PostgreSQL would read it: ISO `T`/`Z` and fractions are accepted, and a bare date means its first second
 * (its last for `>` and `<=`, as Odoo's expression does), so `write_date > '2026-12-01T10:00:00Z'` works.
 */
function datetimeOperand(operator: string, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value))
    return `${value} ${operator === '>' || operator === '<=' ? '23:59:59' : '00:00:00'}`;
  const match = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(\.\d+)?(Z|\+00:?00)?$/.exec(value);
  return match === null ? value : `${match[1]} ${match[2]}`;
}

function positive(operator: string): string {
  return operator === '!=' ? '=' : operator.replace(/^not /, '');
}

function relatedIds(value: unknown): number[] {
  if (typeof value === 'number') return [value];
  if (Array.isArray(value)) return value.filter((v): v is number => typeof v === 'number');
  return [];
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

function isFalsy(value: unknown): boolean {
  return value === null || value === undefined || value === false;
}

function relationalMatch(ids: number[], operator: string, value: unknown): boolean {
  switch (operator) {
    case '=':
    case '=?':
      if (operator === '=?' && isFalsy(value)) return true;
      return isFalsy(value) ? ids.length === 0 : ids.includes(value as number);
    case '!=':
      return isFalsy(value) ? ids.length > 0 : !ids.includes(value as number);
    case 'in': {
      const list = asList(value);
      return ids.some((id) => list.includes(id)) || (list.includes(false) && ids.length === 0);
    }
    case 'not in': {
      const list = asList(value);
      return !ids.some((id) => list.includes(id)) && !(list.includes(false) && ids.length === 0);
    }
    default:
      return ids.some((id) => scalarPredicate(operator, value)(id));
  }
}

function likeRegex(pattern: string, caseInsensitive: boolean): RegExp {
  const source = pattern
    .split('')
    .map((ch) => (ch === '%' ? '.*' : ch === '_' ? '.' : ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, caseInsensitive ? 'is' : 's');
}

function compare(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const left = asText(a);
  const right = asText(b);
  return left < right ? -1 : left > right ? 1 : 0;
}

function scalarPredicate(operator: string, value: unknown): (current: unknown) => boolean {
  switch (operator) {
    case '=':
      return isFalsy(value) ? isFalsy : (current) => current === value;
    case '=?':
      return isFalsy(value) ? () => true : (current) => current === value;
    case '!=':
      return isFalsy(value) ? (current) => !isFalsy(current) : (current) => current !== value;
    case '>':
      return (current) => !isFalsy(current) && compare(current, value) > 0;
    case '>=':
      return (current) => !isFalsy(current) && compare(current, value) >= 0;
    case '<':
      return (current) => !isFalsy(current) && compare(current, value) < 0;
    case '<=':
      return (current) => !isFalsy(current) && compare(current, value) <= 0;
    // A set, as PostgreSQL hashes an IN list: the same matches (SameValueZero) at any list size.
    case 'in': {
      const list = new Set(asList(value));
      return (current) => (isFalsy(current) ? list.has(false) : list.has(current));
    }
    case 'not in': {
      const list = new Set(asList(value));
      return (current) => (isFalsy(current) ? !list.has(false) : !list.has(current));
    }
    default: {
      // like / ilike wrap the value in %...%; =like / =ilike take it as the pattern
      const insensitive = operator.includes('ilike');
      const exact = operator.startsWith('=');
      const negative = operator.startsWith('not');
      if (isFalsy(value) || value === '') {
        return negative ? () => false : () => true;
      }
      const regex = likeRegex(exact ? asText(value) : `%${asText(value)}%`, insensitive);
      return (current) => {
        if (isFalsy(current)) return negative;
        const matched = regex.test(asText(current));
        return negative ? !matched : matched;
      };
    }
  }
}
