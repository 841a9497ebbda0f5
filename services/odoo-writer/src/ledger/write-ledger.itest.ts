import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { createDataSource, Inbox, OutboxWriter, persistenceMigrations } from '@tradewind/persistence';
import { testStack, uniqueName } from '@tradewind/testing';
import type { DataSource } from 'typeorm';

import { createWriterCommand } from '../commands/writer-command';
import { errorResult, okResult } from '../odoo-result.mapper';
import { upsertSaleOrder } from '../test/command-fixtures';
import { CreateOdooWriteLedger1767400000000 } from './write-ledger.migration';
import { WriteLedger } from './write-ledger.repository';

describe('WriteLedger against PostgreSQL', () => {
  const schema = uniqueName('odoo_writer_ledger').toLowerCase();
  let dataSource: DataSource;
  let ledger: WriteLedger;

  before(async () => {
    dataSource = await createDataSource({
      url: testStack().databaseUrl,
      schema,
      applicationName: 'odoo-writer-ledger-itest',
      migrations: [...persistenceMigrations, CreateOdooWriteLedger1767400000000],
      logging: ['error'],
    });
    ledger = new WriteLedger(dataSource, new OutboxWriter(), new Inbox(), 'odoo-writer');
  });
  after(async () => {
    await dataSource.query(`DROP SCHEMA "${schema}" CASCADE`);
    await dataSource.destroy();
  });

  const outbox = async () =>
    (
      await dataSource.query<{ value: { outcome: string } }[]>('SELECT value FROM outbox_message ORDER BY id')
    ).map((row) => row.value.outcome);

  it('records a write with its result and inbox mark in one transaction; a second time is a no-op', async () => {
    const value = upsertSaleOrder('tradewind.so_ledger_1');
    const command = createWriterCommand(value);
    assert.deepEqual(await ledger.history(command), { processed: false, entry: undefined });
    const result = okResult(value, 'written', { odooModel: 'sale.order', odooId: 42 }, 1);
    assert.equal(
      await ledger.recordDone(command, command.payloadHash(), result, { 'correlation-id': 'c' }),
      true,
    );
    assert.deepEqual(await ledger.history(command), {
      processed: true,
      entry: {
        odooModel: 'sale.order',
        odooId: 42,
        payloadSha256: command.payloadHash(),
        lastCommandId: value.commandId,
        lastOutcome: 'written',
      },
    });
    assert.equal(await ledger.recordDone(command, command.payloadHash(), result, {}), false);
    assert.deepEqual(await outbox(), ['written']);

    // A new version of the payload (another command id) updates the row; the Odoo id stays.
    const next = createWriterCommand(upsertSaleOrder('tradewind.so_ledger_1', { variant: 1 }));
    await ledger.recordDone(
      next,
      next.payloadHash(),
      okResult(value, 'written', { odooModel: 'sale.order', odooId: null }, 1),
      {},
    );
    const history = await ledger.history(next);
    assert.equal(history.entry?.payloadSha256, next.payloadHash());
    assert.equal(history.entry?.odooId, 42);
  });

  it('records a command once when two deliveries of it finish at the same time', async () => {
    const value = upsertSaleOrder('tradewind.so_ledger_twice');
    const command = createWriterCommand(value);
    const result = okResult(value, 'written', { odooModel: 'sale.order', odooId: 7 }, 1);
    const marked = await Promise.all([
      ledger.recordDone(command, command.payloadHash(), result, {}),
      ledger.recordDone(command, command.payloadHash(), result, {}),
    ]);
    assert.deepEqual([...marked].sort(), [false, true]);
    const published = await dataSource.query<{ n: number }[]>(
      'SELECT count(*)::int AS n FROM outbox_message WHERE key = $1',
      [value.externalId],
    );
    assert.equal(published[0].n, 1);
  });

  it('publishes a failure without marking the command handled (a corrected replay runs again)', async () => {
    const value = upsertSaleOrder('tradewind.so_ledger_2');
    await ledger.recordFailure(
      value.externalId,
      errorResult(value, 'business_error', new Error('unknown product'), 1),
      {},
    );
    assert.deepEqual(await ledger.history(createWriterCommand(value)), {
      processed: false,
      entry: undefined,
    });
    assert.deepEqual((await outbox()).at(-1), 'business_error');
  });
});
