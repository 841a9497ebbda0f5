// Reads what was produced on a topic between two moments: the end offsets taken before, to the end now.
// For checks that must see records on a shared topic (an e2e, an itest, an operator's script) without a
// consumer group that would commit anything.
import type { Kafka } from 'kafkajs';

import { AvroSerde } from './avro-serde';
import { CONSUMER_MAX_WAIT_MS } from './kafka';

/** Each partition's end offset (high watermark) now. */
export async function topicEnd(kafka: Kafka, topic: string): Promise<Map<number, string>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return new Map(offsets.map((p) => [p.partition, p.high]));
  } finally {
    await admin.disconnect();
  }
}

/** Every record from `since` (as topicEnd gave it) to the current end, decoded with the registry's schemas. */
export async function recordsSince<V>(
  kafka: Kafka,
  registryUrl: string,
  topic: string,
  since: ReadonlyMap<number, string>,
): Promise<{ key: string | null; value: V; partition: number; offset: string }[]> {
  const serde = new AvroSerde({ registryUrl });
  const high = await topicEnd(kafka, topic);
  const pending = new Set(
    [...high].filter(([p, end]) => BigInt(end) > BigInt(since.get(p) ?? end)).map(([p]) => p),
  );
  const found: { key: string | null; value: V; partition: number; offset: string }[] = [];
  if (pending.size === 0) return found;
  // A group of its own that never commits: the reader leaves no trace on the broker.
  const consumer = kafka.consumer({
    groupId: `topic-reader-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`,
    maxWaitTimeInMs: CONSUMER_MAX_WAIT_MS,
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: false });
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          autoCommit: false,
          eachMessage: async ({ partition, message }) => {
            if (!pending.has(partition) || BigInt(message.offset) < BigInt(since.get(partition) ?? '0'))
              return;
            const { value } = await serde.decode<V>(message.value!);
            found.push({ key: message.key?.toString() ?? null, value, partition, offset: message.offset });
            if (BigInt(message.offset) + 1n >= BigInt(high.get(partition)!)) {
              pending.delete(partition);
              if (pending.size === 0) resolve();
            }
          },
        })
        .catch(reject);
      for (const partition of pending)
        consumer.seek({ topic, partition, offset: since.get(partition) ?? '0' });
    });
  } finally {
    await consumer.disconnect();
  }
  return found;
}
