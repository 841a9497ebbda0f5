// A stalled database pool is the platform's trouble, not the partner's and not a bug: the gateway answers
// 503 with Retry-After (retry with the same Idempotency-Key), never 500. Real PostgreSQL: the gateway's
// only connection waits on a lock held by the test, so the next request finds no connection in time.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { acmeJsonOrder } from '@tradewind/partner-testing';
import { testStack, uniqueName } from '@tradewind/testing';
import { Pool, type PoolClient } from 'pg';

import { GatewayHarness } from '../test/gateway-harness';

void describe('the gateway when its database pool stalls', () => {
  const harness = new GatewayHarness();
  const pool = new Pool({ connectionString: testStack().databaseUrl, max: 1 });
  let locker: PoolClient | undefined;

  before(async () => {
    // One connection, found busy for longer than the connect timeout (DATABASE_CONNECT_TIMEOUT-like 10 s).
    await harness.startGateway(undefined, { DATABASE_POOL_SIZE: '1' });
  });

  after(async () => {
    await locker?.query('ROLLBACK').catch(() => undefined);
    locker?.release();
    await pool.end();
    await harness.close();
  });

  void it('answers 503 with Retry-After when no connection frees up in time, then serves again', async () => {
    locker = await pool.connect();
    await locker.query('BEGIN');
    await locker.query(`LOCK TABLE "${harness.schema}".gateway_idempotency IN ACCESS EXCLUSIVE MODE`);
    const order = acmeJsonOrder(uniqueName('STALL').toUpperCase());
    const post = (key: string) =>
      harness.send('acme-portal-2026-06', 'POST', '/v1/documents/sales-order', {
        body: order.body,
        contentType: order.contentType,
        headers: { 'idempotency-key': key },
      });
    const key = uniqueName('stall-key');
    // Holds the gateway's only connection: its Idempotency-Key claim waits for the lock.
    const holder = post(key);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const stalled = await harness.send('acme-portal-2026-06', 'GET', `/v1/transactions/${uniqueName('t')}`);
    assert.equal(stalled.status, 503, stalled.text);
    assert.equal(stalled.body.type, 'https://docs.tradewind.example/problems/dependency-unavailable');
    assert.ok(Number(stalled.headers.get('retry-after')) > 0, 'Retry-After');

    await locker.query('COMMIT');
    locker.release();
    locker = undefined;
    const held = await holder;
    assert.equal(held.status, 202, held.text);
    const replay = await post(key);
    assert.equal(replay.status, 202, replay.text);
    assert.equal(replay.headers.get('idempotent-replayed'), 'true');
  });
});
