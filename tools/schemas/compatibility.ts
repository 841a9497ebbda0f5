// Avro schema compatibility, decided by avsc's resolver (what our consumers run) and explained in words a
// schema owner can act on. Pure: no files, registry or git here.
import type { Type, types } from 'avsc';

import type { CompatibilityLevel } from './catalog';

/**
 * backward: the new schema reads data written with an earlier one (new consumers, old records).
 * forward: an earlier schema reads data written with the new one (old consumers, new records).
 */
export type CompatibilityDirection = 'backward' | 'forward';

export interface CompatibilityRule {
  /** Which earlier versions count: none, the latest only, or all of them (the *_TRANSITIVE levels). */
  scope: 'none' | 'latest' | 'all';
  directions: CompatibilityDirection[];
}

export function compatibilityRule(level: CompatibilityLevel): CompatibilityRule {
  switch (level) {
    case 'NONE':
      return { scope: 'none', directions: [] };
    case 'BACKWARD':
      return { scope: 'latest', directions: ['backward'] };
    case 'BACKWARD_TRANSITIVE':
      return { scope: 'all', directions: ['backward'] };
    case 'FORWARD':
      return { scope: 'latest', directions: ['forward'] };
    case 'FORWARD_TRANSITIVE':
      return { scope: 'all', directions: ['forward'] };
    case 'FULL':
      return { scope: 'latest', directions: ['backward', 'forward'] };
    case 'FULL_TRANSITIVE':
      return { scope: 'all', directions: ['backward', 'forward'] };
  }
}

/** An earlier schema of the same subject or file. */
export interface HistoricSchema {
  /** How a person names it, e.g. "version 2 of subject orders.state-value". */
  label: string;
  type: Type;
}

export interface Incompatibility {
  /** The label of the earlier schema that conflicts. */
  against: string;
  directions: CompatibilityDirection[];
  /** One clause per cause, e.g. `field "priority" was added without a default, so ...`. */
  reasons: string[];
  /** One clause per kind of cause, saying how to fix it. */
  fixes: string[];
}

/**
 * Checks a candidate schema against its history (oldest first) at a compatibility level and returns one
 * entry per earlier schema it conflicts with (empty when compatible).
 */
export function checkCompatibility(
  candidate: Type,
  history: readonly HistoricSchema[],
  level: CompatibilityLevel,
): Incompatibility[] {
  const rule = compatibilityRule(level);
  if (rule.scope === 'none' || history.length === 0) return [];
  const against = rule.scope === 'latest' ? history.slice(-1) : history;
  const found: Incompatibility[] = [];
  for (const earlier of against) {
    const reasons: string[] = [];
    const fixes: string[] = [];
    const directions: CompatibilityDirection[] = [];
    for (const direction of rule.directions) {
      const explanation =
        direction === 'backward'
          ? explainIncompatibility(candidate, earlier.type, 'backward')
          : explainIncompatibility(earlier.type, candidate, 'forward');
      if (explanation.reasons.length === 0) continue;
      directions.push(direction);
      pushUnique(reasons, explanation.reasons);
      pushUnique(fixes, explanation.fixes);
    }
    if (reasons.length > 0) found.push({ against: earlier.label, directions, reasons, fixes });
  }
  return found;
}

/** True when `reader` can decode everything `writer` can produce (avsc's resolver agrees). */
export function canRead(reader: Type, writer: Type): boolean {
  try {
    reader.createResolver(writer);
    return true;
  } catch {
    return false;
  }
}

/**
 * Why `reader` cannot read `writer` data, in words; empty lists when it can. In the backward direction
 * the reader is the new schema, in the forward direction the earlier one: the wording follows.
 */
