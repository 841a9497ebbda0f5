// `./tradewind schemas register`: brings the registry and the broker in line with the catalog. Idempotent
// and safe on every start (tests and demos call it first): only differences are changed, one line each.
import path from 'node:path';

import { SASL_MECHANISMS } from '@tradewind/config';
import type { SASLOptions } from 'kafkajs';

import { canonicalSchemaText, loadAvroSchema, type LoadedSchema, parseAvroSchema } from './avro-schema';
import { loadBaselineResets, registryResetNote, resetsFor } from './baseline';
import { type Catalog, type CatalogTopic, loadCatalog } from './catalog';
import { runCli } from './cli';
import { checkCompatibility, formatIncompatibility, type HistoricSchema } from './compatibility';
import { syncTopics } from './kafka-topics';
import { defaultRegistryUrl, defaultSchemasDir } from './paths';
import { RegistryClient } from './registry-client';
import { SchemaToolErrorCode, SchemaToolException } from './schema-tool.exception';

export interface RegisterOptions {
  /** Default `schemas/` (or TW_SCHEMAS_DIR). */
  schemasDir?: string;
  /** Default REGISTRY_URL or the local stack's ccompat API. */
  registryUrl?: string;
  /** Default KAFKA_BROKERS (comma-separated) or the local stack on KAFKA_PORT (9092). */
  brokers?: string[];
  /** Default KAFKA_REPLICATION_FACTOR or 1. */
  replicationFactor?: number;
  /** Default from KAFKA_SSL, KAFKA_SASL_MECHANISM/USERNAME/PASSWORD (the services' variables). */
  kafkaSecurity?: { ssl?: boolean; sasl?: SASLOptions };
  /** Default SCHEMA_REGISTRY_USERNAME/PASSWORD. */
  registryAuth?: { username: string; password: string };
}

export interface RegisterResult {
  /** What was changed, one line each. */
  changes: string[];
  /** Drift left alone on purpose. */
  warnings: string[];
  /** What could not be done; the CLI exits 1 when there is any. */
  problems: string[];
  /** Subjects and topics already as the catalog says. */
  unchanged: string[];
}

export async function runRegister(options: RegisterOptions = {}): Promise<RegisterResult> {
  const catalog = loadCatalog({ schemasDir: path.resolve(options.schemasDir ?? defaultSchemasDir()) });
  const result: RegisterResult = { changes: [], warnings: [], problems: [], unchanged: [] };
  const collect = (error: unknown, prefix = ''): void => {
    if (error instanceof SchemaToolException)
      result.problems.push(...error.problems.map((line) => prefix + line));
    else if (error instanceof Error) result.problems.push(`${prefix}${error.message}`);
    else throw error;
  };

  try {
    const registry = new RegistryClient(options.registryUrl ?? defaultRegistryUrl(), {
      auth: options.registryAuth ?? registryAuthFromEnv(),
    });
    await registerSubjects(catalog, registry, result);
  } catch (error) {
    collect(error);
  }

  const brokers = options.brokers ?? brokersFromEnv();
  try {
    const topics = await syncTopics(catalog.topics, {
      brokers,
      replicationFactor: options.replicationFactor ?? replicationFactorFromEnv(),
      ...(options.kafkaSecurity ?? kafkaSecurityFromEnv()),
    });
    result.changes.push(...topics.changes.map((change) => `kafka: ${change.text}`));
    result.warnings.push(...topics.warnings.map((warning) => `kafka: ${warning.text}`));
    result.unchanged.push(...topics.unchanged.map((topic) => `topic ${topic}`));
  } catch (error) {
    collect(error, `kafka at ${brokers.join(',')}: `);
  }
  return result;
}

async function registerSubjects(
  catalog: Catalog,
  registry: RegistryClient,
  result: RegisterResult,
): Promise<void> {
  const globalLevel = await registry.getGlobalCompatibility();
  if (globalLevel !== catalog.defaults.compatibility) {
    await registry.setGlobalCompatibility(catalog.defaults.compatibility);
    result.changes.push(
      `registry: global compatibility ${catalog.defaults.compatibility} (was ${globalLevel})`,
    );
  }
  const resets = loadBaselineResets(catalog.schemasDir);
  for (const topic of catalog.topics) {
    const subjects = [{ subject: topic.valueSubject, file: topic.valueSchemaFile }];
    if (topic.key.kind === 'avro') subjects.push({ subject: topic.key.subject, file: topic.key.file });
    for (const { subject, file } of subjects) {
      let schema: LoadedSchema;
      try {
        schema = loadAvroSchema(file);
      } catch (error) {
        if (!(error instanceof SchemaToolException)) throw error;
        result.problems.push(...error.problems);
        continue;
      }
      const since = resetsFor(resets, file);
      await registerSubject(registry, topic, subject, schema, since, result);
    }
  }
}

