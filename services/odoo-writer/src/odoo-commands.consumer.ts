// Consumes odoo.commands, registered in code (KafkaHandlers.register) rather than with @KafkaHandler: the
// topic read is configured (ODOO_COMMANDS_TOPIC; tests use topics of their own) and the group defaults to
// SERVICE_NAME, as deployed. The settings are the config's `consumer` section (ODOO_WRITER_*).
import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { type OdooCommand, ResultOutcome, TOPICS } from '@tradewind/contracts';
import { BusinessRuleError, type ConsumedRecord, HEADER } from '@tradewind/messaging';
import { KafkaHandlers } from '@tradewind/messaging-nest';
import { createLogger } from '@tradewind/observability';

import { createWriterCommand, type WriterCommand } from './commands/writer-command';
import { WriteLedger } from './ledger/write-ledger.repository';
import { errorResult, okResult, resultHeaders } from './odoo-result.mapper';
import type { OdooWriterConfig } from './odoo-writer.config';
import type { OdooWriterCore } from './odoo-writer.core';
import { OdooWriterException } from './odoo-writer.exception';
import { ODOO_WRITER_CONFIG, ODOO_WRITER_CORE } from './odoo-writer.tokens';
import type { WriteOutcome } from './operations/write-operation';

@Injectable()
export class OdooCommandsConsumer implements OnModuleInit, OnApplicationShutdown {
  private readonly log = createLogger(OdooCommandsConsumer.name);

  constructor(
    @Inject(ODOO_WRITER_CONFIG) private readonly config: OdooWriterConfig,
    @Inject(ODOO_WRITER_CORE) private readonly core: OdooWriterCore,
    @Inject(KafkaHandlers) private readonly handlers: KafkaHandlers,
    @Inject(WriteLedger) private readonly ledger: WriteLedger,
  ) {}

  onModuleInit(): void {
    const { consumer, service } = this.config;
    this.handlers.register({
      topic: TOPICS.odooCommands,
      readFrom: consumer.topic,
      settings: consumer,
      defaultGroup: service.name,
      name: 'Odoo commands', // the start-up line `consuming Odoo commands` (tests wait for it)
      handler: (record) => this.handle(record),
    });
  }

  /** After the consumers stopped (beforeApplicationShutdown) and finished their records. */
  onApplicationShutdown(): void {
    this.core.close();
  }

  /** One command: skip a redelivery, skip an unchanged payload, else write it and record the outcome. */
  async handle(record: ConsumedRecord<OdooCommand>): Promise<void> {
    const value = record.value;
    let command: WriterCommand;
    try {
      command = createWriterCommand(value);
    } catch (error) {
      return this.refuse(record, error);
    }
    const history = await this.ledger.history(command);
    if (history.processed) {
      this.log.debug(
        { commandId: command.commandId, externalId: command.externalId },
        'command already handled; skipped',
      );
      return;
    }
    const hash = command.payloadHash();
    // A re-drive repairs Odoo where it drifted from what the ledger says was written: Odoo decides.
    const redrive = record.headers[HEADER.redriveId] !== undefined;
    if (!redrive && history.entry && history.entry.payloadSha256 === hash) {
      await this.record(command, hash, record, ResultOutcome.Unchanged, history.entry);
      return;
    }
    let outcome: WriteOutcome;
    try {
      outcome = await this.core.writer.execute(command);
    } catch (error) {
      if (error instanceof OdooWriterException && error.business) return this.refuse(record, error);
      if (record.attempt >= this.config.consumer.maxAttempts) {
        // The runner dead-letters the record after this attempt: the issuer hears it from us too.
        await this.ledger.recordFailure(
          value.externalId,
          errorResult(value, ResultOutcome.TechnicalError, error, record.attempt),
          resultHeaders(record.headers),
        );
        this.core.metrics.results.inc({ type: value.type, outcome: ResultOutcome.TechnicalError });
      }
      throw error;
    }
    this.core.metrics.recordsWritten.inc({ type: command.type, outcome: outcome.outcome });
    this.core.faults.reach('after-call', { type: command.type, externalId: command.externalId });
    await this.record(command, hash, record, outcome.outcome, outcome);
    this.core.faults.reach('after-commit', { type: command.type, externalId: command.externalId });
  }

  private async record(
    command: WriterCommand,
    hash: string,
    record: ConsumedRecord<OdooCommand>,
    outcome: Extract<ResultOutcome, 'written' | 'unchanged' | 'already_done'>,
    target: { odooModel: string; odooId: number | null },
  ): Promise<void> {
    const result = okResult(record.value, outcome, target, record.attempt);
    if (await this.ledger.recordDone(command, hash, result, resultHeaders(record.headers))) {
      this.core.metrics.results.inc({ type: command.type, outcome });
    }
  }

  /** A business error: the issuer hears it on odoo.results, a person on ops.exceptions (the runner). */
  private async refuse(record: ConsumedRecord<OdooCommand>, error: unknown): Promise<never> {
    const value = record.value;
    await this.ledger.recordFailure(
      value.externalId,
      errorResult(value, ResultOutcome.BusinessError, error, record.attempt),
      resultHeaders(record.headers),
    );
    this.core.metrics.results.inc({ type: value.type, outcome: ResultOutcome.BusinessError });
    if (error instanceof OdooWriterException) {
      throw new BusinessRuleError(error.code, error.message, error.details, { cause: error });
    }
    throw error;
  }
}
