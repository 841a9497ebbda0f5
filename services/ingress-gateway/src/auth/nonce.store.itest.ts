import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { createDataSource } from '@tradewind/persistence';
import { testStack, uniqueName } from '@tradewind/testing';
import type { DataSource } from 'typeorm';

import { CreateGatewayTables1767400000000 } from '../database/gateway.migration';
import { NONCE_TABLE, PostgresNonceStore } from './nonce.store';

void describe('PostgresNonceStore against PostgreSQL', () => {
  const schema = uniqueName('gw_nonce');
  let dataSource: DataSource;
  let store: PostgresNonceStore;

  before(async () => {
    dataSource = await createDataSource({
      url: testStack().databaseUrl,
      schema,
      applicationName: 'gateway-nonce-itest',
      poolSize: 4,
      logging: false,
      migrations: [CreateGatewayTables1767400000000],
    });
    store = new PostgresNonceStore(dataSource, schema);
  });
  after(async () => {
    await dataSource.query(`DROP SCHEMA "${schema}" CASCADE`);
    await dataSource.destroy();
  });

  void it('accepts a nonce once per partner, even when the replay travels in the same statement', async () => {
    const nonce = uniqueName('nonce');
    const results = await Promise.all([
      store.remember('acme-portal', nonce, 60_000),
      store.remember('acme-portal', nonce, 60_000),
      store.remember('market-hub', nonce, 60_000),
    ]);
    assert.deepEqual(results, [true, false, true]);
    assert.equal(await store.remember('acme-portal', nonce, 60_000), false);
  });

  void it('lets an expired nonce be used again, and purges expired ones', async () => {
    const nonce = uniqueName('nonce');
    assert.equal(await store.remember('acme-portal', nonce, 1), true);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(await store.remember('acme-portal', nonce, 60_000), true, 'expired: taken over');
    assert.equal(await store.remember('acme-portal', nonce, 60_000), false);
    await store.remember('globex-edi', uniqueName('nonce'), 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.ok((await store.purgeExpired()) >= 1);
  });

  void it('remembers the nonces sharing a statement with one PostgreSQL refuses, and refuses only that one', async () => {
    const nonces = [uniqueName('nonce'), `${uniqueName('nonce')}\u0000`, uniqueName('nonce')];
    const results = await Promise.allSettled(nonces.map((n) => store.remember('acme-portal', n, 60_000)));
    assert.deepEqual(
      results.map((r) => (r.status === 'fulfilled' ? r.value : 'rejected')),
      [true, 'rejected', true],
    );
  });

  void it('purges every expired nonce in one run, however many batches that takes', async () => {
    // More than one batch (10,000) expired, as ~170 requests/s leave behind in a minute, and live ones.
    await dataSource.query(
      `INSERT INTO "${schema}".${NONCE_TABLE} (partner_id, nonce, expires_at)
       SELECT 'market-hub', 'expired-' || i, now() - interval '1 second' FROM generate_series(1, 25000) AS i`,
    );
    const live = uniqueName('nonce-live');
    assert.equal(await store.remember('market-hub', live, 60_000), true);
    assert.ok((await store.purgeExpired()) >= 25_000);
    const [left] = await dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM "${schema}".${NONCE_TABLE} WHERE expires_at < now()`,
    );
    assert.equal(left.n, 0);
    assert.equal(await store.remember('market-hub', live, 60_000), false, 'live nonces are kept');
  });
});
