import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { DataSource, EntityManager } from 'typeorm';

import { sqlState, withTransaction } from './transaction';

/** A DataSource whose transaction() fails with the given errors first, then runs the callback. */
function fakeDataSource(failures: Error[]) {
  const calls: (string | undefined)[] = [];
  const manager = {} as EntityManager;
  const dataSource = {
    transaction: async (...args: unknown[]) => {
      const fn = args[args.length - 1] as (m: EntityManager) => Promise<unknown>;
      calls.push(typeof args[0] === 'string' ? args[0] : undefined);
      const failure = failures.shift();
      if (failure !== undefined) throw failure;
      return fn(manager);
    },
  } as unknown as DataSource;
  return { dataSource, calls };
}

/** Shaped like typeorm's QueryFailedError around a pg error. */
function queryFailed(code: string): Error {
  return Object.assign(new Error(`SQLSTATE ${code}`), { driverError: { code } });
}

const serializationFailure = queryFailed('40001');

void describe('withTransaction', () => {
  void it('runs the callback in a transaction and returns its result', async () => {
    const { dataSource, calls } = fakeDataSource([]);
    assert.equal(await withTransaction(dataSource, () => Promise.resolve(42)), 42);
    assert.deepEqual(calls, [undefined]);
  });

  void it('passes the isolation level', async () => {
    const { dataSource, calls } = fakeDataSource([]);
    await withTransaction(dataSource, () => Promise.resolve(), { isolationLevel: 'SERIALIZABLE' });
    assert.deepEqual(calls, ['SERIALIZABLE']);
  });

  void it('does not retry by default', async () => {
    const { dataSource, calls } = fakeDataSource([serializationFailure]);
    await assert.rejects(
      withTransaction(dataSource, () => Promise.resolve()),
      (error) => error === serializationFailure,
    );
    assert.equal(calls.length, 1);
  });

  void it('retries serialization failures and deadlocks up to maxAttempts', async () => {
    const deadlock = Object.assign(new Error('deadlock detected'), { code: '40P01' });
    const { dataSource, calls } = fakeDataSource([serializationFailure, deadlock]);
    assert.equal(await withTransaction(dataSource, () => Promise.resolve('ok'), { maxAttempts: 3 }), 'ok');
    assert.equal(calls.length, 3);
  });

  void it('never retries other errors', async () => {
    const uniqueViolation = queryFailed('23505');
    const { dataSource, calls } = fakeDataSource([uniqueViolation]);
    await assert.rejects(withTransaction(dataSource, () => Promise.resolve(), { maxAttempts: 5 }));
    assert.equal(calls.length, 1);
  });

  void it('reads the SQLSTATE from a typeorm error or a pg error', () => {
    assert.equal(sqlState({ driverError: { code: '23505' } }), '23505');
    assert.equal(sqlState({ code: '40001' }), '40001');
    assert.equal(sqlState({ code: 'ECONNREFUSED' }), undefined);
    assert.equal(sqlState(new Error('x')), undefined);
  });
});