async function registerSubject(
  registry: RegistryClient,
  topic: CatalogTopic,
  subject: string,
  schema: LoadedSchema,
  since: readonly string[],
  result: RegisterResult,
): Promise<void> {
  const level = topic.compatibility;
  // Pinned on every subject, not only where it differs from the global level: Apicurio reports NONE for
  // a subject without its own level, and registry clients compare that answer with the level they expect.
  const current = await registry.getSubjectCompatibility(subject);
  if (current !== level) {
    await registry.setSubjectCompatibility(subject, level);
    result.changes.push(`registry: ${subject} compatibility ${level} (was ${current ?? 'unset'})`);
  }

  const text = canonicalSchemaText(schema);
  if (await registry.lookup(subject, text)) {
    result.unchanged.push(`subject ${subject}`);
    return;
  }

  // Refuse with the same explanation as `schemas check` before the registry refuses without one.
  const versions = await registry.getAllVersions(subject);
  const history: HistoricSchema[] = versions.map((version) => ({
    label: `version ${version.version} of subject ${subject}`,
    type: parseAvroSchema(version.schema, `version ${version.version} of subject ${subject}`).type,
  }));
  const incompatible = checkCompatibility(schema.type, history, level);
  if (incompatible.length > 0) {
    result.problems.push(
      ...incompatible.map(
        (found) =>
          formatIncompatibility(found, { file: schema.shown, level, topic: topic.name }) +
          registryResetNote(since),
      ),
    );
    return;
  }
  let id: number;
  try {
    ({ id } = await registry.register(subject, text));
  } catch (error) {
    if (error instanceof SchemaToolException && error.status === 409) {
      result.problems.push(
        `${schema.shown}: the schema registry refused it for subject ${subject} (${level}): ${error.message}`,
      );
      return;
    }
    throw error;
  }
  const registered = await registry.lookup(subject, text);
  result.changes.push(
    `registry: registered ${schema.shown} as ${subject} version ${registered?.version ?? '?'} (schema id ${id})`,
  );
}

function brokersFromEnv(): string[] {
  const brokers = (process.env.KAFKA_BROKERS ?? `127.0.0.1:${process.env.KAFKA_PORT ?? '9092'}`)
    .split(',')
    .map((broker) => broker.trim())
    .filter((broker) => broker !== '');
  if (brokers.length === 0) {
    throw new SchemaToolException(
      SchemaToolErrorCode.ConfigurationInvalid,
      'KAFKA_BROKERS is empty (expected host:port[,host:port])',
    );
  }
  return brokers;
}

/** TLS and SASL to Kafka from the variables the services read (libs/config platform.config.ts). */
export function kafkaSecurityFromEnv(env: NodeJS.ProcessEnv = process.env): {
  ssl?: boolean;
  sasl?: SASLOptions;
} {
  const ssl = env.KAFKA_SSL === undefined ? undefined : ['true', '1', 'yes'].includes(env.KAFKA_SSL);
  const mechanism = env.KAFKA_SASL_MECHANISM;
  if (mechanism === undefined || mechanism === '') return { ssl };
  if (!(SASL_MECHANISMS as readonly string[]).includes(mechanism)) {
    throw new SchemaToolException(
      SchemaToolErrorCode.ConfigurationInvalid,
      `KAFKA_SASL_MECHANISM must be one of ${SASL_MECHANISMS.join(', ')} (got "${mechanism}")`,
    );
  }
  const { KAFKA_SASL_USERNAME: username, KAFKA_SASL_PASSWORD: password } = env;
  if (!username || !password) {
    throw new SchemaToolException(
      SchemaToolErrorCode.ConfigurationInvalid,
      'KAFKA_SASL_MECHANISM is set: KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD are required',
    );
  }
  return { ssl, sasl: { mechanism, username, password } as SASLOptions };
}

function registryAuthFromEnv(): { username: string; password: string } | undefined {
  const { SCHEMA_REGISTRY_USERNAME: username, SCHEMA_REGISTRY_PASSWORD: password } = process.env;
  if (!username) return undefined;
  if (!password) {
    throw new SchemaToolException(
      SchemaToolErrorCode.ConfigurationInvalid,
      'SCHEMA_REGISTRY_USERNAME is set: SCHEMA_REGISTRY_PASSWORD is required',
    );
  }
  return { username, password };
}

function replicationFactorFromEnv(): number {
  const raw = process.env.KAFKA_REPLICATION_FACTOR ?? '1';
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) {
    throw new SchemaToolException(
      SchemaToolErrorCode.ConfigurationInvalid,
      `KAFKA_REPLICATION_FACTOR must be a positive integer (got "${raw}")`,
    );
  }
  return value;
}

if (require.main === module) {
  runCli(async () => {
    const result = await runRegister();
    for (const change of result.changes) console.log(change);
    for (const warning of result.warnings) console.log(`warning: ${warning}`);
    for (const problem of result.problems) console.error(problem);
    const summary = [
      `${result.changes.length} change(s)`,
      `${result.unchanged.length} already up to date`,
      ...(result.warnings.length > 0 ? [`${result.warnings.length} warning(s)`] : []),
      ...(result.problems.length > 0 ? [`${result.problems.length} problem(s)`] : []),
    ];
    console.log(`schemas register: ${summary.join(', ')}`);
    return result.problems.length === 0 ? 0 : 1;
  });
}
