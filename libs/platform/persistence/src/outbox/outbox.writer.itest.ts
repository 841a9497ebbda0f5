import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { HEADER } from '@tradewind/contracts';

import { persistenceMigrations } from '../index';
import { PersistenceErrorCode, PersistenceException } from '../persistence.exception';
import { openTestDatabase, type TestDatabase } from '../test/test-database';
import { CreateTestOrder1767225700000 } from '../test/test-order.migration';
import { withTransaction } from '../transaction';
import type { OutboxEnqueueRequest } from './outbox.types';
import { OutboxWriter } from './outbox.writer';

interface OutboxRow {
  id: string;
  message_id: string;
  topic: string;
  key: string | null;
  value: unknown;
  headers: unknown;
  published_at: Date | null;
}

void describe('OutboxWriter', () => {
  let db: TestDatabase;
  const writer = new OutboxWriter();

  before(async () => {
    db = await openTestDatabase({ migrations: [...persistenceMigrations, CreateTestOrder1767225700000] });
  });
  after(() => db.drop());

  const outbox = () => db.dataSource.query<OutboxRow[]>('SELECT * FROM outbox_message ORDER BY id');
  const orders = () => db.dataSource.query<{ id: string }[]>('SELECT id FROM test_order ORDER BY id');
  const reset = () => db.dataSource.query('TRUNCATE outbox_message, test_order');

  void it('commits the business row and its event together', async () => {
    await reset();
    const enqueued = await withTransaction(db.dataSource, async (manager) => {
      await manager.query("INSERT INTO test_order (id, status) VALUES ('o-1', 'accepted')");
      return writer.enqueue(manager, {
        topic: 'orders.state',
        key: 'o-1',
        value: { orderId: 'o-1', status: 'ACCEPTED', attachment: Buffer.from('PDF') },
        headers: { [HEADER.correlationId]: 'c-1' },
      });
    });
    assert.deepEqual(await orders(), [{ id: 'o-1' }]);
    const [row] = await outbox();
    assert.equal(row.message_id, enqueued.messageId);
    assert.equal(row.id, enqueued.id);
    assert.equal(row.topic, 'orders.state');
    assert.equal(row.key, 'o-1');
    assert.deepEqual(row.value, { orderId: 'o-1', status: 'ACCEPTED', attachment: { $bytes: 'UERG' } });
    assert.deepEqual(row.headers, { [HEADER.correlationId]: 'c-1' });
    assert.equal(row.published_at, null);
  });

  void it('leaves neither the business row nor the event when the transaction rolls back', async () => {
    await reset();
    const failure = new Error('price out of tolerance');
    await assert.rejects(
      withTransaction(db.dataSource, async (manager) => {
        await manager.query("INSERT INTO test_order (id, status) VALUES ('o-2', 'accepted')");
        await writer.enqueue(manager, { topic: 'orders.state', key: 'o-2', value: { orderId: 'o-2' } });
        throw failure;
      }),
      (error) => error === failure,
    );
    assert.deepEqual(await orders(), []);
    assert.deepEqual(await outbox(), []);
  });

  void it('refuses to enqueue outside a transaction', async () => {
    await assert.rejects(
      writer.enqueue(db.dataSource.manager, { topic: 't', value: {} }),
      (error) =>
        error instanceof PersistenceException && error.code === PersistenceErrorCode.NotInTransaction,
    );
  });

  void it('rejects an invalid message before touching the database', async () => {
    await withTransaction(db.dataSource, async (manager) => {
      const invalid: OutboxEnqueueRequest[] = [
        { topic: '', value: {} },
        { topic: 't', value: { n: Number.NaN } },
        { topic: 't', value: {}, messageId: 'not-a-uuid' },
        { topic: 't', value: {}, headers: { h: 1 as unknown as string } },
      ];
      for (const bad of invalid) {
        await assert.rejects(writer.enqueue(manager, bad), PersistenceException);
      }
    });
  });

  void it('takes ids in request order for a multi-row enqueue across statement chunks', async () => {
    await reset();
    const requests = Array.from({ length: 2_500 }, (_, index) => ({
      topic: 't',
      key: `k${index % 7}`,
      value: { index },
    }));
    const enqueued = await withTransaction(db.dataSource, (manager) => writer.enqueueAll(manager, requests));
    assert.equal(enqueued.length, 2_500);
    const rows = await outbox();
    assert.deepEqual(
      rows.map((row) => (row.value as { index: number }).index),
      requests.map((request) => request.value.index),
    );
    assert.deepEqual(
      enqueued.map((entry) => entry.messageId),
      rows.map((row) => row.message_id),
    );
  });

  void it('accepts a caller-chosen message id and refuses it twice', async () => {
    await reset();
    const messageId = '5f0c2b0e-6c1e-4a5e-9d7e-0d1c2b3a4f5e';
    await withTransaction(db.dataSource, (manager) =>
      writer.enqueue(manager, { topic: 't', value: {}, messageId }),
    );
    await assert.rejects(
      withTransaction(db.dataSource, (manager) =>
        writer.enqueue(manager, { topic: 't', value: {}, messageId }),
      ),
      /duplicate key/,
    );
  });
});
