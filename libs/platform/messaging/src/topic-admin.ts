import { setTimeout as sleep } from 'node:timers/promises';

import type { Admin, Kafka } from 'kafkajs';

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
    // On a new broker the source's metadata may not be served yet: wait for it like for the derived.
    await waitForTopicLeaders(admin, [source]);
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
    await waitForTopicLeaders(admin, derived);
  } finally {
    await admin.disconnect();
  }
}

/**
 * Waits until every partition of `topics` has a leader. kafkajs' `createTopics({ waitForLeaders })` asks
 * before the broker knows a new topic and fails with UNKNOWN_TOPIC_OR_PARTITION, and a new broker answers
 * metadata requests with retriable errors for a while: both are waited out here.
 */
export async function waitForTopicLeaders(
  admin: Admin,
  topics: readonly string[],
  timeoutMs = LEADER_WAIT_MS,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const { topics: found } = await admin.fetchTopicMetadata({ topics: [...topics] });
      if (found.length === topics.length && found.every((t) => t.partitions.every((p) => p.leader >= 0)))
        return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    if (Date.now() > deadline) {
      throw new MessagingException(
        MessagingErrorCode.TopicNotReady,
        `no leaders for ${topics.join(', ')} after ${timeoutMs / 1000} s`,
      );
    }
    await sleep(200);
  }
}
