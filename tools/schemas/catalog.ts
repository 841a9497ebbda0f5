import fs from 'node:fs';
import path from 'node:path';

import { isMap, isSeq, LineCounter, parseDocument } from 'yaml';

import { defaultSchemasDir, displayPath } from './paths';
import { SchemaToolErrorCode, SchemaToolException } from './schema-tool.exception';

export const COMPATIBILITY_LEVELS = [
  'NONE',
  'BACKWARD',
  'BACKWARD_TRANSITIVE',
  'FORWARD',
  'FORWARD_TRANSITIVE',
  'FULL',
  'FULL_TRANSITIVE',
] as const;
export type CompatibilityLevel = (typeof COMPATIBILITY_LEVELS)[number];

export const CLEANUP_POLICIES = ['delete', 'compact', 'compact,delete'] as const;
export type CleanupPolicy = (typeof CLEANUP_POLICIES)[number];

/** The architecture's default: a new consumer must read everything still on the topic. */
export const DEFAULT_COMPATIBILITY: CompatibilityLevel = 'BACKWARD_TRANSITIVE';

/** Keys are plain UTF-8 strings unless the catalog names an Avro key schema. */
export type TopicKey =
  | { kind: 'string'; description: string }
  | {
      kind: 'avro';
      description: string | null;
      /** As written in the catalog, relative to the schemas directory: `avro/<topic>.key.avsc`. */
      schemaPath: string;
      file: string;
      subject: string;
    };

export interface CatalogTopic {
  name: string;
  owner: string;
  key: TopicKey;
  /** As written in the catalog, relative to the schemas directory: `avro/<topic>.avsc`. */
  valueSchema: string;
  /** Absolute path of the value schema file. */
  valueSchemaFile: string;
  /** TopicNameStrategy: `<topic>-value`. */
  valueSubject: string;
  partitions: number;
  cleanupPolicy: CleanupPolicy;
  /** `retention.ms`; null leaves the broker default. */
  retentionMs: number | null;
  compatibility: CompatibilityLevel;
  producers: string[];
  consumers: string[];
  /** 1-based line of the entry in the catalog file, for messages. */
  line: number;
}

export interface CatalogDefaults {
  compatibility: CompatibilityLevel;
  partitions: number | null;
  cleanupPolicy: CleanupPolicy | null;
  retentionMs: number | null;
}

/** A Kafka record header every service agrees on; generated into `HEADER` in libs/platform/contracts. */
export interface CatalogHeader {
  /** The constant's key, camelCase: `HEADER.messageId`. */
  constant: string;
  /** The header name on the wire (lower-case). */
  name: string;
  doc: string;
}

export interface Catalog {
  /** Absolute path of topics.yaml. */
  file: string;
  schemasDir: string;
  defaults: CatalogDefaults;
  headers: CatalogHeader[];
  topics: CatalogTopic[];
}

export const CATALOG_FILE_NAME = 'topics.yaml';

// Kafka's own rule for topic names.
const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;
const TOP_LEVEL_KEYS = ['defaults', 'headers', 'topics'];
const HEADER_CONSTANT = /^[a-z][A-Za-z0-9]*$/;
// Lower-case so that every client (kafkajs, Java, HTTP proxies) spells it the same way.
const HEADER_NAME = /^[a-z0-9][a-z0-9._-]*$/;
const DEFAULT_KEYS = ['compatibility', 'partitions', 'cleanupPolicy', 'retentionMs'];
const TOPIC_KEYS = [
  'name',
  'owner',
  'key',
  'keySchema',
  'valueSchema',
  'partitions',
  'cleanupPolicy',
  'retentionMs',
  'compatibility',
  'producers',
  'consumers',
];

export interface LoadCatalogOptions {
  /** Directory holding topics.yaml and the .avsc files it names; default `schemas/` (or TW_SCHEMAS_DIR). */
  schemasDir?: string;
}

/** Reads and validates the catalog; throws a CATALOG_INVALID exception listing every problem found. */
export function loadCatalog(options: LoadCatalogOptions = {}): Catalog {
  const schemasDir = path.resolve(options.schemasDir ?? defaultSchemasDir());
  const file = path.join(schemasDir, CATALOG_FILE_NAME);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new SchemaToolException(
      SchemaToolErrorCode.CatalogInvalid,
      `${displayPath(file)}: cannot be read`,
      {
        cause: error,
      },
    );
  }
  return parseCatalog(text, { file, schemasDir });
}

