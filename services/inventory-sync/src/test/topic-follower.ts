// Follows shared topics from their current end (what a test's service produces from now on), decoded,
// filtered: tests on the shared stack never read other tests' records nor depend on a quiet topic.
import { AvroSerde, createKafka } from '@tradewind/messaging';
import { uniqueName } from '@tradewind/testing';
import type { Consumer } from 'kafkajs';

export interface FollowedRecord<V = unknown> {
  topic: string;
  key: string;
  value: V;
  headers: Record<string, string>;
}

export interface TopicFollower {
  readonly records: FollowedRecord[];
  of<V>(topic: string): FollowedRecord<V>[];
  stop(): Promise<void>;
}

export async function followTopics(
  stack: { kafkaBrokers: string[]; registryUrl: string },
  topics: readonly string[],
  keep: (record: FollowedRecord) => boolean,
): Promise<TopicFollower> {
  const kafka = createKafka({ brokers: stack.kafkaBrokers, clientId: uniqueName('follower') });
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map<string, { partition: number; high: string }[]>();
  for (const topic of topics) ends.set(topic, await admin.fetchTopicOffsets(topic));
  await admin.disconnect();
  const serde = new AvroSerde({ registryUrl: stack.registryUrl });
  const consumer: Consumer = kafka.consumer({ groupId: uniqueName('follower') });
  const records: FollowedRecord[] = [];
  await consumer.connect();
  await consumer.subscribe({ topics: [...topics], fromBeginning: false });
  await consumer.run({
    eachMessage: async ({ topic, message }) => {
      if (message.value === null) return;
      const { value } = await serde.decode(message.value);
      const headers = Object.fromEntries(
        Object.entries(message.headers ?? {}).map(([k, v]) => [k, v?.toString() ?? '']),
      );
      const record = {
        topic,
        key: message.key?.toString() ?? '',
        value: JSON.parse(JSON.stringify(value, plain)) as unknown,
        headers,
      };
      if (keep(record)) records.push(record);
    },
  });
  for (const [topic, partitions] of ends)
    for (const { partition, high } of partitions) consumer.seek({ topic, partition, offset: high });
  return {
    records,
    of: <V>(topic: string) => records.filter((r) => r.topic === topic) as FollowedRecord<V>[],
    stop: () => consumer.disconnect(),
  };
}

/** JSON-safe values: bytes as UTF-8 text (payloads), longs as numbers. */
function plain(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (
    typeof value === 'object' &&
    value !== null &&
    (value as { type?: unknown }).type === 'Buffer' &&
    Array.isArray((value as { data?: unknown }).data)
  )
    return Buffer.from((value as { data: number[] }).data).toString('utf8');
  return value;
}
