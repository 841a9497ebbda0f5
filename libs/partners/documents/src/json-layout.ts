// A partner's JSON order, whose fields sit at the paths its layout names, projected onto the portal
// schema's shape (JSON_SALES_ORDER_SCHEMA) so that one schema validates every partner, and the schema's
// pointers mapped back onto the partner's document so every problem points where the partner sent it.
import { jsonPointer } from './document-problem';
import type { JsonLayout, JsonLineField, JsonOrderField } from './sales-order-layout';

type JsonObject = Record<string, unknown>;

export interface ProjectedOrder {
  /** The order in the canonical shape; keys the layout does not know are carried over to be refused. */
  readonly canonical: unknown;
  /** A pointer into `canonical` → the same place in the partner's order (both relative to the order). */
  readonly toPartner: (pointer: string) => string;
}

const isObject = (value: unknown): value is JsonObject =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

function tokensOf(pointer: string): string[] {
  return pointer === ''
    ? []
    : pointer
        .split('/')
        .slice(1)
        .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function read(value: unknown, path: readonly string[]): { found: boolean; value: unknown } {
  let current = value;
  for (const token of path) {
    if (!isObject(current) || !Object.hasOwn(current, token)) return { found: false, value: undefined };
    current = current[token];
  }
  return { found: true, value: current };
}

/**
 * Moves each field from the layout's path to its canonical name. A key of the partner's object that is no
 * mapped path's first step is carried over under its own name (the schema then refuses it as unknown),
 * unless it is a canonical name the layout maps elsewhere: that one is reported under a name that cannot
 * be a field.
 */
function project<F extends string>(
  raw: unknown,
  paths: Readonly<Record<F, string>>,
): { value: unknown; toPartner: (tokens: string[]) => string[] } {
  if (!isObject(raw)) return { value: raw, toPartner: (tokens) => tokens };
  const fields = Object.entries(paths) as [F, string][];
  const consumed = new Set(fields.map(([, path]) => tokensOf(path)[0]));
  const out: JsonObject = {};
  const unknownAs = new Map<string, string>();
  for (const [key, value] of Object.entries(raw)) {
    if (consumed.has(key)) continue;
    const name = Object.hasOwn(paths, key) ? `~${key}` : key;
    unknownAs.set(name, key);
    out[name] = value;
  }
  for (const [field, path] of fields) {
    const found = read(raw, tokensOf(path));
    if (found.found) out[field] = found.value;
  }
  return {
    value: out,
    toPartner: ([first, ...rest]) => {
      if (first === undefined) return [];
      const path = Object.hasOwn(paths, first) ? paths[first as F] : undefined;
      if (path !== undefined) return [...tokensOf(path), ...rest];
      return [unknownAs.get(first) ?? first, ...rest];
    },
  };
}

export function projectJsonOrder(raw: unknown, layout: JsonLayout): ProjectedOrder {
  const order = project<JsonOrderField>(raw, layout.order);
  const lines = isObject(order.value) ? order.value.lines : undefined;
  const projectedLines = Array.isArray(lines)
    ? lines.map((line) => project<JsonLineField>(line, layout.line))
    : [];
  const canonical =
    isObject(order.value) && Array.isArray(lines)
      ? { ...order.value, lines: projectedLines.map((l) => l.value) }
      : order.value;
  return {
    canonical,
    toPartner: (pointer) => {
      const [first, index, ...rest] = tokensOf(pointer);
      if (first === 'lines' && index !== undefined && /^\d+$/.test(index)) {
        const line = projectedLines[Number(index)];
        const inLine = line === undefined ? rest : line.toPartner(rest);
        return jsonPointer(...order.toPartner(['lines']), index, ...inLine);
      }
      return jsonPointer(...order.toPartner(tokensOf(pointer)));
    },
  };
}
