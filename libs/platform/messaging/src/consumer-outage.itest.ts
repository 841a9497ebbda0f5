import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { createServer, type Server, Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';

import { SchemaType } from '@kafkajs/confluent-schema-registry';
import { TOPIC_CATALOG, TOPICS } from '@tradewind/contracts';
import { expectEventually, testStack, uniqueName } from '@tradewind/testing';
import type { Kafka } from 'kafkajs';
import { Pool } from 'pg';

import { AvroSerde } from './avro-serde';
import { ConsumerRunner } from './consumer-runner';
import { createKafka } from './kafka';
import { PostgresParkedRecordStore } from './parked-records';
import { CRASH_TEST_SCHEMA, type CrashTestEvent } from './test/crash-test.fixture';
import { topicSchemasFrom } from './topic-schemas';
import { TypedProducer } from './typed-producer';

const RECORDS = 300;
const KEYS = 12;
/** Two in-process attempts and two from the retry topic: about 0.5 s before a failing record is dead. */
const RETRY = { inProcessAttempts: 2, maxAttempts: 4, delaysMs: [150, 300] };
/** Far beyond the retry budget above (the 60 s Odoo outage of issue 7, shortened). */
const OUTAGE_MS = 4_000;

/**
 * PostgreSQL behind a TCP hop the test can cut: while cut, connections are reset and new ones refused,
 * which is what a service sees of a database restart or a network partition.
 */
class CuttableLink {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  async open(): Promise<void> {
    if (this.server) return;
    const server = createServer((client) => {
      const upstream = new Socket();
      upstream.connect(this.target.port, this.target.host);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', resolve);
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }
}

describe("an outage of the handler's database, longer than the retry budget, on the real broker and database", () => {
  const stack = testStack();
  const topic = uniqueName('it.outage');
  const groupId = uniqueName('outage-group');
  const schema = uniqueName('outage');
  const kafka: Kafka = createKafka({ brokers: stack.kafkaBrokers, clientId: 'outage-itest' });
  const direct = new Pool({ connectionString: stack.databaseUrl, max: 4 });
  const database = new URL(stack.databaseUrl);
  const link = new CuttableLink({ host: database.hostname, port: Number(database.port || 5432) });
  let viaLink: Pool;
  let producer: TypedProducer<Record<string, CrashTestEvent>>;
  let runner: ConsumerRunner<CrashTestEvent>;

  const count = async (sql: string): Promise<number> =>
    Number((await direct.query<{ n: string }>(sql)).rows[0].n);
  const received = () => count(`select count(*) as n from "${schema}".received`);

  before(async () => {
    await link.open();
    const linked = new URL(stack.databaseUrl);
    linked.hostname = '127.0.0.1';
    linked.port = String(link.port);
    // Only the handler's pool goes through the link: the dependency is the handler's alone, as Odoo is
    // for order-intake's price lookup (the runner's own bookkeeping waits out outages too: unit tests).
    viaLink = new Pool({ connectionString: linked.toString(), max: 6, connectionTimeoutMillis: 1_000 });
    viaLink.on('error', () => undefined); // idle connections dropped by the cut
    await direct.query(`create schema "${schema}"`);
    await direct.query(
      `create table "${schema}".received (order_key text not null, seq int not null, primary key (order_key, seq))`,
    );
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 3 }] });
    await admin.disconnect();
    const serde = new AvroSerde({ registryUrl: stack.registryUrl });
    await serde.registry.register(
      { type: SchemaType.AVRO, schema: JSON.stringify(CRASH_TEST_SCHEMA) },
      { subject: `${topic}-value` },
    );
    const schemas = topicSchemasFrom({
      [topic]: { subject: `${topic}-value`, valueSchema: CRASH_TEST_SCHEMA },
      [TOPICS.opsExceptions]: TOPIC_CATALOG[TOPICS.opsExceptions],
    });
    producer = new TypedProducer({ kafka, serde, schemas, sourceSystem: 'outage-itest' });
    await producer.connect();
    runner = new ConsumerRunner<CrashTestEvent>({
      kafka,
      serde,
      schemas,
      producer,
      parked: new PostgresParkedRecordStore(direct, schema),
      groupId,
      topic,
      retry: RETRY,
      outage: { initialDelayMs: 100, maxDelayMs: 500 },
      keyConcurrency: 6,
      handler: async (record) => {
        await viaLink.query(
          `insert into "${schema}".received (order_key, seq) values ($1, $2) on conflict do nothing`,
          [record.value.orderKey, record.value.seq],
        );
      },
    });
    await runner.start();
  });

  after(async () => {
    await runner.stop();
    await producer.disconnect();
    await link.open();
    await direct.query(`drop schema if exists "${schema}" cascade`);
    await Promise.all([direct.end(), viaLink.end()]);
    await link.cut();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic, runner.topics.retry, runner.topics.deadLetter] });
    await admin.disconnect();
  });

  it('holds the records while the database is away, dead-letters none, and delivers all of them after', async () => {
    const send = (from: number, to: number) =>
      producer.send(
        topic,
        Array.from({ length: to - from }, (_, i) => {
          const n = from + i;
          const orderKey = `order-${n % KEYS}`;
          return { key: orderKey, value: { orderKey, seq: Math.floor(n / KEYS) } };
        }),
      );
    await send(0, RECORDS / 3);
    await expectEventually(async () => assert.equal(await received(), RECORDS / 3), { timeoutMs: 30_000 });

    await link.cut();
    await send(RECORDS / 3, RECORDS);
    // A refused connection is reported as `network`, a dropped one as `database`.
    await expectEventually(() => assert.ok(runner.health.unavailable.length > 0), {
      timeoutMs: 10_000,
      description: 'the runner reports a dependency unavailable',
    });
    // Hold the outage well past the retry budget; nothing reaches the table meanwhile.
    await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
    assert.equal(await received(), RECORDS / 3);
    await link.open();

    await expectEventually(async () => assert.equal(await received(), RECORDS), {
      timeoutMs: 60_000,
      intervalMs: 250,
      description: 'every record written after the database came back',
    });
    assert.deepEqual(runner.health.unavailable, []);
    const admin = kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets(runner.topics.deadLetter);
    await admin.disconnect();
    const deadLetters = offsets.reduce((n, p) => n + Number(p.high) - Number(p.low), 0);
    assert.equal(deadLetters, 0, 'records were dead-lettered during the outage');
  });
});
