// Makes the broker's topics match the catalog: create missing topics, raise partition counts, keep
// retention in line. Never destructive: a cleanup policy or partition count it cannot safely change is
// reported, not changed.
import { waitForTopicLeaders } from '@tradewind/messaging';
import { type Admin, ConfigResourceTypes, ConfigSource, Kafka, logLevel, type SASLOptions } from 'kafkajs';

import type { CatalogTopic } from './catalog';

export interface TopicSyncOptions {
  brokers: string[];
  replicationFactor: number;
  clientId?: string;
  /** A secured cluster: TLS and SASL as the services connect (KAFKA_SSL, KAFKA_SASL_*). */
  ssl?: boolean;
  sasl?: SASLOptions;
}

export interface TopicAction {
  topic: string;
  /** One line for people. */
  text: string;
}

export interface TopicSyncResult {
  changes: TopicAction[];
  /** Drift left alone on purpose: the operator decides. */
  warnings: TopicAction[];
  unchanged: string[];
}

// Configuration keys the catalog owns; other per-topic overrides are kept as they are.
const CLEANUP_POLICY = 'cleanup.policy';
const RETENTION_MS = 'retention.ms';

export async function syncTopics(
  topics: readonly CatalogTopic[],
  options: TopicSyncOptions,
): Promise<TopicSyncResult> {
  const kafka = new Kafka({
    clientId: options.clientId ?? 'tradewind-schemas-register',
    brokers: options.brokers,
    ssl: options.ssl,
    sasl: options.sasl,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 5_000,
    retry: { retries: 3 },
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await reconcile(admin, topics, options);
  } finally {
    await admin.disconnect();
  }
}

async function reconcile(
  admin: Admin,
  topics: readonly CatalogTopic[],
  options: TopicSyncOptions,
): Promise<TopicSyncResult> {
  const result: TopicSyncResult = { changes: [], warnings: [], unchanged: [] };
  const existing = new Set(await admin.listTopics());

  const missing = topics.filter((topic) => !existing.has(topic.name));
  for (const topic of missing) {
    const created = await admin.createTopics({
      waitForLeaders: false,
      topics: [
        {
          topic: topic.name,
          numPartitions: topic.partitions,
          replicationFactor: options.replicationFactor,
          configEntries: Object.entries(desiredConfig(topic)).map(([name, value]) => ({ name, value })),
        },
      ],
    });
    if (created) {
      const retention = topic.retentionMs === null ? '' : `, retention.ms=${topic.retentionMs}`;
      result.changes.push({
        topic: topic.name,
        text: `created topic ${topic.name} (${topic.partitions} partitions, replication factor ${options.replicationFactor}, cleanup.policy=${topic.cleanupPolicy}${retention})`,
      });
    } else {
      // Another process created it between our list and create: reconcile it like any existing topic.
      existing.add(topic.name);
    }
  }

  // Created or not, every catalog topic exists now: its metadata and configs once the leaders serve.
  await waitForTopicLeaders(
    admin,
    topics.map((topic) => topic.name),
  );
  const present = topics.filter((topic) => existing.has(topic.name));
  if (present.length === 0) return result;
  const metadata = await admin.fetchTopicMetadata({ topics: present.map((topic) => topic.name) });
  const partitionCounts = new Map(metadata.topics.map((topic) => [topic.name, topic.partitions.length]));
  const described = await admin.describeConfigs({
    includeSynonyms: false,
    resources: present.map((topic) => ({ type: ConfigResourceTypes.TOPIC, name: topic.name })),
  });
  const overridesByTopic = new Map(
    described.resources.map((resource) => [
      resource.resourceName,
      // Set on the topic itself rather than inherited from the broker.
      new Map(
        resource.configEntries
          .filter(
            (entry) =>
              entry.configSource === ConfigSource.TOPIC_CONFIG && !entry.isSensitive && !entry.readOnly,
          )
          .map((entry) => [entry.configName, entry.configValue]),
      ),
    ]),
  );
  const effectiveByTopic = new Map(
    described.resources.map((resource) => [
      resource.resourceName,
      new Map(resource.configEntries.map((entry) => [entry.configName, entry.configValue])),
    ]),
  );

  for (const topic of present) {
    const before = result.changes.length + result.warnings.length;
    const partitions = partitionCounts.get(topic.name) ?? 0;
    if (partitions < topic.partitions) {
      await admin.createPartitions({ topicPartitions: [{ topic: topic.name, count: topic.partitions }] });
      result.changes.push({
        topic: topic.name,
        text: `added partitions to ${topic.name}: ${partitions} → ${topic.partitions} (keys move to other partitions from now on)`,
      });
    } else if (partitions > topic.partitions) {
      result.warnings.push({
        topic: topic.name,
        text: `${topic.name} has ${partitions} partitions, the catalog says ${topic.partitions}: Kafka cannot remove partitions; left as is (raise the catalog's count, or migrate to a new topic)`,
      });
    }

    const effective = effectiveByTopic.get(topic.name) ?? new Map<string, string>();
    const overrides = new Map(overridesByTopic.get(topic.name) ?? []);
    const currentPolicy = normalizePolicy(effective.get(CLEANUP_POLICY) ?? 'delete');
    if (currentPolicy !== topic.cleanupPolicy) {
      result.warnings.push({
        topic: topic.name,
        text: `${topic.name} has cleanup.policy=${currentPolicy}, the catalog says ${topic.cleanupPolicy}: not changed, because switching a live topic between delete and compact changes which records survive; migrate to a new topic or change it deliberately with kafka-configs`,
      });
    }

    const wantedRetention = topic.retentionMs === null ? undefined : String(topic.retentionMs);
    const currentRetention = overrides.get(RETENTION_MS);
    if (wantedRetention !== currentRetention) {
      // kafkajs only speaks the legacy AlterConfigs request, which replaces every override of the topic:
      // send the ones we keep along with the new retention.
      if (wantedRetention === undefined) overrides.delete(RETENTION_MS);
      else overrides.set(RETENTION_MS, wantedRetention);
      await admin.alterConfigs({
        validateOnly: false,
        resources: [
          {
            type: ConfigResourceTypes.TOPIC,
            name: topic.name,
            configEntries: [...overrides].map(([name, value]) => ({ name, value })),
          },
        ],
      });
      result.changes.push({
        topic: topic.name,
        text:
          wantedRetention === undefined
            ? `${topic.name}: removed retention.ms override ${currentRetention} (broker default applies)`
            : `${topic.name}: retention.ms ${currentRetention ?? `broker default (${effective.get(RETENTION_MS) ?? '?'})`} → ${wantedRetention}`,
      });
    }
    if (result.changes.length + result.warnings.length === before) result.unchanged.push(topic.name);
  }
  return result;
}

function desiredConfig(topic: CatalogTopic): Record<string, string> {
  const config: Record<string, string> = { [CLEANUP_POLICY]: topic.cleanupPolicy };
  if (topic.retentionMs !== null) config[RETENTION_MS] = String(topic.retentionMs);
  return config;
}

function normalizePolicy(value: string): string {
  const parts = value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .sort();
  return parts.join(',');
}
