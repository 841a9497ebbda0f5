// The parked-record store against PostgreSQL: an idle connection of its pool that the server drops (as a
// PostgreSQL restart does, here pg_terminate_backend) must not crash the service, and the store keeps
// working on a new connection. Before, the pool's unheard 'error' event killed order-intake in the chaos e2e.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { expectEventually, testStack, uniqueName } from '@tradewind/testing';
import { Pool } from 'pg';

import { PostgresParkedRecordStore } from './parked-records';

void describe('PostgresParkedRecordStore when PostgreSQL drops its idle connections', () => {
  const schema = uniqueName('parked');
  const applicationName = uniqueName('parked-store-itest');
  const admin = new Pool({ connectionString: testStack().databaseUrl, max: 1 });
  const pool = new Pool({
    connectionString: testStack().databaseUrl,
    max: 2,
    application_name: applicationName,
  });
  let store: PostgresParkedRecordStore;

  before(async () => {
    store = new PostgresParkedRecordStore(pool, schema);
    await store.init();
  });
  after(async () => {
    await pool.end();
    await admin.query(`drop schema if exists "${schema}" cascade`);
    await admin.end();
  });

  void it('survives the termination of an idle connection and parks on a new one', async () => {
    await store.park('g', 't', 'k1', 0, '1');
    assert.equal(pool.idleCount, 1, 'one idle connection to drop');
    const { rowCount } = await admin.query(
      'select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1',
      [applicationName],
    );
    assert.equal(rowCount, 1);
    // pg-pool discards the dropped client (and emits 'error' on the pool) once the server's word arrives.
    await expectEventually(() => assert.equal(pool.idleCount, 0), {
      description: 'the dropped client discarded',
    });
    await store.park('g', 't', 'k2', 0, '2');
    assert.equal(await store.count('g', 't'), 2);
  });
});
