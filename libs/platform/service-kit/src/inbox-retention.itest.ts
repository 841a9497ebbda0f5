import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { configureLogging } from '@tradewind/observability';
import { createDataSource, Inbox, persistenceMigrations } from '@tradewind/persistence';
import { testStack, uniqueName } from '@tradewind/testing';
import type { DataSource } from 'typeorm';

import { Housekeeping } from './housekeeping.service';
import { INBOX_RETENTION_MS, InboxRetention } from './inbox-retention.service';

configureLogging({ level: 'silent' });

describe('inbox retention (PostgreSQL)', () => {
  const schema = uniqueName('kit_inbox').toLowerCase();
  let dataSource: DataSource;

  before(async () => {
    dataSource = await createDataSource({
      url: testStack().databaseUrl,
      schema,
      applicationName: 'kit-inbox-itest',
      migrations: persistenceMigrations,
      logging: ['error'],
    });
  });
  after(async () => {
    await dataSource.query(`DROP SCHEMA "${schema}" CASCADE`);
    await dataSource.destroy();
  });

  it('forgets the marks older than the retention and keeps the others', async () => {
    await dataSource.query(
      `INSERT INTO inbox_message (consumer_group, message_id, processed_at)
       VALUES ('odoo-writer', 'old-1', now() - make_interval(secs => $1 / 1000.0 + 60)),
              ('odoo-writer', 'old-2', now() - make_interval(secs => $1 / 1000.0 + 60)),
              ('odoo-writer', 'recent', now() - interval '1 day')`,
      [INBOX_RETENTION_MS],
    );
    const retention = new InboxRetention(dataSource, new Inbox(), new Housekeeping());
    assert.equal(await retention.purge(), 2);
    const left = await dataSource.query<{ message_id: string }[]>('SELECT message_id FROM inbox_message');
    assert.deepEqual(
      left.map((row) => row.message_id),
      ['recent'],
    );
  });
});