export function explainIncompatibility(
  reader: Type,
  writer: Type,
  direction: CompatibilityDirection,
): { reasons: string[]; fixes: string[] } {
  if (canRead(reader, writer)) return { reasons: [], fixes: [] };
  const causes: Cause[] = [];
  walk(reader, writer, '', causes, new Set());
  if (causes.length === 0) {
    // The walk mirrors avsc's rules; if they ever drift apart, still say what avsc said.
    let detail = 'the schemas cannot be resolved';
    try {
      reader.createResolver(writer);
    } catch (error) {
      detail = error instanceof Error ? error.message : String(error);
    }
    causes.push({ kind: 'other', path: '', detail });
  }
  const reasons: string[] = [];
  const fixes: string[] = [];
  for (const cause of causes) {
    pushUnique(reasons, [describeCause(cause, direction)]);
    pushUnique(fixes, [fixFor(cause, direction)]);
  }
  return { reasons, fixes };
}

export interface FormatOptions {
  /** The schema file as shown to people. */
  file: string;
  level: CompatibilityLevel;
  /** The topic, to name its next version in the fix. */
  topic?: string;
}

/** One line: file, what it conflicts with at which level, why, and how to fix it. */
export function formatIncompatibility(incompatibility: Incompatibility, options: FormatOptions): string {
  const nextVersion = options.topic ? nextTopicVersion(options.topic) : '<topic>.v2';
  const fixes = [
    ...incompatibility.fixes,
    `or, if the break is intended, publish a new topic version (${nextVersion})`,
  ];
  return (
    `${options.file}: incompatible with ${incompatibility.against} (${options.level}): ` +
    `${incompatibility.reasons.join('; ')}. Fix: ${fixes.join('; ')}.`
  );
}

/** `orders.state` → `orders.state.v2`, `orders.state.v2` → `orders.state.v3`. */
export function nextTopicVersion(topic: string): string {
  const match = /^(.*)\.v(\d+)$/.exec(topic);
  return match ? `${match[1]}.v${Number(match[2]) + 1}` : `${topic}.v2`;
}

// ---- the walk ---------------------------------------------------------------------------------------

type Cause =
  | { kind: 'field-missing'; path: string; record: string }
  | { kind: 'type-changed'; path: string; readerType: string; writerType: string }
  | { kind: 'branch-unreadable'; path: string; branch: string; readerType: string }
  | { kind: 'enum-symbols'; path: string; enumName: string; symbols: string[] }
  | { kind: 'name-changed'; path: string; readerName: string; writerName: string; what: string }
  | { kind: 'other'; path: string; detail: string };

function walk(reader: Type, writer: Type, path: string, causes: Cause[], seen: Set<string>): void {
  if (canRead(reader, writer)) return;

  if (isUnion(writer)) {
    // Every branch the writer may have used must be readable.
    for (const branch of unionTypes(writer)) {
      if (canRead(reader, branch)) continue;
      if (isUnion(reader) || sameKind(reader, branch)) {
        walk(reader, branch, path, causes, seen);
      } else {
        causes.push({
          kind: 'branch-unreadable',
          path,
          branch: describeType(branch),
          readerType: describeType(reader),
        });
      }
    }
    return;
  }

  if (isUnion(reader)) {
    // The writer's type must fit one branch; explain against the branch of the same kind if there is one.
    const similar = unionTypes(reader).find((branch) => sameKind(branch, writer));
    if (similar) walk(similar, writer, path, causes, seen);
    else
      causes.push({
        kind: 'type-changed',
        path,
        readerType: describeType(reader),
        writerType: describeType(writer),
      });
    return;
  }

  if (!sameKind(reader, writer)) {
    causes.push({
      kind: 'type-changed',
      path,
      readerType: describeType(reader),
      writerType: describeType(writer),
    });
    return;
  }

  switch (reader.typeName) {
    case 'record':
    case 'error':
      walkRecord(reader as types.RecordType, writer as types.RecordType, path, causes, seen);
      return;
    case 'enum':
      walkEnum(reader as types.EnumType, writer as types.EnumType, path, causes);
      return;
    case 'array':
      walk(
        (reader as types.ArrayType).itemsType,
        (writer as types.ArrayType).itemsType,
        `${path}[]`,
        causes,
        seen,
      );
      return;
    case 'map':
      walk(
        (reader as types.MapType).valuesType as Type,
        (writer as types.MapType).valuesType as Type,
        `${path}{}`,
        causes,
        seen,
      );
      return;
    case 'fixed':
      if (!namesMatch(reader, writer)) {
        causes.push(nameChanged(reader, writer, path, 'fixed'));
      } else {
        causes.push({
          kind: 'type-changed',
          path,
          readerType: describeType(reader),
          writerType: describeType(writer),
        });
      }
      return;
    default:
      causes.push({
        kind: 'type-changed',
        path,
        readerType: describeType(reader),
        writerType: describeType(writer),
      });
  }
}

