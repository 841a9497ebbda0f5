import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';

import { testStack, uniqueName } from '@tradewind/testing';
import { type DataSource, EntitySchema } from 'typeorm';

import { createDataSource, migrateDataSource } from './data-source.factory';
import { persistenceMigrations } from './index';
import { dropSchema } from './test/test-database';
import { CreateTestOrder1767225700000 } from './test/test-order.migration';

const url = testStack().databaseUrl;
const migrations = [...persistenceMigrations, CreateTestOrder1767225700000];

async function tablesIn(dataSource: DataSource, schema: string): Promise<string[]> {
  const rows = await dataSource.query<{ table_name: string }[]>(
    'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name',
    [schema],
  );
  return rows.map((row) => row.table_name);
}

void describe('createDataSource', () => {
  const schemas: string[] = [];
  const open: DataSource[] = [];
  const start = async (schema: string, extra: object = {}): Promise<DataSource> => {
    const dataSource = await createDataSource({
      url,
      schema,
      applicationName: 'persistence-itest',
      migrations,
      poolSize: 2,
      logging: ['error'],
      ...extra,
    });
    open.push(dataSource);
    return dataSource;
  };

  after(async () => {
    for (const dataSource of open) if (dataSource.isInitialized) await dataSource.destroy();
    for (const schema of schemas) await dropSchema(url, schema);
  });

  void it('creates the schema and runs migrations into it; a second start is a no-op', async () => {
    const schema = uniqueName('tw_ds');
    schemas.push(schema);
    const first = await start(schema);
    assert.deepEqual(await tablesIn(first, schema), [
      'inbox_message',
      'outbox_message',
      'received_message',
      'test_order',
      'typeorm_migrations',
    ]);
    const applied = await first.query<{ name: string }[]>(
      `SELECT name FROM "${schema}".typeorm_migrations ORDER BY id`,
    );
    assert.deepEqual(
      applied.map((row) => row.name),
      [
        'CreateOutboxMessage1767225600000',
        'CreateInboxMessage1767225600001',
        'AddOutboxUndeliverableReason1767225600040',
        'CreateTestOrder1767225700000',
      ],
    );
    // Nothing leaked into public.
    const inPublic = await first.query<unknown[]>(
      "SELECT 1 FROM information_schema.tables WHERE table_schema = 'public' AND table_name IN ('typeorm_migrations', 'outbox_message')",
    );
    assert.equal(inPublic.length, 0);
    await first.destroy();

    const second = await start(schema);
    assert.deepEqual(await migrateDataSource(second), []);
    const count = await second.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM "${schema}".typeorm_migrations`,
    );
    assert.equal(count[0].n, migrations.length);
  });

  void it('applies each migration once when replicas start together', async () => {
    const schema = uniqueName('tw_ds');
    schemas.push(schema);
    await Promise.all([start(schema), start(schema), start(schema)]);
    const rows = await open[open.length - 1].query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM "${schema}".typeorm_migrations`,
    );
    assert.equal(rows[0].n, migrations.length);
  });

  void it('resolves unqualified SQL to the service schema', async () => {
    const schema = uniqueName('tw_ds');
    schemas.push(schema);
    const dataSource = await start(schema);
    await dataSource.query("INSERT INTO test_order (id, status) VALUES ('o-1', 'new')");
    const rows = await dataSource.query<{ status: string }[]>(`SELECT status FROM "${schema}".test_order`);
    assert.deepEqual(rows, [{ status: 'new' }]);
  });

  void it('synchronizes entities only when synchronizeForTests says so', async () => {
    const Widget = new EntitySchema<{ id: number; name: string }>({
      name: 'widget',
      columns: { id: { type: Number, primary: true, generated: 'increment' }, name: { type: String } },
    });
    const withSync = uniqueName('tw_ds');
    const withoutSync = uniqueName('tw_ds');
    schemas.push(withSync, withoutSync);
    const synced = await start(withSync, { entities: [Widget], synchronizeForTests: true });
    assert.ok((await tablesIn(synced, withSync)).includes('widget'));
    const saved = await synced.getRepository(Widget).save({ name: 'w' });
    assert.equal(saved.name, 'w');
    const plain = await start(withoutSync, { entities: [Widget] });
    assert.ok(!(await tablesIn(plain, withoutSync)).includes('widget'));
  });

  void it('fails start-up with a wrapped error when a migration fails, leaving nothing half-done', async () => {
    const schema = uniqueName('tw_ds');
    schemas.push(schema);
    class Broken1767225800000 {
      readonly name = 'Broken1767225800000';
      async up(queryRunner: { query(sql: string): Promise<unknown> }): Promise<void> {
        await queryRunner.query('CREATE TABLE half_done (id int)');
        await queryRunner.query('SELECT no_such_function()');
      }
      down(): Promise<void> {
        return Promise.resolve();
      }
    }
    await assert.rejects(
      createDataSource({
        url,
        schema,
        applicationName: 'persistence-itest',
        migrations: [...migrations, Broken1767225800000],
        logging: false,
      }),
      /MIGRATION_FAILED/,
    );
    const probe = await start(uniqueName('tw_ds_probe'), { migrations: [], runMigrations: false });
    const left = await probe.query<unknown[]>('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
    assert.equal(left.length, 0, 'the schema creation rolled back with the migrations');
  });
});
