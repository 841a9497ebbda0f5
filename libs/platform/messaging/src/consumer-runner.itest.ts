import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { SchemaType } from '@kafkajs/confluent-schema-registry';
import { TOPICS } from '@tradewind/contracts';
import { expectEventually, testStack, uniqueName } from '@tradewind/testing';
import type { Kafka } from 'kafkajs';
import { Pool } from 'pg';

import { AvroSerde } from './avro-serde';
import { ConsumerRunner, type OpsExceptionValue } from './consumer-runner';
import { decodeHeaders, HEADER } from './headers';
import { createKafka } from './kafka';
import { BusinessRuleError } from './messaging.exception';
import { PostgresParkedRecordStore } from './parked-records';
import { topicSchemasFrom } from './topic-schemas';
import { TypedProducer } from './typed-producer';

interface OrderEvent {
  orderId: string;
  step: number;
  behaviour: string;
}

const orderEventSchema = {
  type: 'record',
  name: 'OrderEvent',
  namespace: 'io.tradewind.test',
  fields: [
    { name: 'orderId', type: 'string' },
    { name: 'step', type: 'int' },
    { name: 'behaviour', type: 'string' },
  ],
};
const opsExceptionSchema = JSON.parse(
  readFileSync(join(__dirname, '../../../../schemas/avro/ops.exceptions.avsc'), 'utf8'),
) as object;