export interface ParseCatalogOptions {
  file: string;
  schemasDir: string;
  /** Check that the schema files exist (default true). */
  checkFiles?: boolean;
}

/** Validates catalog text; every problem is one line naming the file, the line and the topic. */
export function parseCatalog(text: string, options: ParseCatalogOptions): Catalog {
  const { file, schemasDir } = options;
  const checkFiles = options.checkFiles ?? true;
  const shown = displayPath(file);
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (document.errors.length > 0) {
    const problems = document.errors.map((error) => {
      const position = lineCounter.linePos(error.pos[0]);
      const where = `${shown}:${position.line}:${position.col}`;
      return `${where}: not valid YAML: ${error.message.split('\n')[0]}`;
    });
    throw new SchemaToolException(SchemaToolErrorCode.CatalogInvalid, problems);
  }

  const problems: string[] = [];
  const root: unknown = document.toJS();
  if (!isRecord(root)) {
    throw new SchemaToolException(
      SchemaToolErrorCode.CatalogInvalid,
      `${shown}: expected a mapping with "defaults" and "topics"`,
    );
  }
  for (const key of Object.keys(root)) {
    if (!TOP_LEVEL_KEYS.includes(key)) {
      problems.push(`${shown}: unknown top-level key "${key}" (allowed: ${TOP_LEVEL_KEYS.join(', ')})`);
    }
  }

  const defaults = parseDefaults(root.defaults, `${shown}: defaults`, problems);
  const headers = parseHeaders(root.headers, `${shown}: headers`, problems);

  const topicsNode = document.get('topics', true);
  const lineOf = (index: number): number => {
    if (isSeq(topicsNode)) {
      const item = topicsNode.items[index];
      const offset = isMap(item) && item.range ? item.range[0] : undefined;
      if (offset !== undefined) return lineCounter.linePos(offset).line;
    }
    return 0;
  };

  const topics: CatalogTopic[] = [];
  if (!Array.isArray(root.topics) || root.topics.length === 0) {
    problems.push(`${shown}: "topics" must be a non-empty list`);
  } else {
    const seen = new Map<string, number>();
    root.topics.forEach((raw: unknown, index: number) => {
      const line = lineOf(index);
      const at = line > 0 ? `${shown}:${line}` : shown;
      const topic = parseTopic(raw, { at, index, line, defaults, schemasDir, checkFiles }, problems);
      if (!topic) return;
      const earlier = seen.get(topic.name);
      if (earlier !== undefined) {
        problems.push(`${at}: topic "${topic.name}" is listed twice (first at line ${earlier})`);
        return;
      }
      seen.set(topic.name, line);
      topics.push(topic);
    });
  }

  if (problems.length > 0) throw new SchemaToolException(SchemaToolErrorCode.CatalogInvalid, problems);
  return { file, schemasDir, defaults, headers, topics };
}

function parseDefaults(raw: unknown, at: string, problems: string[]): CatalogDefaults {
  const defaults: CatalogDefaults = {
    compatibility: DEFAULT_COMPATIBILITY,
    partitions: null,
    cleanupPolicy: null,
    retentionMs: null,
  };
  if (raw === undefined || raw === null) return defaults;
  if (!isRecord(raw)) {
    problems.push(`${at}: must be a mapping`);
    return defaults;
  }
  unknownKeys(raw, DEFAULT_KEYS, at, problems);
  if (raw.compatibility !== undefined) {
    defaults.compatibility = compatibilityLevel(raw.compatibility, at, problems) ?? defaults.compatibility;
  }
  if (raw.partitions !== undefined)
    defaults.partitions = positiveInteger(raw.partitions, 'partitions', at, problems);
  if (raw.cleanupPolicy !== undefined)
    defaults.cleanupPolicy = cleanupPolicy(raw.cleanupPolicy, at, problems);
  if (raw.retentionMs !== undefined) defaults.retentionMs = retention(raw.retentionMs, at, problems);
  return defaults;
}

