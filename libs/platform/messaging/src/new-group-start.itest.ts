// KAFKA_NEW_GROUP_START_AT against the real broker: a group starts each partition it has never committed
// at an instant (what came before is not read), and a committed partition where it is.
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

  const produce = async (values: readonly string[], partition?: number): Promise<void> => {
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: values.map((value) => ({ key: value, value, partition })) });
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

  void it('reads only what was produced from the instant on, and a restart re-reads nothing', async () => {
    for (const partition of [0, 1, 2]) await produce([`old-${partition}`], partition);
    await sleep(50);
    const startAt = Date.now();
    await sleep(50);
    await produce(['new-1', 'new-2', 'new-3'], 0);

    const groupId = uniqueName('new-group');
    assert.deepEqual(await consumeAll(groupId, 3, startAt), ['new-1', 'new-2', 'new-3']);

    // Restarted with the same instant: partition 0 goes on from its commit, and partitions 1 and 2, never
    // committed, start at the instant again (not at the topic's beginning, where the old records are).
    await produce(['new-4'], 1);
    assert.deepEqual(await consumeAll(groupId, 1, startAt), ['new-4']);

    // Without the instant, a new group reads the whole topic (the default).
    assert.equal((await consumeAll(uniqueName('whole-topic'), 7)).length, 7);
  });
});