describe('ConsumerRunner against the real broker, registry and database', () => {
  const stack = testStack();
  const topic = uniqueName('it.runner');
  const groupId = uniqueName('runner-group');
  const schemaName = uniqueName('runner');
  let kafka: Kafka;
  let serde: AvroSerde;
  let pool: Pool;
  let producer: TypedProducer<Record<string, OrderEvent> & { [TOPICS.opsExceptions]: OpsExceptionValue }>;
  let runner: ConsumerRunner<OrderEvent>;
  const handled: { key: string | null; step: number; attempt: number; at: number }[] = [];

  before(async () => {
    kafka = createKafka({ brokers: stack.kafkaBrokers, clientId: 'runner-itest' });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 1 }] });
    await admin.disconnect();
    serde = new AvroSerde({ registryUrl: stack.registryUrl });
    await serde.registry.register(
      { type: SchemaType.AVRO, schema: JSON.stringify(orderEventSchema) },
      { subject: `${topic}-value` },
    );
    const schemas = topicSchemasFrom({
      [topic]: { subject: `${topic}-value`, valueSchema: orderEventSchema },
      [TOPICS.opsExceptions]: { subject: `${TOPICS.opsExceptions}-value`, valueSchema: opsExceptionSchema },
    });
    producer = new TypedProducer({ kafka, serde, schemas, sourceSystem: 'itest' });
    await producer.connect();
    pool = new Pool({ connectionString: stack.databaseUrl, max: 4 });
    runner = new ConsumerRunner<OrderEvent>({
      kafka,
      serde,
      schemas,
      producer,
      parked: new PostgresParkedRecordStore(pool, schemaName),
      groupId,
      topic,
      retry: { inProcessAttempts: 2, maxAttempts: 4, delaysMs: [300, 600] },
      handler: (record) => {
        handled.push({ key: record.key, step: record.value.step, attempt: record.attempt, at: Date.now() });
        switch (record.value.behaviour) {
          case 'fail':
            return Promise.reject(new Error(`simulated outage for ${record.value.orderId}`));
          case 'reject':
            return Promise.reject(
              new BusinessRuleError('UNKNOWN_SKU', 'SKU-404 is not in the catalog', [
                { code: 'UNKNOWN_SKU', message: 'SKU-404', location: '/lines/0/sku' },
              ]),
            );
          default:
            return Promise.resolve();
        }
      },
    });
    await runner.start();
  });

  after(async () => {
    await runner.stop();
    await producer.disconnect();
    await pool.query(`drop schema if exists "${schemaName}" cascade`);
    await pool.end();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic, runner.topics.retry, runner.topics.deadLetter] });
    await admin.disconnect();
  });

  it('retries a technical failure through the retry topic into the dead-letter topic, keeping key order, while other keys flow', async () => {
    const send = (key: string, step: number, behaviour: string) =>
      producer.send(topic, [{ key, value: { orderId: key, step, behaviour } }]);
    await send('order-A', 1, 'fail'); // create fails every time
    await send('order-A', 2, 'ok'); // its update must wait behind it
    for (let i = 0; i < 20; i++) await send(`order-${i}`, 1, 'ok'); // same partition, other keys

    // Other keys are handled long before order-A's retries are exhausted.
    await expectEventually(
      () => assert.equal(handled.filter((h) => h.key?.match(/^order-\d+$/)).length, 20),
      {
        timeoutMs: 20_000,
      },
    );
    const firstA = handled.find((h) => h.key === 'order-A');
    const lastOther = handled.filter((h) => h.key?.match(/^order-\d+$/)).at(-1);
    assert.ok(
      firstA && lastOther && lastOther.at - firstA.at < 1_000,
      'other keys did not wait for the retries',
    );
    assert.equal(
      handled.some((h) => h.key === 'order-A' && h.step === 2),
      false,
      'the update overtook its failing create',
    );

    // The create ends in the dead-letter topic with its headers, after all attempts.
    const dead = await readTopic(kafka, runner.topics.deadLetter, 1);
    const headers = decodeHeaders(dead[0].headers);
    assert.equal(dead[0].key?.toString(), 'order-A');
    assert.equal(headers[HEADER.originalTopic], topic);
    assert.equal(headers[HEADER.originalPartition], '0');
    assert.equal(headers[HEADER.originalOffset], '0');
    assert.equal(headers[HEADER.errorClass], 'Error');
    assert.match(headers[HEADER.errorMessage], /simulated outage for order-A/);
    assert.equal(headers[HEADER.attempt], '4');
    assert.deepEqual(
      handled.filter((h) => h.key === 'order-A' && h.step === 1).map((h) => h.attempt),
      [1, 2, 3, 4],
    );

    // Then the update runs, after the create was dead-lettered.
    await expectEventually(() => assert.ok(handled.some((h) => h.key === 'order-A' && h.step === 2)), {
      timeoutMs: 20_000,
    });
    const retryCopies = await readTopic(kafka, runner.topics.retry, 2);
    assert.deepEqual(
      retryCopies.map((m) => decodeHeaders(m.headers)[HEADER.parkedReason]),
      ['failed', 'key-parked'],
    );
  });

  it('sends a business-rule failure to ops.exceptions at once, without retrying', async () => {
    await producer.send(topic, [
      { key: 'order-B', value: { orderId: 'order-B', step: 1, behaviour: 'reject' } },
    ]);
    const found = await expectEventually(
      async () => {
        const exceptions = await readExceptions(kafka, serde, groupId);
        const match = exceptions.find((e) => e.sourceKey === 'order-B');
        assert.ok(match, 'no ops.exceptions record yet');
        return match;
      },
      { timeoutMs: 20_000, intervalMs: 500 },
    );
    assert.equal(found.kind, 'business');
    assert.equal(found.code, 'UNKNOWN_SKU');
    assert.equal(found.details[0].location, '/lines/0/sku');
    assert.equal(handled.filter((h) => h.key === 'order-B').length, 1);
  });
});

async function readTopic(kafka: Kafka, topic: string, count: number) {
  const consumer = kafka.consumer({ groupId: uniqueName('reader') });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const messages: import('kafkajs').KafkaMessage[] = [];
  await consumer.run({
    eachMessage: ({ message }) => {
      messages.push(message);
      return Promise.resolve();
    },
  });
  try {
    await expectEventually(
      () => assert.ok(messages.length >= count, `${messages.length}/${count} on ${topic}`),
      {
        timeoutMs: 30_000,
      },
    );
    return messages;
  } finally {
    await consumer.disconnect();
  }
}

async function readExceptions(kafka: Kafka, serde: AvroSerde, service: string): Promise<OpsExceptionValue[]> {
  const admin = kafka.admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(TOPICS.opsExceptions);
  await admin.disconnect();
  const total = offsets.reduce((n, p) => n + Number(p.high) - Number(p.low), 0);
  const messages = await readTopic(kafka, TOPICS.opsExceptions, total);
  const values = await Promise.all(messages.map((m) => serde.decode<OpsExceptionValue>(m.value!)));
  return values.map((v) => v.value).filter((v) => v.service === service);
}
