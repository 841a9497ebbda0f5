import { PersistenceErrorCode, PersistenceException } from './persistence.exception';

// Lower-case unquoted PostgreSQL identifiers only: they need no quoting anywhere (SQL, the
// `search_path` start-up option) and cannot be confused with a differently-cased twin.
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export function assertSchemaName(schema: string): string {
  if (!SCHEMA_NAME.test(schema) || schema.startsWith('pg_')) {
    throw new PersistenceException(
      PersistenceErrorCode.InvalidSchemaName,
      `schema name ${JSON.stringify(schema)} must match ${String(SCHEMA_NAME)} and not start with pg_`,
    );
  }
  return schema;
}

/** `"schema"."table"`, for names already validated. */
export function qualified(schema: string, table: string): string {
  return `"${assertSchemaName(schema)}"."${table}"`;
}

/** Advisory lock namespaces (first key of the two-key form), one per purpose. */
export enum AdvisoryLockClass {
  Migrations = 0x74776d67, // 'twmg'
  OutboxRelay = 0x74776f62, // 'twob'
}

/**
 * Second key of the two-key advisory lock: a stable 32-bit FNV-1a hash of the schema name, computed
 * here rather than with PostgreSQL's internal hashtext() so it never changes with the server version.
 */
export function schemaLockKey(schema: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(schema, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193);
  }
  return hash | 0;
}
