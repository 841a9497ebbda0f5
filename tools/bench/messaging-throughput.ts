// Produce and consume throughput of @tradewind/messaging against raw kafkajs on the same Avro records,
// in the same process and run. Prints records/s and ratios. Usage: ./tradewind bench messaging-throughput [records]
import { randomUUID } from 'node:crypto';

import { SchemaType } from '@kafkajs/confluent-schema-registry';
import { HEADER, TOPIC_CATALOG, TOPICS, type TopicValueMap } from '@tradewind/contracts';
import {
  AvroSerde,
  ConsumerRunner,
  createKafka,
  InMemoryParkedRecordStore,
  type RunnerProducer,
  topicSchemasFrom,
  TypedProducer,
} from '@tradewind/messaging';
import { configureLogging } from '@tradewind/observability';
import { testStack, uniqueName } from '@tradewind/testing';
import { type Kafka, logLevel, Partitioners } from 'kafkajs';
import { Kafka as RawKafka } from 'kafkajs';

type Audit = TopicValueMap[typeof TOPICS.opsAudit];
const RECORDS = Number(process.argv[2] ?? 20_000);
const stack = testStack();

function auditRecord(i: number): Audit {
  return {
    auditId: randomUUID(),
    occurredAt: Date.now(),
    partnerId: `partner-${i % 7}`,
    principal: 'bench',
    action: 'document.submit',
    documentType: 'sales-order',
    trackingId: randomUUID(),
    sizeBytes: 1234,
    sha256: 'ab'.repeat(32),
    outcome: 'accepted',
    httpStatus: 202,
    policy: 'documents:submit:sales-order',
    reason: null,
    remoteAddress: '127.0.0.1',
    count: 1,
  };
}

async function createTopic(kafka: Kafka, topic: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 6 }] });
  await admin.disconnect();
}

async function deleteTopics(kafka: Kafka, topics: string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  const existing = new Set(await admin.listTopics());
  await admin.deleteTopics({ topics: topics.filter((t) => existing.has(t)) });
  await admin.disconnect();
}

const rate = (n: number, ms: number) => Math.round((n * 1000) / ms);

