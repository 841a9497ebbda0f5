// A relay process for outbox-relay.process.itest.ts: an OutboxRelay publishing one schema's outbox to
// Kafka through a kafkajs producer (idempotent, acks=all), values as JSON with the outbox codec.
// Progress goes to stdout as JSON lines. With TW_FIXTURE_HANG_AFTER_BATCHES=n it stops forever right
// after the n-th batch was acknowledged by Kafka and before the relay marks it: the window a crash
// turns into a re-publish.
import { Kafka, logLevel, type Message } from 'kafkajs';

import { encodeJsonValue } from '../json-value.codec';
import type { PersistenceLogger } from '../logger';
import { OutboxRelay } from '../outbox/outbox.relay';
import type { OutboxMessage, OutboxPublisher } from '../outbox/outbox.types';

function emit(event: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ at: Date.now(), ...event })}\n`);
}

const logger: PersistenceLogger = {
  info: (fields, msg) => emit({ event: 'log', level: 'info', msg, ...fields }),
  warn: (fields, msg) =>
    emit({ event: 'log', level: 'warn', msg, ...fields, err: String((fields as { err?: unknown }).err) }),
  error: (fields, msg) =>
    emit({ event: 'log', level: 'error', msg, ...fields, err: String((fields as { err?: unknown }).err) }),
};

async function main(): Promise<void> {
  const env = process.env;
  const required = (name: string): string => {
    const value = env[name];
    if (!value) throw new Error(`${name} is required`);
    return value;
  };
  const hangAfterBatches = Number(env.TW_FIXTURE_HANG_AFTER_BATCHES ?? '0');
  const kafka = new Kafka({
    clientId: 'outbox-relay-fixture',
    brokers: required('TW_FIXTURE_BROKERS').split(','),
    logLevel: logLevel.NOTHING,
  });
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
  });
  await producer.connect();

  let batches = 0;
  let total = 0;
  let firstAt: number | undefined;
  let lastAt: number | undefined;
  const publisher: OutboxPublisher = {
    async publish(messages: OutboxMessage[]): Promise<void> {
      firstAt ??= Date.now();
      const byTopic = new Map<string, Message[]>();
      for (const message of messages) {
        const list = byTopic.get(message.topic) ?? [];
        list.push({
          key: message.key,
          value: JSON.stringify(encodeJsonValue(message.value)),
          headers: message.headers,
        });
        byTopic.set(message.topic, list);
      }
      await producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, list]) => ({ topic, messages: list })),
      });
      batches++;
      total += messages.length;
      lastAt = Date.now();
      emit({
        event: 'published',
        batch: batches,
        count: messages.length,
        total,
        firstId: messages[0].id,
        lastId: messages[messages.length - 1].id,
      });
      if (batches === hangAfterBatches) {
        emit({ event: 'hanging' });
        await new Promise<never>(() => undefined);
      }
    },
  };

  const relay = new OutboxRelay({
    url: required('TW_FIXTURE_DATABASE_URL'),
    schema: required('TW_FIXTURE_SCHEMA'),
    publisher,
    batchSize: Number(env.TW_FIXTURE_BATCH_SIZE ?? '100'),
    pollIntervalMs: 500,
    standbyPollMs: 200,
    cleanup: false,
    logger,
  });
  process.once('SIGTERM', () => {
    void (async () => {
      await relay.stop();
      await producer.disconnect();
      const seconds = firstAt !== undefined && lastAt !== undefined ? (lastAt - firstAt) / 1000 : 0;
      emit({
        event: 'stopped',
        total,
        batches,
        rowsPerSecond: seconds > 0 ? Math.round(total / seconds) : null,
      });
      process.exit(0);
    })();
  });
  relay.start();
  emit({ event: 'started', pid: process.pid });
}

main().catch((error: unknown) => {
  emit({ event: 'failed', error: String(error) });
  process.exit(1);
});
