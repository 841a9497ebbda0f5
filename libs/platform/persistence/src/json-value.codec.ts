import { PersistenceErrorCode, PersistenceException } from './persistence.exception';

/** What a jsonb column holds. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

// Markers for values JSON cannot carry. A marker is an object with exactly one key; keys of ordinary
// objects that start with `$` get one more `$` on the way in and lose it on the way out, so a payload
// that happens to contain `{"$bytes": ...}` never turns into a Buffer.
const BYTES = '$bytes';
const DATE = '$date';

/**
 * Turns a payload (for example an Avro value as avsc hands it over) into JSON that keeps its types:
 * Buffers and Uint8Arrays (Avro `bytes`/`fixed`) become `{"$bytes": base64}`, Dates `{"$date": iso}`.
 * Throws for values JSON would silently change (NaN, bigint, Map, Set, functions, cycles).
 */
export function encodeJsonValue(value: unknown): JsonValue {
  return encode(value, '$', new Set());
}

/** Reverses {@link encodeJsonValue}: markers become Buffers and Dates again. */
export function decodeJsonValue(json: unknown): unknown {
  if (json === null || typeof json !== 'object') return json;
  if (Array.isArray(json)) return json.map((item) => decodeJsonValue(item));
  const entries = Object.entries(json as Record<string, unknown>);
  if (entries.length === 1) {
    const [name, inner] = entries[0];
    if (name === BYTES && typeof inner === 'string') return Buffer.from(inner, 'base64');
    if (name === DATE && typeof inner === 'string') return new Date(inner);
  }
  const out: Record<string, unknown> = {};
  for (const [name, inner] of entries) {
    out[name.startsWith('$$') ? name.slice(1) : name] = decodeJsonValue(inner);
  }
  return out;
}

function encode(value: unknown, path: string, ancestors: Set<object>): JsonValue {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      if (!Number.isFinite(value)) unsupported(path, `non-finite number ${value}`);
      return value;
    case 'object':
      return value === null ? null : encodeObject(value, path, ancestors);
    case 'undefined':
    case 'bigint':
    case 'symbol':
    case 'function':
      return unsupported(path, typeof value);
  }
}

function encodeObject(value: object, path: string, ancestors: Set<object>): JsonValue {
  if (value instanceof Uint8Array) {
    return { [BYTES]: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') };
  }
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) unsupported(path, 'invalid Date');
    return { [DATE]: value.toISOString() };
  }
  if (
    value instanceof Map ||
    value instanceof Set ||
    ArrayBuffer.isView(value) ||
    value instanceof ArrayBuffer
  ) {
    unsupported(path, value.constructor.name);
  }
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') {
    // As JSON.stringify does (decimal types, Luxon dates, ...): store what the object says it is.
    return encode(toJSON.call(value), path, ancestors);
  }
  if (ancestors.has(value)) unsupported(path, 'circular reference');
  ancestors.add(value);
  try {
    if (Array.isArray(value)) {
      // As JSON.stringify does: an undefined array slot is null.
      return value.map((item: unknown, index) =>
        item === undefined ? null : encode(item, `${path}[${index}]`, ancestors),
      );
    }
    const out: Record<string, JsonValue> = {};
    for (const [name, inner] of Object.entries(value)) {
      if (inner === undefined) continue; // as JSON.stringify does: absent and undefined are the same
      out[name.startsWith('$') ? `$${name}` : name] = encode(inner, `${path}.${name}`, ancestors);
    }
    return out;
  } finally {
    ancestors.delete(value);
  }
}

function unsupported(path: string, what: string): never {
  throw new PersistenceException(
    PersistenceErrorCode.UnsupportedValue,
    `${path}: ${what} cannot be stored as JSON without changing its value`,
  );
}
