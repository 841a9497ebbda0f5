import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { expectEventually, uniqueName } from '@tradewind/testing';

import { persistenceMigrations } from '../index';
import { PersistenceErrorCode, PersistenceException } from '../persistence.exception';
import { openTestDatabase, type TestDatabase } from '../test/test-database';
import { withTransaction } from '../transaction';
import { Inbox } from './inbox.store';

void describe('Inbox', () => {
  let db: TestDatabase;
  const inbox = new Inbox();
  const applicationName = uniqueName('inbox_itest');

  before(async () => {
    db = await openTestDatabase({ migrations: persistenceMigrations, applicationName });
  });
  after(() => db.drop());

  const key = () => ({ consumerGroup: 'order-intake', messageId: uniqueName('m') });

  void it('runs fn once for the same message id delivered twice', async () => {
    const k = key();
    let runs = 0;
    const fn = () => Promise.resolve(runs++);
    assert.equal(await inbox.processOnce(db.dataSource, k, fn), true);
    assert.equal(await inbox.processOnce(db.dataSource, k, fn), false);
    assert.equal(runs, 1);
  });

  void it('keeps consumer groups apart', async () => {
    const k = key();
    assert.equal(await inbox.processOnce(db.dataSource, k, () => Promise.resolve()), true);
    assert.equal(
      await inbox.processOnce(db.dataSource, { ...k, consumerGroup: 'reconciler' }, () => Promise.resolve()),
      true,
    );
  });

  void it('runs fn once when two transactions handle the same id concurrently', async () => {
    const k = key();
    let runs = 0;
    let releaseFirst!: () => void;
    const firstHolds = new Promise<void>((resolve) => (releaseFirst = resolve));
    const first = inbox.processOnce(db.dataSource, k, async () => {
      runs++;
      await firstHolds; // keeps the first transaction open with its mark inserted
    });
    await expectEventually(() => assert.equal(runs, 1));
    const second = inbox.processOnce(db.dataSource, k, () => Promise.resolve(runs++));
    // The duplicate's insert waits on the first transaction's uncommitted key.
    await expectEventually(async () => {
      const [{ waiting }] = await db.dataSource.query<{ waiting: number }[]>(
        "SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'",
        [applicationName],
      );
      assert.equal(waiting, 1);
    });
    releaseFirst();
    assert.deepEqual(await Promise.all([first, second]), [true, false]);
    assert.equal(runs, 1);
  });

  void it('lets a redelivery run again when the first attempt rolled back', async () => {
    const k = key();
    await assert.rejects(
      inbox.processOnce(db.dataSource, k, () => Promise.reject(new Error('Odoo timeout'))),
    );
    let runs = 0;
    assert.equal(await inbox.processOnce(db.dataSource, k, () => Promise.resolve(runs++)), true);
    assert.equal(runs, 1);
  });

  void it('runs in the caller transaction with runOnce: the mark commits with the work', async () => {
    const k = key();
    await assert.rejects(
      withTransaction(db.dataSource, async (manager) => {
        assert.equal(await inbox.runOnce(manager, k, () => Promise.resolve()), true);
        throw new Error('later step failed');
      }),
    );
    const marked = await withTransaction(db.dataSource, (manager) =>
      inbox.runOnce(manager, k, () => Promise.resolve()),
    );
    assert.equal(marked, true, 'the rolled back mark did not stay');
  });

  void it('refuses runOnce outside a transaction and a missing message id', async () => {
    await assert.rejects(
      inbox.runOnce(db.dataSource.manager, key(), () => Promise.resolve()),
      (error) =>
        error instanceof PersistenceException && error.code === PersistenceErrorCode.NotInTransaction,
    );
    await assert.rejects(
      inbox.processOnce(db.dataSource, { consumerGroup: 'g', messageId: '' }, () => Promise.resolve()),
      (error) => error instanceof PersistenceException && error.code === PersistenceErrorCode.InvalidMessage,
    );
  });

  void it('purges marks older than the retention only', async () => {
    const old = key();
    const recent = key();
    await inbox.processOnce(db.dataSource, old, () => Promise.resolve());
    await inbox.processOnce(db.dataSource, recent, () => Promise.resolve());
    await db.dataSource.query(
      "UPDATE inbox_message SET processed_at = now() - interval '40 days' WHERE message_id = $1",
      [old.messageId],
    );
    const removed = await inbox.purge(db.dataSource, { olderThanMs: 30 * 86_400_000, batchSize: 1 });
    assert.ok(removed >= 1);
    assert.equal(await inbox.processOnce(db.dataSource, old, () => Promise.resolve()), true);
    assert.equal(await inbox.processOnce(db.dataSource, recent, () => Promise.resolve()), false);
  });
});
