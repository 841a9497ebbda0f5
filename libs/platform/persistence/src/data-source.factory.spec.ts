import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { buildDataSourceOptions } from './data-source.factory';
import { PersistenceErrorCode, PersistenceException } from './persistence.exception';

const base = { url: 'postgres://u@h:5432/db', schema: 'order_intake', applicationName: 'order-intake' };

void describe('buildDataSourceOptions', () => {
  void it('never synchronizes and never lets typeorm run migrations inside initialize()', () => {
    const options = buildDataSourceOptions({ ...base, synchronizeForTests: true });
    assert.equal(options.synchronize, false);
    assert.equal(options.migrationsRun, false);
    assert.equal(options.dropSchema, undefined);
  });

  void it('puts everything in the service schema, migrations table included', () => {
    const options = buildDataSourceOptions(base);
    assert.equal(options.schema, 'order_intake');
    assert.equal(options.migrationsTableName, 'typeorm_migrations');
    assert.equal(options.migrationsTransactionMode, 'all');
    assert.deepEqual(options.extra, { options: '-c search_path=order_intake,public' });
  });

  void it('passes pool size, application name and logging through, with defaults', () => {
    const options = buildDataSourceOptions({ ...base, poolSize: 3, logging: false });
    assert.equal(options.poolSize, 3);
    assert.equal(options.applicationName, 'order-intake');
    assert.equal(options.logging, false);
    assert.equal(buildDataSourceOptions(base).poolSize, 10);
  });

  void it('rejects a bad schema, pool size or missing url', () => {
    const invalid = (code: PersistenceErrorCode) => (error: unknown) =>
      error instanceof PersistenceException && error.code === code;
    assert.throws(
      () => buildDataSourceOptions({ ...base, schema: 'Order' }),
      invalid(PersistenceErrorCode.InvalidSchemaName),
    );
    assert.throws(
      () => buildDataSourceOptions({ ...base, poolSize: 0 }),
      invalid(PersistenceErrorCode.InvalidOptions),
    );
    assert.throws(
      () => buildDataSourceOptions({ ...base, url: '' }),
      invalid(PersistenceErrorCode.InvalidOptions),
    );
  });
});
