// KAFKA_NEW_GROUP_START_AT against the real broker: a group with no committed offsets starts at an
// instant (what came before is not read); a group that has committed offsets keeps them.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import { expectEventually, testStack, uniqueName } from '@tradewind/testing';
import type { Kafka } from 'kafkajs';

import { createKafka } from './kafka';
import { startNewGroupAt } from './kafka.transport';

void describe('a new consumer group started at an instant', () => {
  const stack = testStack();
  const topic = uniqueName('it.new-group');
  let kafka: Kafka;

  const produce = async (values: readonly string[]): Promise<void> => {
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: values.map((value) => ({ key: value, value })) });
    await producer.disconnect();
  };

  const consumeAll = async (groupId: string, expected: number, startAt?: number): Promise<string[]> => {
    const seen: string[] = [];
    const consumer = kafka.consumer({ groupId });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    if (startAt !== undefined) await startNewGroupAt(kafka, consumer, groupId, topic, startAt);
    await consumer.run({
      eachMessage: ({ message }) => Promise.resolve(void seen.push(String(message.value))),
    });
    try {
      await expectEventually(() => assert.ok(seen.length >= expected, `${seen.length} of ${expected}`));
      await sleep(500); // anything beyond the expected records would arrive with them
      return seen.sort();
    } finally {
      await consumer.disconnect();
    }
  };

  before(async () => {
    kafka = createKafka({ brokers: stack.kafkaBrokers, clientId: 'new-group-itest' });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 3 }] });
    await admin.disconnect();
  });

  after(async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic] });
    await admin.disconnect();
  });

  void it('reads only what was produced from the instant on, and leaves a started group where it is', async () => {
    await produce(['old-1', 'old-2', 'old-3', 'old-4']);
    await sleep(50);
    const startAt = Date.now();
    await sleep(50);
    await produce(['new-1', 'new-2', 'new-3']);

    const groupId = uniqueName('new-group');
    assert.deepEqual(await consumeAll(groupId, 3, startAt), ['new-1', 'new-2', 'new-3']);

    // The group has committed offsets now: an earlier instant changes nothing, so nothing is read again.
    await produce(['new-4']);
    assert.deepEqual(await consumeAll(groupId, 1, 0), ['new-4']);

    // Without the instant, a new group reads the whole topic (the default).
    assert.equal((await consumeAll(uniqueName('whole-topic'), 8)).length, 8);
  });
});
