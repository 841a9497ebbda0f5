import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import { HEADER } from '@tradewind/contracts';
import { expectEventually, testStack, uniqueName } from '@tradewind/testing';
import { type Admin, type Consumer, Kafka, logLevel } from 'kafkajs';

import { Inbox } from '../inbox/inbox.store';
import { persistenceMigrations } from '../index';
import { decodeJsonValue } from '../json-value.codec';
import { RelayChild } from '../test/relay-child';
import { openTestDatabase, type TestDatabase } from '../test/test-database';
import { CreateTestOrder1767225700000 } from '../test/test-order.migration';
import { withTransaction } from '../transaction';
import { OutboxWriter } from './outbox.writer';

const ROWS = 2_000;
const KEYS = 40;
const BATCH = 100;

function payloadOf(key: string, seq: number): Buffer {
  return createHash('sha256').update(`${key}:${seq}`).digest();
}

void describe('outbox relay as a process, killed and restarted', () => {
  const stack = testStack();
  const kafka = new Kafka({
    clientId: 'persistence-itest',
    brokers: stack.kafkaBrokers,
    logLevel: logLevel.NOTHING,
  });
  const topic = uniqueName('tw_persistence_outbox');
  let db: TestDatabase;
  let admin: Admin;
  let consumer: Consumer | undefined;
  const children: RelayChild[] = [];

  before(async () => {
    db = await openTestDatabase({ migrations: [...persistenceMigrations, CreateTestOrder1767225700000] });
    admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [{ topic, numPartitions: 3, replicationFactor: 1 }],
      waitForLeaders: true,
    });
  });

  after(async () => {
    for (const child of children) await child.kill('SIGKILL');
    await consumer?.disconnect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
    await db.drop();
  });

  function startRelay(extra: Record<string, string> = {}): RelayChild {
    const child = new RelayChild({
      TW_FIXTURE_DATABASE_URL: db.url,
      TW_FIXTURE_SCHEMA: db.schema,
      TW_FIXTURE_BROKERS: stack.kafkaBrokers.join(','),
      TW_FIXTURE_BATCH_SIZE: String(BATCH),
      ...extra,
    });
    children.push(child);
    return child;
  }

  async function publishedRows(): Promise<number> {
    const [{ count }] = await db.dataSource.query<{ count: number }[]>(
      'SELECT count(*)::int AS count FROM outbox_message WHERE published_at IS NOT NULL',
    );
    return count;
  }

  void it('publishes every row at least once, and inbox consumers process each exactly once in key order', async (t) => {
    // 2,000 business changes with their events, in 4 transactions; seq counts per key from 1.
    const writer = new OutboxWriter();
    const requests = Array.from({ length: ROWS }, (_, index) => {
      const key = `order-${index % KEYS}`;
      const seq = Math.floor(index / KEYS) + 1;
      return { topic, key, value: { orderId: key, seq, payload: payloadOf(key, seq) } };
    });
    for (let start = 0; start < ROWS; start += 500) {
      await withTransaction(db.dataSource, (manager) =>
        writer.enqueueAll(manager, requests.slice(start, start + 500)),
      );
    }
    const outboxIds = (
      await db.dataSource.query<{ message_id: string }[]>('SELECT message_id::text FROM outbox_message')
    )
      .map((row) => row.message_id)
      .sort();

    // Run 1 dies right after Kafka acknowledged its third batch, before marking it.
    const run1 = startRelay({ TW_FIXTURE_HANG_AFTER_BATCHES: '3' });
    await run1.waitFor((event) => event.event === 'hanging');
    const unmarkedBatch = run1.events.find((event) => event.event === 'published' && event.batch === 3)!;
    await run1.kill('SIGKILL');
    assert.equal(await publishedRows(), 2 * BATCH, 'the third batch went to Kafka but was never marked');

    // Run 2 starts over at that batch (a re-publish), and is killed mid-run.
    const run2 = startRelay();
    const resumed = await run2.waitFor((event) => event.event === 'published');
    assert.equal(
      resumed.firstId,
      unmarkedBatch.firstId,
      'the restarted relay re-publishes the unmarked batch',
    );
    await run2.waitFor((event) => event.event === 'published' && Number(event.total) >= 6 * BATCH);
    await run2.kill('SIGKILL');
    const markedAfterRun2 = await publishedRows();
    assert.ok(markedAfterRun2 < ROWS, `run 2 was killed mid-run (${markedAfterRun2} marked)`);

    // Run 3 finishes the outbox and stops gracefully.
    const run3Started = Date.now();
    const run3 = startRelay();
    await expectEventually(async () => assert.equal(await publishedRows(), ROWS), {
      timeoutMs: 120_000,
      description: 'every outbox row marked published',
    });
    const run3Finished = Date.now();
    await run3.kill('SIGTERM');
    const stopped = await run3.waitFor((event) => event.event === 'stopped');

    // Consumers dedupe through the inbox; the topic itself holds the duplicates.
    const offsets = await admin.fetchTopicOffsets(topic);
    const inTopic = offsets.reduce(
      (sum, partition) => sum + Number(partition.high) - Number(partition.low),
      0,
    );
    assert.ok(
      inTopic >= ROWS + BATCH,
      `the topic holds the re-published batch as duplicates (${inTopic} records)`,
    );

    const group = uniqueName('tw_persistence_group');
    const inbox = new Inbox();
    const mismatches: string[] = [];
    let consumed = 0;
    let skipped = 0;
    consumer = kafka.consumer({ groupId: group });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message, partition }) => {
        const messageId = message.headers?.[HEADER.messageId]?.toString() ?? '';
        const value = decodeJsonValue(JSON.parse(message.value!.toString())) as {
          orderId: string;
          seq: number;
          payload: Buffer;
        };
        if (!Buffer.isBuffer(value.payload) || !value.payload.equals(payloadOf(value.orderId, value.seq))) {
          mismatches.push(messageId);
        }
        const ran = await inbox.processOnce(db.dataSource, { consumerGroup: group, messageId }, (manager) =>
          manager.query(
            'INSERT INTO received_message (message_id, key, seq, kafka_partition, kafka_offset) VALUES ($1, $2, $3, $4, $5)',
            [messageId, message.key!.toString(), value.seq, partition, message.offset],
          ),
        );
        if (!ran) skipped++;
        consumed++;
      },
    });
    await expectEventually(() => assert.equal(consumed, inTopic), {
      timeoutMs: 120_000,
      description: 'the consumer read the whole topic',
    });

    assert.deepEqual(mismatches, [], 'Buffer payloads survive the outbox and the relay');
    const received = await db.dataSource.query<{ message_id: string }[]>(
      'SELECT message_id FROM received_message',
    );
    assert.equal(received.length, ROWS, 'each message processed exactly once');
    assert.deepEqual(received.map((row) => row.message_id).sort(), outboxIds, 'every outbox message arrived');
    assert.equal(skipped, inTopic - ROWS, 'every duplicate was skipped by the inbox');
    const outOfOrder = await db.dataSource.query<{ key: string }[]>(`
      SELECT key FROM (
        SELECT key, seq, row_number() OVER (PARTITION BY key ORDER BY arrival) AS position FROM received_message
      ) AS ordered WHERE seq <> position`);
    assert.deepEqual(outOfOrder, [], 'per key, messages were processed in enqueue order');

    const rowsRun3 = ROWS - markedAfterRun2;
    t.diagnostic(
      `topic records ${inTopic} for ${ROWS} rows (${inTopic - ROWS} duplicates); run 3 published ${rowsRun3} rows ` +
        `in ${run3Finished - run3Started} ms wall (process start included); relay publish rate ${String(stopped.rowsPerSecond)} rows/s ` +
        `(batch ${BATCH})`,
    );
  });
});