function walkRecord(
  reader: types.RecordType,
  writer: types.RecordType,
  path: string,
  causes: Cause[],
  seen: Set<string>,
): void {
  const key = `${reader.name ?? ''}:${writer.name ?? ''}`;
  if (seen.has(key)) return; // recursive schemas
  seen.add(key);
  if (!namesMatch(reader, writer)) {
    causes.push(nameChanged(reader, writer, path, 'record'));
    return;
  }
  const writerFields = new Map(writer.fields.map((field) => [field.name, field]));
  for (const field of reader.fields) {
    const fieldPath = path === '' ? field.name : `${path}.${field.name}`;
    const match = [field.name, ...(field.aliases ?? [])]
      .map((name) => writerFields.get(name))
      .find((candidate) => candidate !== undefined);
    if (!match) {
      if (field.defaultValue() === undefined) {
        causes.push({ kind: 'field-missing', path: fieldPath, record: shortName(reader.name) });
      }
      continue;
    }
    walk(field.type, match.type, fieldPath, causes, seen);
  }
}

function walkEnum(reader: types.EnumType, writer: types.EnumType, path: string, causes: Cause[]): void {
  if (!namesMatch(reader, writer)) {
    causes.push(nameChanged(reader, writer, path, 'enum'));
    return;
  }
  const readerDefault = (reader as unknown as { default?: string }).default;
  const unknown = writer.symbols.filter((symbol) => !reader.symbols.includes(symbol));
  if (unknown.length > 0 && readerDefault === undefined) {
    causes.push({ kind: 'enum-symbols', path, enumName: shortName(reader.name), symbols: unknown });
  }
}

function nameChanged(reader: Type, writer: Type, path: string, what: string): Cause {
  return { kind: 'name-changed', path, readerName: reader.name ?? '?', writerName: writer.name ?? '?', what };
}

// ---- wording ----------------------------------------------------------------------------------------

const OLD_RECORDS = 'so records written before this change cannot be read';
const OLD_CONSUMERS = 'so consumers still on the earlier schema cannot read new records';

function describeCause(cause: Cause, direction: CompatibilityDirection): string {
  const backward = direction === 'backward';
  const where = cause.path === '' ? 'the top-level record' : `field "${cause.path}"`;
  switch (cause.kind) {
    case 'field-missing':
      return backward
        ? `field "${cause.path}" was added without a default, ${OLD_RECORDS}`
        : `field "${cause.path}" was removed (or renamed) and the earlier schema gives it no default, ${OLD_CONSUMERS}`;
    case 'type-changed':
      return backward
        ? `${where} changed type from ${cause.writerType} to ${cause.readerType}, which Avro cannot convert, ${OLD_RECORDS}`
        : `${where} changed type from ${cause.readerType} to ${cause.writerType}, which Avro cannot convert back, ${OLD_CONSUMERS}`;
    case 'branch-unreadable':
      return backward
        ? `${where} no longer accepts ${cause.branch} (it is now ${cause.readerType}), ${OLD_RECORDS}`
        : `${where} now also accepts ${cause.branch}, which the earlier schema (${cause.readerType}) cannot read, ${OLD_CONSUMERS}`;
    case 'enum-symbols': {
      const symbols = cause.symbols.map((symbol) => `"${symbol}"`).join(', ');
      return backward
        ? `enum ${cause.enumName} at ${where} lost symbol(s) ${symbols} (removed or renamed) and has no default, ${OLD_RECORDS}`
        : `enum ${cause.enumName} at ${where} gained symbol(s) ${symbols} and the earlier schema's enum has no default, ${OLD_CONSUMERS}`;
    }
    case 'name-changed': {
      const [before, after] = backward
        ? [cause.writerName, cause.readerName]
        : [cause.readerName, cause.writerName];
      return `${cause.what} ${before} at ${where} was renamed to ${after} (names include the namespace), ${
        backward ? OLD_RECORDS : OLD_CONSUMERS
      }`;
    }
    case 'other':
      return `${where}: ${cause.detail}`;
  }
}

