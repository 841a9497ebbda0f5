// partner-delivery against the real Kafka, registry and PostgreSQL, with partners of the test's own: a
// copy of config/partners with test partners added (ids no other test uses, so the shared
// partners.outbound's other records are not routed to our receivers) and the test's delivery.yaml;
// endpoints reached through DELIVERY_ENDPOINT_OVERRIDES, as a local run would.
import { randomUUID } from 'node:crypto';
import { appendFileSync, cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type Environment, loadConfig } from '@tradewind/config';
import {
  type DeliveryResult,
  DocumentFormat,
  type OpsException,
  type OutboundDocument,
  TOPIC_CATALOG,
  TOPICS,
  type TopicValueMap,
} from '@tradewind/contracts';
import {
  AvroSerde,
  createKafka,
  deadLetterTopicOf,
  HEADER,
  retryTopicOf,
  topicSchemasFrom,
  TypedProducer,
} from '@tradewind/messaging';
import { defaultConsumerGroup } from '@tradewind/messaging-nest';
import { loadPartnerCatalog } from '@tradewind/partner-catalog';
import { newGroupsStartNow, testStack, uniqueName } from '@tradewind/testing';
import type { Kafka } from 'kafkajs';
import { Pool } from 'pg';

import { AppModule } from '../app.module';
import { partnerDeliveryConfig } from '../partner-delivery.config';

export const REPO_ROOT = join(__dirname, '../../../..');

export interface TestPartner {
  readonly id: string;
  readonly x12?: boolean;
}

/** A catalog entry that passes the catalog's rules and sends nothing in. */
function partnerYaml(p: TestPartner, n: number): string {
  const env = p.id.replace(/-/g, '_').toUpperCase();
  const x12 = p.x12 === true;
  return `
  - id: ${p.id}
    name: Delivery test partner ${p.id}
    kind: ${x12 ? 'edi' : 'portal'}
    status: active
    contacts: [{ role: technical, name: Test, email: test@example.com }]
    sla: { acknowledgeWithinMinutes: 5 }
    channels: []
    documents: [{ type: order-ack, direction: outbound, formats: [${x12 ? 'x12' : 'json'}] }]
    scopes: []
    rateLimit: { requestsPerSecond: 1, burst: 1 }
    maxBodyBytes: 1048576
    priceTolerancePct: 0
    defaultCurrency: USD
${x12 ? `    x12: { qualifier: ZZ, id: PDTEST${n}${Date.now().toString(36).slice(-5).toUpperCase()} }\n` : ''}    credentials:
      - { keyId: ${p.id}-key, apiKeyHashRef: 'env:TW_${env}_KEY', signingSecretRef: 'env:TW_${env}_SIGNING', status: active, notAfter: '2099-12-31' }
    api: { version: v1 }
`;
}

/** A catalog directory: the real one, the test partners appended, the test's delivery.yaml. */
export function testCatalogDir(partners: readonly TestPartner[], deliveryYaml: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'tw-delivery-catalog-'));
  cpSync(join(REPO_ROOT, 'config/partners'), dir, { recursive: true });
  appendFileSync(join(dir, 'catalog.yaml'), partners.map((p, i) => partnerYaml(p, i)).join(''));
  writeFileSync(join(dir, 'delivery.yaml'), deliveryYaml);
  loadPartnerCatalog(dir); // fail here, with every problem listed, rather than in the app
  return dir;
}

/** A unique partner id prefix for one test file. */
export function testPartnerId(name: string): string {
  // Short: with its `-key` suffix a longer random-looking id would pass for a secret in the catalog check.
  return `pd-${name}-${Date.now().toString(36).slice(-4)}${randomUUID().slice(0, 3)}`;
}

export function outboundDocument(
  partnerId: string,
  documentType: string,
  options: {
    orderingKey?: string | null;
    payload?: string;
    format?: DocumentFormat;
    outboundId?: string;
  } = {},
): OutboundDocument {
  const outboundId = options.outboundId ?? `${documentType}:${randomUUID()}`;
  const format = options.format ?? DocumentFormat.Json;
  return {
    outboundId,
    partnerId,
    documentType,
    format,
    contentType: format === DocumentFormat.X12 ? 'application/edi-x12' : 'application/json',
    relatesTo: [randomUUID()],
    payload: Buffer.from(options.payload ?? JSON.stringify({ outboundId, documentType })),
    createdAt: Date.now(),
    orderingKey: options.orderingKey ?? null,
  };
}

/** The environment partner-delivery gets in a test (in process, or a child process's). */
export function deliveryEnv(options: {
  serviceName: string;
  schema: string;
  catalogDir: string;
  overrides: Record<string, unknown>;
  extra?: Environment;
}): Environment {
  const stack = testStack();
  return {
    SERVICE_NAME: options.serviceName,
    KAFKA_BROKERS: stack.kafkaBrokers.join(','),
    KAFKA_NEW_GROUP_START_AT: newGroupsStartNow(),
    SCHEMA_REGISTRY_URL: stack.registryUrl,
    DATABASE_URL: stack.databaseUrl,
    DATABASE_SCHEMA: options.schema,
    DATABASE_POOL_SIZE: '6',
    HTTP_PORT: '0',
    LOG_LEVEL: process.env.TW_TEST_LOG_LEVEL ?? 'warn',
    PARTNER_CATALOG_DIR: options.catalogDir,
    DELIVERY_ENDPOINT_OVERRIDES: JSON.stringify(options.overrides),
    DELIVERY_POLL_INTERVAL: '200ms',
    DELIVERY_LEASE: '10s',
    ...options.extra,
  };
}