function parseHeaders(raw: unknown, at: string, problems: string[]): CatalogHeader[] {
  if (raw === undefined || raw === null) return [];
  if (!isRecord(raw)) {
    problems.push(`${at}: must be a mapping of constant name to { name, doc }`);
    return [];
  }
  const headers: CatalogHeader[] = [];
  const names = new Map<string, string>();
  for (const [constant, entry] of Object.entries(raw)) {
    const where = `${at}: ${constant}`;
    if (!HEADER_CONSTANT.test(constant)) problems.push(`${where}: the constant must be camelCase`);
    if (!isRecord(entry) || typeof entry.name !== 'string' || typeof entry.doc !== 'string') {
      problems.push(`${where}: must be { name: <wire name>, doc: <what it carries> }`);
      continue;
    }
    unknownKeys(entry, ['name', 'doc'], where, problems);
    if (!HEADER_NAME.test(entry.name)) {
      problems.push(
        `${where}: header name "${entry.name}" must be lower-case letters, digits, ".", "_", "-"`,
      );
    }
    const clash = names.get(entry.name);
    if (clash) problems.push(`${where}: header name "${entry.name}" is also ${clash}'s`);
    names.set(entry.name, constant);
    headers.push({ constant, name: entry.name, doc: entry.doc.trim() });
  }
  return headers;
}

interface TopicContext {
  at: string;
  index: number;
  line: number;
  defaults: CatalogDefaults;
  schemasDir: string;
  checkFiles: boolean;
}

function parseTopic(raw: unknown, context: TopicContext, problems: string[]): CatalogTopic | null {
  const { defaults, schemasDir } = context;
  if (!isRecord(raw)) {
    problems.push(
      `${context.at}: topic #${context.index + 1} must be a mapping with at least name, owner, valueSchema`,
    );
    return null;
  }
  if (typeof raw.name !== 'string' || raw.name.trim() === '') {
    problems.push(`${context.at}: topic #${context.index + 1} has no "name"`);
    return null;
  }
  const name = raw.name;
  const at = `${context.at}: topic "${name}"`;
  const before = problems.length;
  if (!TOPIC_NAME.test(name) || name === '.' || name === '..') {
    problems.push(
      `${at}: not a legal Kafka topic name (letters, digits, ".", "_", "-"; at most 249 characters)`,
    );
  }
  unknownKeys(raw, TOPIC_KEYS, at, problems);

  let owner = '';
  if (typeof raw.owner === 'string' && raw.owner.trim() !== '') {
    owner = raw.owner.trim();
  } else {
    problems.push(
      `${at}: has no owner (add "owner: <service>": the one service that owns its schema and data)`,
    );
  }

  const valueSchema = schemaReference(
    raw.valueSchema,
    'valueSchema',
    at,
    schemasDir,
    context.checkFiles,
    problems,
  );
  const key = topicKey(raw, name, at, schemasDir, context.checkFiles, problems);

  let partitions: number | null = defaults.partitions;
  if (raw.partitions !== undefined) partitions = positiveInteger(raw.partitions, 'partitions', at, problems);
  else if (partitions === null) problems.push(`${at}: no "partitions" and no defaults.partitions`);

  let policy: CleanupPolicy | null = defaults.cleanupPolicy;
  if (raw.cleanupPolicy !== undefined) policy = cleanupPolicy(raw.cleanupPolicy, at, problems);
  else if (policy === null)
    problems.push(`${at}: no "cleanupPolicy" (one of ${CLEANUP_POLICIES.join(', ')})`);

  let retentionMs: number | null = defaults.retentionMs;
  if (raw.retentionMs !== undefined) retentionMs = retention(raw.retentionMs, at, problems);

  let compatibility: CompatibilityLevel | null = defaults.compatibility;
  if (raw.compatibility !== undefined) compatibility = compatibilityLevel(raw.compatibility, at, problems);

  const producers = serviceList(raw.producers, 'producers', at, problems);
  const consumers = serviceList(raw.consumers, 'consumers', at, problems);

  if (problems.length > before || !valueSchema || !key || partitions === null || !policy || !compatibility) {
    return null;
  }
  return {
    name,
    owner,
    key,
    valueSchema: valueSchema.reference,
    valueSchemaFile: valueSchema.file,
    valueSubject: `${name}-value`,
    partitions,
    cleanupPolicy: policy,
    retentionMs,
    compatibility,
    producers,
    consumers,
    line: context.line,
  };
}

