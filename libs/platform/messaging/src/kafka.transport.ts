import { type OpsException, TOPICS } from '@tradewind/contracts';
import type { Consumer, Kafka } from 'kafkajs';

import type { AvroSerde } from './avro-serde';
import { decodeHeaders, type RecordHeaders } from './headers';
import { CONSUMER_MAX_WAIT_MS, whileKafkaIsTransient } from './kafka';
import {
  DependencyUnavailableError,
  errorMessage,
  MessagingErrorCode,
  MessagingException,
  PoisonRecordError,
} from './messaging.exception';
import { ensureDerivedTopics } from './topic-admin';
import type { TopicSchemas } from './topic-schemas';
import type {
  BatchHandler,
  ConsumerTransport,
  RawRecord,
  RecordDecoder,
  TransportConsumer,
  TransportSubscription,
} from './transport';
import type { TypedProducer } from './typed-producer';

/** What the runner sends through: raw copies and typed ops.exceptions records. */
export type RunnerProducer = Pick<
  TypedProducer<{ [TOPICS.opsExceptions]: OpsException }>,
  'send' | 'sendRaw'
>;

/** The kafkajs driver: consumer groups with manual commits, topic administration, the service's producer. */
export class KafkaConsumerTransport implements ConsumerTransport {
  constructor(
    private readonly kafka: Kafka,
    private readonly producer: RunnerProducer,
  ) {}

  ensureTopics(source: string, derived: readonly string[]): Promise<void> {
    return whileKafkaIsTransient(() => ensureDerivedTopics(this.kafka, source, derived));
  }

  async subscribe(subscription: TransportSubscription, onBatch: BatchHandler): Promise<TransportConsumer> {
    const { groupId, topic } = subscription;
    let consumer!: Consumer;
    await whileKafkaIsTransient(
      async () => {
        consumer = this.kafka.consumer({
          groupId,
          sessionTimeout: subscription.sessionTimeoutMs,
          heartbeatInterval: 3_000,
          maxWaitTimeInMs: CONSUMER_MAX_WAIT_MS,
          allowAutoTopicCreation: false,
        });
        await consumer.connect();
        await consumer.subscribe({ topic, fromBeginning: subscription.fromBeginning });
        if (subscription.newGroupStartAt !== undefined)
          await startNewGroupAt(this.kafka, consumer, groupId, topic, subscription.newGroupStartAt);
      },
      { undo: () => consumer.disconnect() },
    );
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: subscription.partitionsConsumedConcurrently,
      eachBatch: async (payload) => {
        const { batch } = payload;
        if (batch.messages.length === 0) return;
        // A rebalance cannot complete while a batch runs: a batch waiting for a dependency gives way.
        let rebalancing = false;
        await onBatch({
          topic: batch.topic,
          partition: batch.partition,
          highWatermark: batch.highWatermark,
          messages: batch.messages.map((message) => ({
            key: message.key ?? null,
            value: message.value ?? null,
            headers: decodeHeaders(message.headers),
            offset: message.offset,
            timestamp: message.timestamp,
          })),
          isActive: () => !rebalancing && payload.isRunning() && !payload.isStale(),
          heartbeat: () =>
            payload.heartbeat().catch((error: unknown) => {
              if (/rebalanc/i.test(errorMessage(error))) rebalancing = true;
            }),
          commit: async (nextOffset) => {
            payload.resolveOffset((BigInt(nextOffset) - 1n).toString());
            await payload.commitOffsetsIfNecessary({
              topics: [
                { topic: batch.topic, partitions: [{ partition: batch.partition, offset: nextOffset }] },
              ],
            });
          },
        });
      },
    });
    return { stop: () => consumer.disconnect() };
  }

  publishRaw(topic: string, records: readonly RawRecord[]): Promise<void> {
    return this.producer.sendRaw(
      topic,
      records.map((r) => ({ key: r.key, value: r.value, headers: r.headers })),
    );
  }

  publishException(exception: OpsException, key: string | null, headers: RecordHeaders): Promise<void> {
    return this.producer.send(TOPICS.opsExceptions, [{ key, value: exception, headers }]);
  }
}

/** Avro values in the Confluent wire format, read into the topic's schema from the catalog. */
export function avroDecoder<V>(serde: AvroSerde, schemas: TopicSchemas, topic: string): RecordDecoder<V> {
  return {
    async decode(value) {
      const { schema } = schemas.valueSchema(topic);
      try {
        return (await serde.decode<V>(value, schema)).value;
      } catch (error) {
        // Bytes that cannot be decoded never will be; an unreachable registry is an outage.
        if (error instanceof MessagingException) {
          switch (error.code) {
            case MessagingErrorCode.DecodeFailed:
              throw new PoisonRecordError(error.message, { cause: error });
            case MessagingErrorCode.RegistryUnavailable:
              throw new DependencyUnavailableError('schema-registry', error.message, { cause: error });
            case MessagingErrorCode.SchemaNotRegistered:
            case MessagingErrorCode.InvalidPayload:
            case MessagingErrorCode.ProducerClosed:
            case MessagingErrorCode.UnknownTopic:
            case MessagingErrorCode.TopicNotReady:
            case MessagingErrorCode.RecordTooLarge:
            case MessagingErrorCode.QueueFull:
            case MessagingErrorCode.NotSent:
            case MessagingErrorCode.OutcomeUnknown:
            case MessagingErrorCode.RecordRefused:
              throw error;
          }
        }
        throw error;
      }
    },
  };
}

/**
 * Starts each partition of `topic` that `consumer`'s group has never committed at the first record at or
 * after `at` (the partition's end where none is that recent); committed partitions go on where they are.
 * Call between `subscribe` and `run`. The start is sought on each join for the partitions the member is
 * given and has not committed yet (a rebalance forgets a seek), not committed beforehand: kafkajs commits
 * only through a member, and `admin.setOffsets`' member costs a join and a 5 s fetch wait per group. A
 * member restarted before its group committed every partition so starts the rest at `at` again, not at
 * the topic's beginning.
 */
export async function startNewGroupAt(
  kafka: Kafka,
  consumer: Consumer,
  groupId: string,
  topic: string,
  at: number,
): Promise<void> {
  const start = await newGroupStartOffsets(kafka, groupId, topic, at);
  if (start === undefined) return;
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    for (const partition of payload.memberAssignment[topic] ?? []) {
      const offset = start.get(partition);
      if (offset !== undefined) consumer.seek({ topic, partition, offset });
    }
  });
  consumer.on(consumer.events.COMMIT_OFFSETS, ({ payload }) => {
    for (const committed of payload.topics)
      if (committed.topic === topic)
        for (const { partition } of committed.partitions) start.delete(Number(partition));
  });
}

/** Where each partition the group has never committed on `topic` starts; undefined when it committed all. */
async function newGroupStartOffsets(
  kafka: Kafka,
  groupId: string,
  topic: string,
  at: number,
): Promise<Map<number, string> | undefined> {
  return whileKafkaIsTransient(async () => {
    const admin = kafka.admin();
    try {
      await admin.connect();
      const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
      const never = new Set(committed.partitions.filter((p) => p.offset === '-1').map((p) => p.partition));
      if (never.size === 0) return undefined;
      const starts = await admin.fetchTopicOffsetsByTimestamp(topic, at);
      return new Map(starts.filter((p) => never.has(p.partition)).map((p) => [p.partition, p.offset]));
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  });
}