export class DeliveryHarness {
  readonly kafka: Kafka;
  readonly serde: AvroSerde;
  app: INestApplication | undefined;
  private readonly stack = testStack();

  constructor(
    readonly serviceName: string,
    readonly schema: string,
  ) {
    this.kafka = createKafka({ brokers: this.stack.kafkaBrokers, clientId: `${serviceName}-test` });
    this.serde = new AvroSerde({ registryUrl: this.stack.registryUrl });
  }

  static create(name: string): DeliveryHarness {
    return new DeliveryHarness(
      uniqueName(`partner-delivery-${name}`),
      uniqueName(`partner_delivery_${name.replace(/-/g, '_')}`),
    );
  }

  async start(env: Environment): Promise<INestApplication> {
    const config = loadConfig(partnerDeliveryConfig, env);
    const app = await NestFactory.create(AppModule.forRoot(config.values, { secretsEnv: env }), {
      logger: false,
    });
    await app.listen(0, '127.0.0.1');
    this.app = app;
    return app;
  }

  private producer: TypedProducer<TopicValueMap> | undefined;

  /** Publishes on partners.outbound with a producer of the test's own (the app may be another process). */
  async publish(documents: readonly OutboundDocument[]): Promise<void> {
    if (this.producer === undefined) {
      this.producer = new TypedProducer<TopicValueMap>({
        kafka: this.kafka,
        serde: this.serde,
        schemas: topicSchemasFrom(TOPIC_CATALOG),
        sourceSystem: `${this.serviceName}-test`,
      });
      await this.producer.connect();
    }
    await this.producer.send(
      TOPICS.partnersOutbound,
      documents.map((value) => ({
        key: value.partnerId,
        value,
        headers: { [HEADER.messageId]: randomUUID(), [HEADER.correlationId]: value.relatesTo[0] },
      })),
    );
  }

  async metrics(): Promise<string> {
    return (await fetch(`${await this.app!.getUrl()}/metrics`)).text();
  }

  async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    const pool = new Pool({ connectionString: this.stack.databaseUrl });
    try {
      return (await pool.query(sql.replace(/\bdeliveries\b/g, `"${this.schema}".deliveries`), params))
        .rows as T[];
    } finally {
      await pool.end();
    }
  }

  async topicEnd(topic: string): Promise<Map<number, string>> {
    const admin = this.kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets(topic);
    await admin.disconnect();
    return new Map(offsets.map((p) => [p.partition, p.high]));
  }

  /** Every record of `topic` from `since` to its end now, decoded. */
  async recordsSince<V>(topic: string, since: Map<number, string>): Promise<V[]> {
    const high = await this.topicEnd(topic);
    const pending = new Set(
      [...high].filter(([p, end]) => BigInt(end) > BigInt(since.get(p) ?? end)).map(([p]) => p),
    );
    const found: V[] = [];
    if (pending.size === 0) return found;
    const consumer = this.kafka.consumer({ groupId: uniqueName('partner-delivery-reader') });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: false });
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          eachMessage: async ({ partition, message }) => {
            if (!pending.has(partition) || BigInt(message.offset) < BigInt(since.get(partition) ?? '0'))
              return;
            if (BigInt(message.offset) >= BigInt(high.get(partition)!)) return;
            found.push((await this.serde.decode<V>(message.value!)).value);
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
    await consumer.disconnect();
    return found;
  }

  results(since: Map<number, string>, partnerPrefix: string): Promise<DeliveryResult[]> {
    return this.recordsSince<DeliveryResult>(TOPICS.partnersDeliveryResults, since).then((all) =>
      all.filter((r) => r.partnerId.startsWith(partnerPrefix)),
    );
  }

  exceptions(since: Map<number, string>, partnerPrefix: string): Promise<OpsException[]> {
    return this.recordsSince<OpsException>(TOPICS.opsExceptions, since).then((all) =>
      all.filter((r) => r.partnerId?.startsWith(partnerPrefix) === true),
    );
  }

  async stopApp(): Promise<void> {
    await this.app?.close();
    this.app = undefined;
  }

  async cleanup(...dirs: string[]): Promise<void> {
    await this.stopApp();
    await this.producer?.disconnect();
    const group = defaultConsumerGroup(this.serviceName, TOPICS.partnersOutbound);
    const admin = this.kafka.admin();
    await admin.connect();
    const existing = new Set(await admin.listTopics());
    const topics = [
      retryTopicOf(TOPICS.partnersOutbound, group),
      deadLetterTopicOf(TOPICS.partnersOutbound, group),
    ].filter((t) => existing.has(t));
    if (topics.length > 0) await admin.deleteTopics({ topics }).catch(() => undefined);
    await admin.deleteGroups([group, `${group}.retry`]).catch(() => undefined);
    await admin.disconnect();
    const pool = new Pool({ connectionString: this.stack.databaseUrl });
    await pool.query(`DROP SCHEMA IF EXISTS "${this.schema}" CASCADE`);
    await pool.end();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
}
