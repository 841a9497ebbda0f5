import { DataSource, type DataSourceOptions, type EntitySchema, MigrationExecutor } from 'typeorm';

import { PersistenceErrorCode, PersistenceException } from './persistence.exception';
import { AdvisoryLockClass, assertSchemaName, schemaLockKey } from './schema-name';

export type PostgresDataSourceOptions = Extract<DataSourceOptions, { type: 'postgres' }>;
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- typeorm's own element type for classes
type ClassList = (Function | string)[];

export interface ServiceDataSourceConfig {
  /** postgres://user:password@host:port/database */
  url: string;
  /** The service's own schema: its tables, its migrations table and its outbox/inbox live there. */
  schema: string;
  entities?: (ClassList[number] | EntitySchema)[];
  /** Include `persistenceMigrations` here when the service uses the outbox or the inbox. */
  migrations?: ClassList;
  /** Shown in pg_stat_activity; use the service name. */
  applicationName: string;
  /** Maximum connections in the pool (default 10). */
  poolSize?: number;
  logging?: PostgresDataSourceOptions['logging'];
  connectTimeoutMs?: number;
  /** Apply pending migrations during {@link createDataSource} (default true). */
  runMigrations?: boolean;
  /**
   * Let typeorm create tables from the entities after migrations. Tests only: production schemas
   * change through reviewed migrations, never by diffing entities against a live database.
   */
  synchronizeForTests?: boolean;
}

export const MIGRATIONS_TABLE = 'typeorm_migrations';

/**
 * typeorm options for one service. `migrationsRun` and `synchronize` stay off here on purpose:
 * typeorm would run them inside `initialize()` before the schema exists and without a lock, so
 * {@link createDataSource} does both itself, in order, under an advisory lock.
 */
export function buildDataSourceOptions(config: ServiceDataSourceConfig): PostgresDataSourceOptions {
  const schema = assertSchemaName(config.schema);
  if (!config.url) invalid('url is required');
  if (!config.applicationName) invalid('applicationName is required');
  if (config.poolSize !== undefined && !(Number.isInteger(config.poolSize) && config.poolSize >= 1)) {
    invalid(`poolSize must be a positive integer, got ${config.poolSize}`);
  }
  return {
    type: 'postgres',
    url: config.url,
    schema,
    applicationName: config.applicationName,
    poolSize: config.poolSize ?? 10,
    connectTimeoutMS: config.connectTimeoutMs ?? 10_000,
    entities: config.entities ?? [],
    migrations: config.migrations ?? [],
    migrationsTableName: MIGRATIONS_TABLE,
    migrationsTransactionMode: 'all',
    migrationsRun: false,
    synchronize: false,
    logging: config.logging ?? ['error', 'warn', 'migration'],
    // Unqualified names in raw SQL (the service's own queries, its migrations) resolve to its schema.
    extra: { options: `-c search_path=${schema},public` },
  };
}

/**
 * A started DataSource for one service: connects, creates the schema when it is missing, applies
 * pending migrations (all in one transaction), and only then hands the DataSource out. Several
 * replicas starting together serialize on an advisory lock, so a migration runs exactly once.
 */
export async function createDataSource(config: ServiceDataSourceConfig): Promise<DataSource> {
  const dataSource = new DataSource(buildDataSourceOptions(config));
  await dataSource.initialize();
  try {
    if (config.runMigrations ?? true) await migrateDataSource(dataSource);
    if (config.synchronizeForTests === true) await dataSource.synchronize();
    return dataSource;
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
}

/**
 * Creates the DataSource's schema if missing and runs its pending migrations, all in one transaction
 * that holds an advisory lock for the schema (a transaction-level lock: it cannot outlive a failure
 * on a pooled connection). Returns the names of the migrations it applied.
 */
export async function migrateDataSource(dataSource: DataSource): Promise<string[]> {
  const schema = schemaOf(dataSource);
  const queryRunner = dataSource.createQueryRunner('master');
  try {
    await queryRunner.startTransaction();
    await queryRunner.query('SELECT pg_advisory_xact_lock($1, $2)', [
      AdvisoryLockClass.Migrations,
      schemaLockKey(schema),
    ]);
    // Checked first: CREATE SCHEMA IF NOT EXISTS needs the CREATE privilege even when the schema
    // exists, which a locked-down production role may lack.
    const found = (await queryRunner.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [
      schema,
    ])) as unknown[];
    if (found.length === 0) await queryRunner.query(`CREATE SCHEMA "${schema}"`);
    // Mode "all" inside our transaction: the executor neither commits nor starts its own.
    const executor = new MigrationExecutor(dataSource, queryRunner);
    executor.transaction = 'all';
    const applied = await executor.executePendingMigrations();
    await queryRunner.commitTransaction();
    return applied.map((migration) => migration.name);
  } catch (error) {
    if (queryRunner.isTransactionActive) await queryRunner.rollbackTransaction().catch(() => undefined);
    throw new PersistenceException(
      PersistenceErrorCode.MigrationFailed,
      `migrating schema ${schema} failed`,
      {
        cause: error,
      },
    );
  } finally {
    await queryRunner.release();
  }
}

/** The schema a DataSource built by this library works in. */
export function schemaOf(dataSource: DataSource): string {
  const options = dataSource.options as Partial<PostgresDataSourceOptions>;
  if (options.type !== 'postgres') invalid(`a PostgreSQL DataSource is required, got ${options.type}`);
  return assertSchemaName(options.schema ?? 'public');
}

function invalid(message: string): never {
  throw new PersistenceException(PersistenceErrorCode.InvalidOptions, message);
}
