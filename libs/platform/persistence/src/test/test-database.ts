import { testStack, uniqueName } from '@tradewind/testing';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';

import { createDataSource, type ServiceDataSourceConfig } from '../data-source.factory';

export interface TestDatabase {
  dataSource: DataSource;
  schema: string;
  url: string;
  /** Closes the DataSource and drops the schema. */
  drop(): Promise<void>;
}

/** A DataSource on a schema of its own in the test database, migrated. */
export async function openTestDatabase(config: Partial<ServiceDataSourceConfig> = {}): Promise<TestDatabase> {
  const url = testStack().databaseUrl;
  const schema = config.schema ?? uniqueName('tw_persistence');
  const dataSource = await createDataSource({
    url,
    schema,
    applicationName: 'persistence-test',
    poolSize: 4,
    logging: false,
    ...config,
  });
  return {
    dataSource,
    schema,
    url,
    drop: async () => {
      if (dataSource.isInitialized) await dataSource.destroy();
      await dropSchema(url, schema);
    },
  };
}

export async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}