function fixFor(cause: Cause, direction: CompatibilityDirection): string {
  switch (cause.kind) {
    case 'field-missing':
      return direction === 'backward'
        ? 'give new fields a default (an optional field is "type": ["null", ...], "default": null)'
        : 'keep the field (stop filling it, but leave it in the schema) or, under FORWARD/FULL, only remove fields that had a default';
    case 'type-changed':
      return 'keep the old type (Avro only widens int → long → float → double and converts string ↔ bytes) and add a new field for the new type';
    case 'branch-unreadable':
      return direction === 'backward'
        ? 'keep accepting what was accepted before (keep the union branch, e.g. "null")'
        : 'only widen a field to a union when every consumer already reads that union';
    case 'enum-symbols':
      return 'never rename or remove enum symbols, and add new ones only when the enum has a "default"';
    case 'name-changed':
      return `keep the old full name, or list it in "aliases"`;
    case 'other':
      return 'make the change in small compatible steps';
  }
}

// ---- avsc type helpers ------------------------------------------------------------------------------

function isUnion(type: Type): boolean {
  return type.typeName.startsWith('union');
}

function unionTypes(type: Type): Type[] {
  return (type as types.UnwrappedUnionType).types;
}

const NUMERIC = ['int', 'long', 'float', 'double'];
const TEXT = ['string', 'bytes'];

/** Same family: worth explaining member by member rather than as a type change. */
function sameKind(a: Type, b: Type): boolean {
  if (a.typeName === b.typeName) return true;
  if (NUMERIC.includes(a.typeName) && NUMERIC.includes(b.typeName)) return true;
  if (TEXT.includes(a.typeName) && TEXT.includes(b.typeName)) return true;
  return isRecordLike(a) && isRecordLike(b);
}

function isRecordLike(type: Type): boolean {
  return type.typeName === 'record' || type.typeName === 'error';
}

function namesMatch(reader: Type, writer: Type): boolean {
  if (!writer.name) return true;
  return reader.name === writer.name || (reader.aliases ?? []).includes(writer.name);
}

function shortName(name: string | undefined): string {
  if (!name) return '?';
  const dot = name.lastIndexOf('.');
  return dot === -1 ? name : name.slice(dot + 1);
}

function describeType(type: Type): string {
  if (isUnion(type)) return unionTypes(type).map(describeType).join(' | ');
  switch (type.typeName) {
    case 'record':
    case 'error':
      return `record ${shortName(type.name)}`;
    case 'enum':
      return `enum ${shortName(type.name)}`;
    case 'fixed':
      return `fixed ${shortName(type.name)}(${(type as types.FixedType).size})`;
    case 'array':
      return `array<${describeType((type as types.ArrayType).itemsType)}>`;
    case 'map':
      return `map<${describeType((type as types.MapType).valuesType as Type)}>`;
    default:
      return type.typeName;
  }
}

function pushUnique(target: string[], items: string[]): void {
  for (const item of items) if (!target.includes(item)) target.push(item);
}