async function main(): Promise<void> {
  configureLogging({ level: 'warn' });
  const kafka = createKafka({ brokers: stack.kafkaBrokers, clientId: 'bench' });
  const serde = new AvroSerde({ registryUrl: stack.registryUrl });
  const entry = TOPIC_CATALOG[TOPICS.opsAudit];
  const records = Array.from({ length: RECORDS }, (_, i) => auditRecord(i));
  const rawTopic = uniqueName('bench.raw');
  const libTopic = uniqueName('bench.lib');
  const naiveTopic = uniqueName('bench.naive');
  for (const topic of [rawTopic, libTopic, naiveTopic]) {
    await createTopic(kafka, topic);
    await serde.registry.register(
      { type: SchemaType.AVRO, schema: JSON.stringify(entry.valueSchema) },
      { subject: `${topic}-value` },
    );
  }
  const schemas = topicSchemasFrom({
    [rawTopic]: { subject: `${rawTopic}-value`, valueSchema: entry.valueSchema },
    [libTopic]: { subject: `${libTopic}-value`, valueSchema: entry.valueSchema },
    [naiveTopic]: { subject: `${naiveTopic}-value`, valueSchema: entry.valueSchema },
    [TOPICS.opsExceptions]: TOPIC_CATALOG[TOPICS.opsExceptions],
  });

  // Raw kafkajs baseline: same Avro encoding, idempotent producer, hand-batched sends of 500.
  const raw = new RawKafka({ brokers: stack.kafkaBrokers, clientId: 'bench-raw', logLevel: logLevel.ERROR });
  const rawProducer = raw.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await rawProducer.connect();
  const subject = `${rawTopic}-value`;
  let t0 = Date.now();
  for (let i = 0; i < records.length; i += 500) {
    const chunk = records.slice(i, i + 500);
    const messages = await Promise.all(
      chunk.map(async (value) => ({
        key: value.partnerId,
        value: await serde.encode(subject, entry.valueSchema, value),
        headers: { [HEADER.messageId]: randomUUID(), [HEADER.correlationId]: randomUUID() },
      })),
    );
    await rawProducer.send({ topic: rawTopic, acks: -1, messages });
  }
  const rawProduceMs = Date.now() - t0;

  // Raw kafkajs, one awaited send per record (the naive pattern) on a slice, for the ~2k/s cap.
  const naiveCount = Math.min(2_000, RECORDS);
  t0 = Date.now();
  for (const value of records.slice(0, naiveCount)) {
    await rawProducer.send({
      topic: naiveTopic,
      acks: -1,
      messages: [
        { key: value.partnerId, value: await serde.encode(`${naiveTopic}-value`, entry.valueSchema, value) },
      ],
    });
  }
  const naiveMs = Date.now() - t0;
  await rawProducer.disconnect();

  // The library: one send() per record, as services call it; linger batching does the rest.
  const producer = new TypedProducer<Record<string, Audit>>({ kafka, serde, schemas, sourceSystem: 'bench' });
  await producer.connect();
  t0 = Date.now();
  await Promise.all(records.map((value) => producer.send(libTopic, [{ key: value.partnerId, value }])));
  const libProduceMs = Date.now() - t0;

  // Consume: raw kafkajs eachBatch + decode, against ConsumerRunner with a no-op handler.
  const rawConsumer = raw.consumer({ groupId: uniqueName('bench-raw') });
  await rawConsumer.connect();
  await rawConsumer.subscribe({ topic: rawTopic, fromBeginning: true });
  let rawSeen = 0;
  let rawConsumeMs = 0;
  t0 = Date.now();
  await new Promise<void>((resolve) => {
    void rawConsumer.run({
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) {
          await serde.decode(message.value!, entry.valueSchema);
          rawSeen++;
        }
        if (rawSeen >= RECORDS) {
          rawConsumeMs = Date.now() - t0;
          resolve();
        }
      },
    });
  });
  await rawConsumer.disconnect();

  let libSeen = 0;
  let libConsumeMs = 0;
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const runner = new ConsumerRunner<Audit>({
    kafka,
    serde,
    schemas,
    producer: producer as unknown as RunnerProducer,
    parked: new InMemoryParkedRecordStore(),
    groupId: uniqueName('bench-lib'),
    topic: libTopic,
    handler: () => {
      if (++libSeen === RECORDS) {
        libConsumeMs = Date.now() - t0;
        done();
      }
      return Promise.resolve();
    },
  });
  t0 = Date.now();
  await runner.start();
  await finished;
  await runner.stop();
  await producer.disconnect();
  await deleteTopics(kafka, [rawTopic, libTopic, naiveTopic, runner.topics.retry, runner.topics.deadLetter]);

  const rows = [
    ['produce', 'raw kafkajs, batches of 500', rate(RECORDS, rawProduceMs)],
    ['produce', 'raw kafkajs, one awaited send per record', rate(naiveCount, naiveMs)],
    ['produce', '@tradewind/messaging TypedProducer, one send() per record', rate(RECORDS, libProduceMs)],
    ['consume', 'raw kafkajs eachBatch + decode', rate(RECORDS, rawConsumeMs)],
    [
      'consume',
      '@tradewind/messaging ConsumerRunner (key-ordered, manual commits)',
      rate(RECORDS, libConsumeMs),
    ],
  ] as const;
  console.log(
    `\nmessaging throughput, ${RECORDS} ops.audit Avro records, 6 partitions, acks=all, idempotent`,
  );
  for (const [kind, what, perSecond] of rows)
    console.log(`${kind.padEnd(8)} ${String(perSecond).padStart(8)} records/s  ${what}`);
  console.log(
    `ratio produce  library / raw batched: ${(rate(RECORDS, libProduceMs) / rate(RECORDS, rawProduceMs)).toFixed(2)}`,
  );
  console.log(
    `ratio consume  library / raw:         ${(rate(RECORDS, libConsumeMs) / rate(RECORDS, rawConsumeMs)).toFixed(2)}`,
  );
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
