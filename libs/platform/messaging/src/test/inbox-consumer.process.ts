// Child process for the crash test: a ConsumerRunner whose handler records each message through the
// inbox. Args: topic groupId schema. Counts every handler call, so the test sees redeliveries.
import { setTimeout as sleep } from 'node:timers/promises';

import { TOPIC_CATALOG, TOPICS } from '@tradewind/contracts';
import { configureLogging } from '@tradewind/observability';
import { createDataSource, Inbox, persistenceMigrations } from '@tradewind/persistence';
import { testStack } from '@tradewind/testing';
import { Pool } from 'pg';

import { AvroSerde } from '../avro-serde';
import { ConsumerRunner } from '../consumer-runner';
import { HEADER } from '../headers';
import { createKafka } from '../kafka';
import { PostgresParkedRecordStore } from '../parked-records';
import { topicSchemasFrom } from '../topic-schemas';
import { TypedProducer } from '../typed-producer';
import { CRASH_TEST_SCHEMA, type CrashTestEvent } from './crash-test.fixture';

async function main(): Promise<void> {
  configureLogging({ level: 'warn' });
  const [topic, groupId, schema] = process.argv.slice(2);
  const stack = testStack();
  const dataSource = await createDataSource({
    url: stack.databaseUrl,
    schema,
    applicationName: 'crash-consumer',
    migrations: persistenceMigrations,
  });
  const pool = new Pool({ connectionString: stack.databaseUrl, max: 2 });
  const kafka = createKafka({ brokers: stack.kafkaBrokers, clientId: 'crash-consumer' });
  const serde = new AvroSerde({ registryUrl: stack.registryUrl });
  const schemas = topicSchemasFrom({
    [topic]: { subject: `${topic}-value`, valueSchema: CRASH_TEST_SCHEMA },
    [TOPICS.opsExceptions]: TOPIC_CATALOG[TOPICS.opsExceptions],
  });
  const producer = new TypedProducer({ kafka, serde, schemas, sourceSystem: 'crash-test' });
  await producer.connect();
  const inbox = new Inbox();
  const runner = new ConsumerRunner<CrashTestEvent>({
    kafka,
    serde,
    schemas,
    producer,
    parked: new PostgresParkedRecordStore(pool, schema),
    groupId,
    topic,
    keyConcurrency: 8,
    handler: async (record) => {
      await dataSource.query(`update "${schema}".handler_calls set n = n + 1`);
      await sleep(2); // a batch takes long enough for SIGKILL to land inside it
      await inbox.processOnce(
        dataSource,
        { consumerGroup: groupId, messageId: record.headers[HEADER.messageId] },
        (m) =>
          m.query(`insert into "${schema}".received (message_id, order_key, seq) values ($1, $2, $3)`, [
            record.headers[HEADER.messageId],
            record.key,
            record.value.seq,
          ]),
      );
    },
  });
  await runner.start();
  process.send?.('ready');
  process.once('SIGTERM', () => {
    void runner
      .stop()
      .then(() => producer.disconnect())
      .then(() => Promise.all([dataSource.destroy(), pool.end()]))
      .then(() => process.exit(0));
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
