import assert from 'node:assert/strict';
import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { SchemaType } from '@kafkajs/confluent-schema-registry';
import { TOPIC_CATALOG, TOPICS } from '@tradewind/contracts';
import { expectEventually, testStack, uniqueName } from '@tradewind/testing';
import { Pool } from 'pg';

import { AvroSerde } from './avro-serde';
import { createKafka } from './kafka';
import { CRASH_TEST_SCHEMA, type CrashTestEvent } from './test/crash-test.fixture';
import { topicSchemasFrom } from './topic-schemas';
import { TypedProducer } from './typed-producer';

const RECORDS = 3_000;
const KEYS = 30;

describe('a consumer killed with SIGKILL mid-batch and restarted', () => {
  const stack = testStack();
  const topic = uniqueName('it.crash');
  const groupId = uniqueName('crash-group');
  const schema = uniqueName('crash');
  const kafka = createKafka({ brokers: stack.kafkaBrokers, clientId: 'crash-itest' });
  const pool = new Pool({ connectionString: stack.databaseUrl, max: 2 });
  let child: ChildProcess | undefined;

  const startConsumer = async (): Promise<ChildProcess> => {
    const proc = fork(join(__dirname, 'test/inbox-consumer.process.ts'), [topic, groupId, schema], {
      execArgv: ['-r', '@swc-node/register'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    await new Promise<void>((resolve, reject) => {
      proc.once('message', () => resolve());
      proc.once('exit', (code) => reject(new Error(`consumer exited early with ${code}`)));
    });
    return proc;
  };
  const count = async (sql: string): Promise<number> =>
    Number((await pool.query<{ n: string }>(sql)).rows[0].n);

  before(async () => {
    await pool.query(`create schema "${schema}"`);
    await pool.query(
      `create table "${schema}".received (id bigserial primary key, message_id text unique, order_key text, seq int)`,
    );
    await pool.query(`create table "${schema}".handler_calls (n int not null)`);
    await pool.query(`insert into "${schema}".handler_calls values (0)`);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 3 }] });
    await admin.disconnect();
    const serde = new AvroSerde({ registryUrl: stack.registryUrl });
    await serde.registry.register(
      { type: SchemaType.AVRO, schema: JSON.stringify(CRASH_TEST_SCHEMA) },
      { subject: `${topic}-value` },
    );
    const producer = new TypedProducer<Record<string, CrashTestEvent>>({
      kafka,
      serde,
      schemas: topicSchemasFrom({
        [topic]: { subject: `${topic}-value`, valueSchema: CRASH_TEST_SCHEMA },
        [TOPICS.opsExceptions]: TOPIC_CATALOG[TOPICS.opsExceptions],
      }),
      sourceSystem: 'crash-itest',
    });
    await producer.connect();
    await producer.send(
      topic,
      Array.from({ length: RECORDS }, (_, i) => {
        const orderKey = `order-${i % KEYS}`;
        return { key: orderKey, value: { orderKey, seq: Math.floor(i / KEYS) } };
      }),
    );
    await producer.disconnect();
  });

  after(async () => {
    child?.kill('SIGKILL');
    await pool.query(`drop schema if exists "${schema}" cascade`);
    await pool.end();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic, `${topic}.${groupId}.retry`, `${topic}.${groupId}.dlq`] });
    await admin.disconnect();
  });

  it('loses nothing, and the inbox absorbs the redeliveries', async () => {
    child = await startConsumer();
    await expectEventually(
      async () => assert.ok((await count(`select count(*) as n from "${schema}".received`)) >= 600),
      {
        timeoutMs: 60_000,
        intervalMs: 20,
      },
    );
    child.kill('SIGKILL');
    await new Promise((resolve) => child!.once('exit', resolve));
    const beforeRestart = await count(`select count(*) as n from "${schema}".received`);
    assert.ok(beforeRestart < RECORDS, 'the kill landed after everything was processed');

    child = await startConsumer();
    await expectEventually(
      async () => assert.equal(await count(`select count(*) as n from "${schema}".received`), RECORDS),
      { timeoutMs: 120_000, intervalMs: 250 },
    );
    const calls = await count(`select n from "${schema}".handler_calls`);
    const inboxed = await count(`select count(*) as n from "${schema}".inbox_message`);
    assert.equal(inboxed, RECORDS, 'each message marked once in the inbox');
    assert.ok(calls > RECORDS, `expected redeliveries after the kill (handler calls ${calls})`);

    // Per key, the first processing of each record happened in production order.
    const rows = await pool.query<{ order_key: string; seq: number }>(
      `select order_key, seq from "${schema}".received order by id`,
    );
    const lastSeq = new Map<string, number>();
    for (const row of rows.rows) {
      assert.ok(
        (lastSeq.get(row.order_key) ?? -1) < row.seq,
        `order broken for ${row.order_key} at seq ${row.seq}`,
      );
      lastSeq.set(row.order_key, row.seq);
    }

    // SIGTERM: in-flight work finishes and the process leaves cleanly.
    const exited = new Promise<number | null>((resolve) => child!.once('exit', resolve));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
    child = undefined;
  });
});
