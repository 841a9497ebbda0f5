import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { OdooCommand, OdooResult } from '@tradewind/contracts';
import { BusinessRuleError, type ConsumedRecord } from '@tradewind/messaging';
import { KafkaHandlers } from '@tradewind/messaging-nest';
import { configureLogging } from '@tradewind/observability';

import { createWriterCommand } from './commands/writer-command';
import { FaultInjector } from './fault-injector';
import type { LedgerEntry, WriteLedger } from './ledger/write-ledger.repository';
import { OdooCommandsConsumer } from './odoo-commands.consumer';
import type { OdooWriterConfig } from './odoo-writer.config';
import type { OdooWriterCore } from './odoo-writer.core';
import { OdooWriterErrorCode, OdooWriterException } from './odoo-writer.exception';
import { odooWriterMetrics } from './odoo-writer.metrics';
import type { WriteOutcome } from './operations/write-operation';
import { upsertSaleOrder } from './test/command-fixtures';

configureLogging({ level: 'silent' });

/** The consumer's handler with its collaborators mocked ({ sut, mocks }). */
function newTestConsumer(
  options: { processed?: boolean; entry?: LedgerEntry; execute?: () => Promise<WriteOutcome> } = {},
) {
  const mocks = {
    executed: 0,
    done: [] as OdooResult[],
    failures: [] as OdooResult[],
  };
  const ledger = {
    history: () => Promise.resolve({ processed: options.processed ?? false, entry: options.entry }),
    recordDone: (_c: unknown, _h: string, result: OdooResult) => (
      mocks.done.push(result),
      Promise.resolve(true)
    ),
    recordFailure: (_x: string, result: OdooResult) => (mocks.failures.push(result), Promise.resolve()),
  } as unknown as WriteLedger;
  const core = {
    writer: {
      execute: () => {
        mocks.executed += 1;
        return (
          options.execute?.() ?? Promise.resolve({ outcome: 'written', odooModel: 'sale.order', odooId: 42 })
        );
      },
    },
    metrics: odooWriterMetrics(),
    faults: new FaultInjector({ crashAt: undefined, crashAfter: 1, crashDelayMs: 0 }),
  } as unknown as OdooWriterCore;
  const config = {
    consumer: { topic: 'test.odoo.commands', maxAttempts: 3, group: undefined },
    service: { name: 'writer-under-test' },
  } as unknown as OdooWriterConfig;
  const handlers = new KafkaHandlers();
  const sut = new OdooCommandsConsumer(config, core, handlers, ledger);
  return { sut, mocks, handlers, config };
}

const record = (value: OdooCommand, attempt = 1): ConsumedRecord<OdooCommand> => ({
  topic: 'odoo.commands',
  partition: 0,
  offset: '5',
  key: value.externalId,
  value,
  headers: { 'message-id': 'm-1', 'correlation-id': 'c-1' },
  timestamp: '0',
  attempt,
});

describe('OdooCommandsConsumer registration', () => {
  it("reads the configured topic with odoo.commands' type, its settings from `consumer`, group SERVICE_NAME", () => {
    const { sut, handlers, config } = newTestConsumer();
    sut.onModuleInit();
    const [registration] = handlers.seal();
    assert.equal(registration.topic, 'odoo.commands');
    assert.equal(registration.readFrom, 'test.odoo.commands');
    assert.equal(registration.settings, config.consumer);
    assert.equal(registration.defaultGroup, 'writer-under-test');
  });
});

describe('OdooCommandsConsumer.handle', () => {
  const value = upsertSaleOrder('tradewind.so_1');

  it('writes a new command and records it with its result', async () => {
    const { sut, mocks } = newTestConsumer();
    await sut.handle(record(value));
    assert.equal(mocks.executed, 1);
    assert.deepEqual(
      mocks.done.map((r) => [r.outcome, r.odooModel, r.odooId, r.commandId]),
      [['written', 'sale.order', 42, value.commandId]],
    );
  });

  it('skips a redelivered command id without writing or publishing', async () => {
    const { sut, mocks } = newTestConsumer({ processed: true });
    await sut.handle(record(value));
    assert.equal(mocks.executed, 0);
    assert.equal(mocks.done.length + mocks.failures.length, 0);
  });

  it('skips a payload equal to the ledger’s as unchanged, and still publishes it', async () => {
    const hash = createWriterCommand(value).payloadHash();
    const { sut, mocks } = newTestConsumer({
      entry: {
        odooModel: 'sale.order',
        odooId: 7,
        payloadSha256: hash,
        lastCommandId: 'older',
        lastOutcome: 'written',
      },
    });
    await sut.handle(record({ ...value, commandId: 'a-new-command-with-the-same-payload' }));
    assert.equal(mocks.executed, 0);
    assert.deepEqual(
      mocks.done.map((r) => [r.outcome, r.odooId]),
      [['unchanged', 7]],
    );
  });

  it('turns an Odoo refusal into a business-error result and a BusinessRuleError (ops.exceptions)', async () => {
    const { sut, mocks } = newTestConsumer({
      execute: () =>
        Promise.reject(
          new OdooWriterException(
            OdooWriterErrorCode.OdooRejected,
            "No matching record found for external id 'x'",
          ),
        ),
    });
    await assert.rejects(
      sut.handle(record(value)),
      (error) =>
        error instanceof BusinessRuleError &&
        error.code === 'ODOO_VALIDATION' &&
        /No matching record/.test(error.message),
    );
    assert.deepEqual(
      mocks.failures.map((r) => [r.outcome, r.errorClass]),
      [['business_error', 'ODOO_VALIDATION']],
    );
  });

  it('refuses an invalid command as a business error without calling Odoo', async () => {
    const { sut, mocks } = newTestConsumer();
    await assert.rejects(sut.handle(record({ ...value, upsertSaleOrder: null })), BusinessRuleError);
    assert.equal(mocks.executed, 0);
    assert.equal(mocks.failures[0].errorClass, 'ODOO_WRITER_INVALID_COMMAND');
  });

  it('rethrows a technical failure; publishes technical-error only on the last delivery', async () => {
    const failing = () =>
      Promise.reject(new OdooWriterException(OdooWriterErrorCode.OdooFailed, 'Odoo failed 4 times'));
    const first = newTestConsumer({ execute: failing });
    await assert.rejects(first.sut.handle(record(value, 1)), /Odoo failed/);
    assert.equal(first.mocks.failures.length, 0);
    const last = newTestConsumer({ execute: failing });
    await assert.rejects(last.sut.handle(record(value, 3)), /Odoo failed/);
    assert.deepEqual(
      last.mocks.failures.map((r) => [r.outcome, r.attempts]),
      [['technical_error', 3]],
    );
  });
});
