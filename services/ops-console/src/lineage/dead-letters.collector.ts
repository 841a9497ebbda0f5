// Every `<topic>.<group>.dlq` topic → dead_letters, raw: key, value bytes and headers exactly as the
// runner dead-lettered them, so an engineer's re-drive sends the very record back to its original topic.
// Dead-letter topics appear at run time (one per consumer group), so they are discovered periodically
// and the consumer is re-subscribed when the set changes. Storing is idempotent (the DLQ coordinates).
import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { decodeHeaders, HEADER } from '@tradewind/messaging';
import { KAFKA } from '@tradewind/messaging-nest';
import { createLogger } from '@tradewind/observability';
import { withTransaction } from '@tradewind/persistence';
import type { Consumer, Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';

import type { OpsConsoleConfig } from '../ops-console.config';
import { OpsConsoleMetrics } from '../ops-console.metrics';
import { OPS_CONSOLE_CONFIG } from '../ops-console.tokens';
import { ViewsRepository } from '../store/views.repository';

export const DEAD_LETTER_SUFFIX = '.dlq';

@Injectable()
export class DeadLettersCollector implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = createLogger(DeadLettersCollector.name);
  private consumer: Consumer | undefined;
  private topics: string[] = [];
  private timer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(ViewsRepository) private readonly views: ViewsRepository,
    @Inject(OpsConsoleMetrics) private readonly metrics: OpsConsoleMetrics,
    @Inject(OPS_CONSOLE_CONFIG) private readonly config: OpsConsoleConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule(0);
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    await this.refreshing;
    await this.consumer?.disconnect();
  }

  /** Looks for dead-letter topics now (tests call it instead of waiting for the period). */
  refresh(): Promise<void> {
    this.refreshing = this.refreshing
      .then(() => this.discover())
      .catch((error: unknown) => {
        this.log.warn({ err: error }, 'dead-letter topic discovery failed; trying again later');
      });
    return this.refreshing;
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.refresh().then(() => this.schedule(this.config.deadLetters.discoverEveryMs));
    }, delay);
    this.timer.unref();
  }

  private async discover(): Promise<void> {
    if (this.stopped) return;
    const admin = this.kafka.admin();
    await admin.connect();
    let topics: string[];
    try {
      topics = (await admin.listTopics()).filter((t) => t.endsWith(DEAD_LETTER_SUFFIX)).sort();
    } finally {
      await admin.disconnect();
    }
    if (topics.length === 0 || topics.join('\n') === this.topics.join('\n')) return;
    await this.consumer?.disconnect();
    const consumer = this.kafka.consumer({
      groupId: this.config.deadLetters.group ?? `${this.config.service.name}.dlq`,
    });
    // Dead-letter topics come and go (tests delete theirs): a crash re-subscribes at the next discovery.
    consumer.on(consumer.events.CRASH, () => {
      if (this.consumer === consumer) this.topics = [];
    });
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        const headers = decodeHeaders(message.headers);
        await withTransaction(this.dataSource, (manager) =>
          this.views.addDeadLetter(manager, {
            dlqTopic: topic,
            dlqPartition: partition,
            dlqOffset: message.offset,
            originalTopic: headers[HEADER.originalTopic] ?? topic.slice(0, -DEAD_LETTER_SUFFIX.length),
            originalPartition: Number(headers[HEADER.originalPartition] ?? -1),
            originalOffset: headers[HEADER.originalOffset] ?? '',
            consumerGroup: headers[HEADER.consumerGroup] ?? '',
            key: message.key,
            value: message.value,
            headers,
            errorClass: headers[HEADER.errorClass] ?? null,
            errorMessage: headers[HEADER.errorMessage] ?? null,
            failedAt: headers[HEADER.failedAt] === undefined ? null : new Date(headers[HEADER.failedAt]),
          }),
        );
        this.metrics.deadLetters.inc({ topic });
      },
    });
    this.consumer = consumer;
    this.topics = topics;
    this.log.info({ topics: topics.length }, 'reading dead-letter topics');
  }
}
