import { setTimeout as sleep } from 'node:timers/promises';

import type { Kafka } from 'kafkajs';

import { errorMessage, MessagingErrorCode, MessagingException } from './messaging.exception';

const DERIVED_RETENTION_MS = 14 * 24 * 3600 * 1000;
const LEADER_WAIT_MS = 30_000;

/**
 * Creates a consumer's derived topics (retry, dead letter) with the source topic's partition count,
 * idempotently (another instance may create them at the same moment), and waits for their leaders.
 */
export async function ensureDerivedTopics(
  kafka: Kafka,
  source: string,
  derived: readonly string[],
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const metadata = await admin.fetchTopicMetadata({ topics: [source] });
    const partitions = metadata.topics[0]?.partitions.length ?? 1;
    const existing = new Set(await admin.listTopics());
    const missing = derived.filter((topic) => !existing.has(topic));
    if (missing.length > 0) {
      // kafkajs' waitForLeaders asks for metadata before the broker knows the new topic and fails
      // with UNKNOWN_TOPIC_OR_PARTITION: wait ourselves.
      await admin
        .createTopics({
          waitForLeaders: false,
          topics: missing.map((topic) => ({
            topic,
            numPartitions: partitions,
            configEntries: [{ name: 'retention.ms', value: String(DERIVED_RETENTION_MS) }],
          })),
        })
        .catch((error: unknown) => {
          if (!/already exists/i.test(errorMessage(error))) throw error;
        });
    }
    const deadline = Date.now() + LEADER_WAIT_MS;
    for (;;) {
      try {
        const { topics: found } = await admin.fetchTopicMetadata({ topics: [...derived] });
        if (found.length === derived.length && found.every((t) => t.partitions.every((p) => p.leader >= 0)))
          return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
      }
      if (Date.now() > deadline) {
        throw new MessagingException(
          MessagingErrorCode.TopicNotReady,
          `no leaders for ${derived.join(', ')} after ${LEADER_WAIT_MS / 1000} s`,
        );
      }
      await sleep(200);
    }
  } finally {
    await admin.disconnect();
  }
}