function topicKey(
  raw: Record<string, unknown>,
  name: string,
  at: string,
  schemasDir: string,
  checkFiles: boolean,
  problems: string[],
): TopicKey | null {
  let description: string | null = null;
  if (raw.key !== undefined) {
    if (typeof raw.key === 'string' && raw.key.trim() !== '') description = raw.key.trim();
    else
      problems.push(`${at}: "key" must describe the record key in words (or use keySchema for an Avro key)`);
  }
  if (raw.keySchema !== undefined) {
    const schema = schemaReference(raw.keySchema, 'keySchema', at, schemasDir, checkFiles, problems);
    if (!schema) return null;
    return {
      kind: 'avro',
      description,
      schemaPath: schema.reference,
      file: schema.file,
      subject: `${name}-key`,
    };
  }
  if (description === null) {
    if (raw.key === undefined) {
      problems.push(`${at}: no "key" (describe the string key, e.g. "orderId") and no "keySchema"`);
    }
    return null;
  }
  return { kind: 'string', description };
}

function schemaReference(
  raw: unknown,
  field: string,
  at: string,
  schemasDir: string,
  checkFiles: boolean,
  problems: string[],
): { reference: string; file: string } | null {
  if (typeof raw !== 'string' || raw.trim() === '') {
    problems.push(`${at}: no "${field}" (path of an .avsc file relative to ${displayPath(schemasDir)}/)`);
    return null;
  }
  const reference = raw.trim();
  if (!reference.endsWith('.avsc') || path.isAbsolute(reference) || reference.split('/').includes('..')) {
    problems.push(
      `${at}: ${field} "${reference}" must be a relative path to an .avsc file inside the schemas folder`,
    );
    return null;
  }
  const file = path.join(schemasDir, reference);
  if (checkFiles && !fs.existsSync(file)) {
    problems.push(`${at}: ${field} ${displayPath(file)} does not exist`);
    return null;
  }
  return { reference, file };
}

function compatibilityLevel(raw: unknown, at: string, problems: string[]): CompatibilityLevel | null {
  if (typeof raw === 'string' && (COMPATIBILITY_LEVELS as readonly string[]).includes(raw)) {
    return raw as CompatibilityLevel;
  }
  problems.push(
    `${at}: compatibility ${JSON.stringify(raw)} is not one of ${COMPATIBILITY_LEVELS.join(', ')}`,
  );
  return null;
}

function cleanupPolicy(raw: unknown, at: string, problems: string[]): CleanupPolicy | null {
  // Kafka accepts both orders of the combined policy; keep one spelling.
  const value = typeof raw === 'string' ? raw.replace(/\s+/g, '') : raw;
  if (value === 'delete,compact') return 'compact,delete';
  if (typeof value === 'string' && (CLEANUP_POLICIES as readonly string[]).includes(value)) {
    return value as CleanupPolicy;
  }
  problems.push(`${at}: cleanupPolicy ${JSON.stringify(raw)} is not one of ${CLEANUP_POLICIES.join(', ')}`);
  return null;
}

function positiveInteger(raw: unknown, field: string, at: string, problems: string[]): number | null {
  if (typeof raw === 'number' && Number.isInteger(raw) && raw > 0) return raw;
  problems.push(`${at}: ${field} must be a positive integer (got ${JSON.stringify(raw)})`);
  return null;
}

function retention(raw: unknown, at: string, problems: string[]): number | null {
  // -1 is Kafka's "keep forever".
  if (typeof raw === 'number' && Number.isSafeInteger(raw) && (raw > 0 || raw === -1)) return raw;
  problems.push(
    `${at}: retentionMs must be a positive number of milliseconds or -1 (got ${JSON.stringify(raw)})`,
  );
  return null;
}

function serviceList(raw: unknown, field: string, at: string, problems: string[]): string[] {
  if (raw === undefined || raw === null) return [];
  if (Array.isArray(raw) && raw.every((item) => typeof item === 'string' && item.trim() !== '')) {
    return (raw as string[]).map((item) => item.trim());
  }
  problems.push(`${at}: ${field} must be a list of service names (got ${JSON.stringify(raw)})`);
  return [];
}

function unknownKeys(raw: Record<string, unknown>, allowed: string[], at: string, problems: string[]): void {
  for (const key of Object.keys(raw)) {
    if (!allowed.includes(key)) problems.push(`${at}: unknown key "${key}" (allowed: ${allowed.join(', ')})`);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
