import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { SchemaType } from '@kafkajs/confluent-schema-registry';
import { expectEventually, testStack, uniqueName } from '@tradewind/testing';
import type { Admin, Kafka } from 'kafkajs';

import { AvroSerde } from './avro-serde';
import { createKafka } from './kafka';
import { MessagingErrorCode, MessagingException, OutcomeUnknownException } from './messaging.exception';
import { topicSchemasFrom } from './topic-schemas';
import { TypedProducer } from './typed-producer';

interface Note {
  id: string;
  text: string;
}

const noteSchema = {
  type: 'record',
  name: 'Note',
  namespace: 'io.tradewind.test',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'text', type: 'string' },
  ],
};

function code(error: unknown): string | undefined {
  return error instanceof MessagingException ? error.code : undefined;
}

describe('TypedProducer against the real broker: sizes, isolation, deadlines, bounds', () => {
  const stack = testStack();
  const normal = uniqueName('it.producer.normal');
  // The broker refuses records over 20,000 bytes here while the producer's own limit is 1 MB:
  // what the broker says when a record slips past the producer's check.
  const strict = uniqueName('it.producer.strict');
  // Created only half-way through a test: until then a request to it stays with the broker (the
  // producer retries UNKNOWN_TOPIC_OR_PARTITION without end), as when the broker is unreachable.
  const stuck = uniqueName('it.producer.stuck');
  const behind = uniqueName('it.producer.behind');
  const topics = [normal, strict, stuck, behind];
  let kafka: Kafka;
  let admin: Admin;
  let serde: AvroSerde;
  const producers: TypedProducer<Record<string, Note>>[] = [];

  function producer(extra: { maxQueuedRecords?: number; unreachableAfterMs?: number } = {}) {
    const p = new TypedProducer<Record<string, Note>>({
      kafka,
      serde,
      schemas: topicSchemasFrom(
        Object.fromEntries(topics.map((t) => [t, { subject: `${t}-value`, valueSchema: noteSchema }])),
      ),
      sourceSystem: 'itest',
      ...extra,
    });
    producers.push(p);
    return p;
  }

  async function count(topic: string): Promise<number> {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, o) => sum + Number(o.high) - Number(o.low), 0);
  }

  before(async () => {
    kafka = createKafka({ brokers: stack.kafkaBrokers, clientId: 'producer-itest' });
    admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        { topic: normal, numPartitions: 2 },
        { topic: strict, numPartitions: 1, configEntries: [{ name: 'max.message.bytes', value: '20000' }] },
        { topic: behind, numPartitions: 1 },
      ],
    });
    serde = new AvroSerde({ registryUrl: stack.registryUrl });
    for (const topic of topics) {
      await serde.registry.register(
        { type: SchemaType.AVRO, schema: JSON.stringify(noteSchema) },
        { subject: `${topic}-value` },
      );
    }
  });

  after(async () => {
    // Lets a request still waiting for the missing topic finish (after a failed test), so disconnect can.
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic: stuck }] }).catch(() => undefined);
    await Promise.all(producers.map((p) => p.disconnect().catch(() => undefined)));
    await admin.deleteTopics({ topics }).catch(() => undefined);
    await admin.disconnect();
  });

  it('refuses a record over its limit before queuing it; the others of the same moment are written', async () => {
    const p = producer();
    await p.connect();
    const before = await count(normal);
    const results = await Promise.allSettled([
      p.send(normal, [{ key: 'a', value: { id: '1', text: 'small' } }]),
      p.send(normal, [{ key: 'b', value: { id: '2', text: 'x'.repeat(1_200_000) } }]),
      p.send(normal, [{ key: 'c', value: { id: '3', text: 'small' } }]),
    ]);
    assert.deepEqual(
      results.map((r) => (r.status === 'fulfilled' ? 'ok' : code(r.reason))),
      ['ok', MessagingErrorCode.RecordTooLarge, 'ok'],
    );
    assert.equal(await count(normal), before + 2);
  });

  it('a record the broker refuses fails only its own caller, and the producer keeps working', async () => {
    const p = producer();
    await p.connect();
    const before = await count(normal);
    // All in one linger window, so kafkajs would carry them in one request.
    const results = await Promise.allSettled([
      p.send(normal, [{ key: 'a', value: { id: '1', text: 'first' } }]),
      p.send(normal, [{ key: 'b', value: { id: '2', text: 'second' } }]),
      p.send(strict, [{ key: 'a', value: { id: '3', text: 'x'.repeat(30_000) } }]),
      p.send(normal, [{ key: 'c', value: { id: '4', text: 'third' } }]),
    ]);
    assert.deepEqual(
      results.map((r) => (r.status === 'fulfilled' ? 'ok' : code(r.reason))),
      ['ok', 'ok', MessagingErrorCode.RecordRefused, 'ok'],
    );
    // The idempotent sequence is intact: later sends go through (before: OUT_OF_ORDER_SEQUENCE_NUMBER).
    await p.send(normal, [{ key: 'a', value: { id: '5', text: 'later' } }]);
    await p.send(strict, [{ key: 'a', value: { id: '6', text: 'small enough' } }]);
    assert.ok((await count(normal)) >= before + 4);
  });

  it('withdraws what was not handed over by the deadline, reports "outcome unknown" for what was, and bounds the queue', async () => {
    const p = producer({ maxQueuedRecords: 2, unreachableAfterMs: 300 });
    await p.connect();
    assert.deepEqual(p.admission(), { accepting: true });
    const withBroker = p.send(stuck, [{ key: 'k', value: { id: 's', text: 'with the broker' } }], {
      deadlineMs: 1_500,
    });
    await expectEventually(() => assert.equal(p.admission().accepting, false), {
      description: 'admission refuses while the broker does not answer',
    });
    assert.deepEqual(p.admission(), { accepting: false, reason: 'broker-unreachable' });
    const queued = [1, 2].map((i) =>
      p.send(behind, [{ key: `q${i}`, value: { id: `q${i}`, text: 'queued' } }], { deadlineMs: 500 }),
    );
    const overflow = p.send(behind, [{ key: 'o', value: { id: 'o', text: 'over the bound' } }]);
    await assert.rejects(overflow, (e) => code(e) === MessagingErrorCode.QueueFull);
    for (const send of queued) {
      await assert.rejects(send, (e) => code(e) === MessagingErrorCode.NotSent);
    }
    const unknown = await withBroker.then(
      () => assert.fail('the stuck record cannot be acknowledged'),
      (error: unknown) => error,
    );
    assert.ok(unknown instanceof OutcomeUnknownException, `got ${String(unknown)}`);

    // The broker recovers: the record that was with it is written and its outcome becomes known.
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic: stuck, numPartitions: 1 }] });
    await unknown.outcome;
    assert.equal(await count(stuck), 1);
    // A marker sent after the withdrawn records arrives alone: they were never written.
    await p.send(behind, [{ key: 'm', value: { id: 'm', text: 'marker' } }]);
    assert.equal(await count(behind), 1);
  });
});
