// Reads what a test's service produced on a shared topic: from the offsets taken before, to the end.
import { AvroSerde } from '@tradewind/messaging';
import { uniqueName } from '@tradewind/testing';
import type { Kafka } from 'kafkajs';

export async function topicEnd(kafka: Kafka, topic: string): Promise<Map<number, string>> {
  const admin = kafka.admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  return new Map(offsets.map((p) => [p.partition, p.high]));
}

export async function recordsSince<V>(
  kafka: Kafka,
  registryUrl: string,
  topic: string,
  since: Map<number, string>,
): Promise<{ key: string | null; value: V }[]> {
  const serde = new AvroSerde({ registryUrl });
  const high = await topicEnd(kafka, topic);
  const pending = new Set(
    [...high].filter(([p, end]) => BigInt(end) > BigInt(since.get(p) ?? end)).map(([p]) => p),
  );
  const found: { key: string | null; value: V }[] = [];
  if (pending.size === 0) return found;
  const consumer = kafka.consumer({ groupId: uniqueName('reconciler-reader') });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: false });
  await new Promise<void>((resolve, reject) => {
    consumer
      .run({
        eachMessage: async ({ partition, message }) => {
          if (!pending.has(partition) || BigInt(message.offset) < BigInt(since.get(partition) ?? '0')) return;
          const { value } = await serde.decode<V>(message.value!);
          found.push({ key: message.key?.toString() ?? null, value });
          if (BigInt(message.offset) + 1n >= BigInt(high.get(partition)!)) {
            pending.delete(partition);
            if (pending.size === 0) resolve();
          }
        },
      })
      .catch(reject);
    for (const partition of pending) consumer.seek({ topic, partition, offset: since.get(partition) ?? '0' });
  });
  await consumer.disconnect();
  return found;
}
