import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type AuditEvent, type OpsException, TOPIC_CATALOG, TOPICS } from '@tradewind/contracts';
import { type ConsumedRecord, topicSchemasFrom } from '@tradewind/messaging';
import { configureLogging } from '@tradewind/observability';

import { KafkaHandler } from './kafka-handler.decorator';
import { KafkaHandlers } from './kafka-handlers.registry';
import { MessagingModule } from './messaging.module';

configureLogging({ level: 'silent' });

@Injectable()
class AuditConsumer implements OnModuleInit {
  constructor(private readonly handlers: KafkaHandlers) {}

  onModuleInit(): void {
    this.handlers.register({
      topic: TOPICS.opsAudit,
      settings: 'audit',
      name: 'registered audit',
      handler: () => Promise.resolve(),
    });
  }

  @KafkaHandler(TOPICS.opsAudit, { settings: 'audit' })
  onAudit(_record: ConsumedRecord<AuditEvent>): Promise<void> {
    return Promise.resolve();
  }

  @KafkaHandler(TOPICS.opsExceptions, { settings: 'exceptions' })
  onException(_record: ConsumedRecord<OpsException>): Promise<void> {
    return Promise.resolve();
  }
}

const settings = {
  group: undefined,
  inProcessAttempts: 1,
  maxAttempts: 2,
  retryDelaysMs: [10],
  keyConcurrency: 1,
  partitionsConcurrently: 1,
  sessionTimeoutMs: 6_000,
};

describe('MessagingModule start-up', () => {
  it('refuses to start naming every handler without settings and every shared group, before any connection', async () => {
    @Module({
      imports: [
        MessagingModule.forRoot({
          serviceName: 'unit',
          // Nothing listens there: the start-up must fail before it tries.
          kafka: { brokers: ['127.0.0.1:1'], clientId: 'unit' },
          registryUrl: 'http://127.0.0.1:1',
          schemas: topicSchemasFrom(TOPIC_CATALOG),
          consumers: { audit: settings },
          database: { url: 'postgres://127.0.0.1:1/none', schema: 'none' },
        }),
      ],
      providers: [AuditConsumer],
    })
    class TestModule {}
    const app = await NestFactory.create(TestModule, { logger: false });
    await assert.rejects(app.init(), (error: Error) => {
      assert.match(
        error.message,
        /AuditConsumer\.onException: the config has no consumers\.exceptions section/,
      );
      assert.match(
        error.message,
        /registered audit and .*AuditConsumer\.onAudit share consumer group unit\.ops\.audit/,
      );
      return true;
    });
  });
});
