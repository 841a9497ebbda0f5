import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { createDataSource } from '@tradewind/persistence';
import { testStack, uniqueName } from '@tradewind/testing';
import type { DataSource } from 'typeorm';

import { CreateGatewayTables1767400000000 } from '../database/gateway.migration';
import { IdempotencyStore } from './idempotency.store';

const response = {
  status: 202,
  headers: { location: '/v1/transactions/t-1' },
  body: { trackingIds: ['t-1'] },
};
const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

void describe('IdempotencyStore against PostgreSQL', () => {
  const schema = uniqueName('gw_idem');
  let dataSource: DataSource;

  before(async () => {
    dataSource = await createDataSource({
      url: testStack().databaseUrl,
      schema,
      applicationName: 'gateway-idempotency-itest',
      poolSize: 4,
      logging: false,
      migrations: [CreateGatewayTables1767400000000],
    });
  });
  after(async () => {
    await dataSource.query(`DROP SCHEMA "${schema}" CASCADE`);
    await dataSource.destroy();
  });

  void it('holds an unanswered key only for its lease: a request that died frees it soon, not after the retention', async () => {
    // A 1 ms lease stands for "the process died mid-request and the lease ran out".
    const store = new IdempotencyStore(dataSource, schema, { leaseMs: 1, retentionMs: 86_400_000 });
    const key = uniqueName('key');
    assert.deepEqual(await store.claim('acme-portal', key, 'h1'), { kind: 'proceed' });
    await pause(20);
    assert.deepEqual(
      await store.claim('acme-portal', key, 'h1'),
      { kind: 'proceed' },
      'lease lapsed: taken over',
    );
  });

  void it('keeps a live lease, and a completed response for the whole retention', async () => {
    const leased = new IdempotencyStore(dataSource, schema, { leaseMs: 60_000, retentionMs: 86_400_000 });
    const running = uniqueName('key');
    assert.deepEqual(await leased.claim('acme-portal', running, 'h1'), { kind: 'proceed' });
    assert.deepEqual(await leased.claim('acme-portal', running, 'h1'), { kind: 'in-progress' });
    assert.deepEqual(await leased.claim('acme-portal', running, 'h2'), { kind: 'conflict' });

    const shortLease = new IdempotencyStore(dataSource, schema, { leaseMs: 1, retentionMs: 86_400_000 });
    const done = uniqueName('key');
    assert.deepEqual(await shortLease.claim('acme-portal', done, 'h1'), { kind: 'proceed' });
    await shortLease.complete('acme-portal', done, response);
    await pause(20);
    assert.deepEqual(await shortLease.claim('acme-portal', done, 'h1'), { kind: 'replay', response });
  });

  void it('purges every expired key in one run, however many batches that takes', async () => {
    const store = new IdempotencyStore(dataSource, schema, { leaseMs: 60_000, retentionMs: 86_400_000 });
    await dataSource.query(
      `INSERT INTO "${schema}".gateway_idempotency (partner_id, idempotency_key, request_hash, state, expires_at)
       SELECT 'market-hub', 'expired-' || i, 'h', 'completed', now() - interval '1 second'
         FROM generate_series(1, 12000) AS i`,
    );
    const live = uniqueName('key');
    await store.claim('market-hub', live, 'h1');
    // Earlier tests of this file left a few lapsed records of their own.
    assert.ok((await store.purgeExpired()) >= 12_000);
    const [left] = await dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM "${schema}".gateway_idempotency WHERE expires_at < now()`,
    );
    assert.equal(left.n, 0);
    assert.deepEqual(
      await store.claim('market-hub', live, 'h1'),
      { kind: 'in-progress' },
      'live keys are kept',
    );
  });
});
