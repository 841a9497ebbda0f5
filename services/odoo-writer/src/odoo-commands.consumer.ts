// Consumes odoo.commands. Not an @KafkaHandler: the topic, the key concurrency (records of one batch
// handled at once, which is what fills the writer's micro-batches) and the retry policy come from the
// configuration, and a decorator's arguments are fixed when the class loads.
import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import {
  type OdooCommand,
  ResultOutcome,
  TOPIC_CATALOG,
  TOPICS,
  type TopicValueMap,
} from '@tradewind/contracts';
import {
  AvroSerde,
  BusinessRuleError,
  type ConsumedRecord,
  ConsumerRunner,
  PostgresParkedRecordStore,
  topicSchemasFrom,
  TypedProducer,
} from '@tradewind/messaging';
import { KAFKA } from '@tradewind/messaging-nest';
import { createLogger } from '@tradewind/observability';
import type { Kafka } from 'kafkajs';
import { Pool } from 'pg';

import { createWriterCommand, type WriterCommand } from './commands/writer-command';
import { WriteLedger } from './ledger/write-ledger.repository';
import { errorResult, okResult, resultHeaders } from './odoo-result.mapper';
import type { OdooWriterConfig } from './odoo-writer.config';
import type { OdooWriterCore } from './odoo-writer.core';
import { OdooWriterException } from './odoo-writer.exception';
import { ODOO_WRITER_CONFIG, ODOO_WRITER_CORE } from './odoo-writer.tokens';
import type { WriteOutcome } from './operations/write-operation';

/** Runner deliveries after the first in-process attempt wait this long (the writer already retried). */
const RETRY_TOPIC_DELAYS_MS = [5_000, 30_000, 120_000];

@Injectable()
export class OdooCommandsConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log = createLogger(OdooCommandsConsumer.name);
  private runner: ConsumerRunner<OdooCommand> | undefined;
  private pool: Pool | undefined;

  constructor(
    @Inject(ODOO_WRITER_CONFIG) private readonly config: OdooWriterConfig,
    @Inject(ODOO_WRITER_CORE) private readonly core: OdooWriterCore,
    @Inject(KAFKA) private readonly kafka: Kafka,
    private readonly serde: AvroSerde,
    private readonly producer: TypedProducer<TopicValueMap>,
    private readonly ledger: WriteLedger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { consumer, database, service } = this.config;
    this.pool = new Pool({
      connectionString: database.url,
      max: 4,
      application_name: `${service.name}:parked`,
    });
    // The configured topic reads with odoo.commands' schema (tests use topics of their own).
    const schemas = topicSchemasFrom({
      ...TOPIC_CATALOG,
      [consumer.topic]: TOPIC_CATALOG[TOPICS.odooCommands],
    });
    this.runner = new ConsumerRunner<OdooCommand>({
      kafka: this.kafka,
      serde: this.serde,
      schemas,
      producer: this.producer,
      parked: new PostgresParkedRecordStore(this.pool, database.schema),
      groupId: service.name,
      topic: consumer.topic,
      handler: (record) => this.handle(record),
      keyConcurrency: consumer.keyConcurrency,
      partitionsConsumedConcurrently: consumer.partitionsConcurrently,
      sessionTimeoutMs: consumer.sessionTimeoutMs,
      newGroupStartAt: this.config.kafka.newGroupStartAt,
      retry: {
        inProcessAttempts: 1,
        maxAttempts: consumer.retryTopicAttempts,
        delaysMs: RETRY_TOPIC_DELAYS_MS,
      },
    });
    await this.runner.start();
    this.log.info({ topic: consumer.topic, group: service.name }, 'consuming Odoo commands');
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.runner?.stop();
    await this.pool?.end();
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
    if (history.entry && history.entry.payloadSha256 === hash) {
      await this.record(command, hash, record, ResultOutcome.Unchanged, history.entry);
      return;
    }
    let outcome: WriteOutcome;
    try {
      outcome = await this.core.writer.execute(command);
    } catch (error) {
      if (error instanceof OdooWriterException && error.business) return this.refuse(record, error);
      if (record.attempt >= this.config.consumer.retryTopicAttempts) {
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
