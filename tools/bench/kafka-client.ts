// kafkajs against @platformatic/kafka behind the messaging seam, in the same process and run (issue 15,
// docs/decisions/0023). Both sides run the platform's own code on the same ops.audit Avro records (the real
// schema, AvroSerde and the registry): TypedProducer (idempotent, acks=all, one request in flight, 2 ms
// linger, batches of ≤ 1,000) and ConsumerRunner (per-key order, manual commits after the handler, retry and
// dead-letter topics). Only the client under them differs: kafkajs through createKafka and the
// KafkaConsumerTransport, or @platformatic/kafka through the two adapters below (a sketch for the benchmark,
// not wired into any service). Prints records/s, produce latency p50/p99 and CPU per record for both, with
// the ratio, and checks that every record arrived and in key order.
// Usage: ./tradewind bench kafka-client [records=20000] [concurrency=64] [rounds=4] [failEvery=0]
// failEvery=N: every Nth record fails its first attempt, so that it (and its key's later records) go through
// the retry topic and the retry stage's consumer: the retry path on both clients (off by default, as it then
// measures the retry delays more than the client).
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

import { SchemaType } from '@kafkajs/confluent-schema-registry';
import {
  Admin as PltAdmin,
  compatibilityPartitioner,
  Consumer as PltConsumer,
  type Message as PltMessage,
  ProduceAcks,
  Producer as PltProducer,
} from '@platformatic/kafka';
import { TOPIC_CATALOG, TOPICS, type TopicValueMap } from '@tradewind/contracts';
import {
  avroDecoder,
  AvroSerde,
  type BatchHandler,
  ConsumerRunner,
  type ConsumerTransport,
  createKafka,
  InMemoryParkedRecordStore,
  type OpsExceptionValue,
  type RawRecord,
  type RecordHeaders,
  type RunnerProducer,
  type TopicSchemas,
  topicSchemasFrom,
  type TransportConsumer,
  type TransportMessage,
  type TransportSubscription,
  TypedProducer,
} from '@tradewind/messaging';
import { configureLogging } from '@tradewind/observability';
import { testStack, uniqueName } from '@tradewind/testing';
import type { Kafka, Message as KafkajsMessage, ProducerBatch } from 'kafkajs';

type Audit = TopicValueMap[typeof TOPICS.opsAudit];
type Client = 'kafkajs' | '@platformatic/kafka';

const RECORDS = Number(process.argv[2] ?? 20_000);
const CONCURRENCY = Number(process.argv[3] ?? 64);
const ROUNDS = Number(process.argv[4] ?? 4);
const FAIL_EVERY = Number(process.argv[5] ?? 0);
// Keys: as many as callers, so that each key's records leave in order (one caller per key, awaited sends).
const KEYS = CONCURRENCY;
const stack = testStack();

// ---- the @platformatic/kafka adapters (what a switch would put behind the seam) ------------------------

const toBuffer = (value: Buffer | string | null | undefined): Buffer | undefined =>
  value === null || value === undefined ? undefined : typeof value === 'string' ? Buffer.from(value) : value;

/**
 * The part of kafkajs's `Kafka` TypedProducer uses (`producer()` → connect, sendBatch, disconnect), over a
 * @platformatic/kafka Producer: idempotent (which forces acks=all and one request in flight per broker),
 * and kafkajs's Java-compatible partitioner (@platformatic's default, `murmur2 >>> 0`, puts many keys on
 * other partitions than kafkajs and Java clients do).
 */
function platformaticKafka(brokers: string[], clientId: string): Kafka {
  const producer = () => {
    const client = new PltProducer({
      clientId,
      bootstrapBrokers: brokers,
      idempotent: true,
      acks: ProduceAcks.ALL,
      partitioner: compatibilityPartitioner,
      autocreateTopics: false,
    });
    return {
      // It connects on the first send (and registers its producer id then).
      connect: () => Promise.resolve(),
      disconnect: () => client.close(),
      sendBatch: async ({ acks, topicMessages }: ProducerBatch) => {
        await client.send({
          acks: acks ?? ProduceAcks.ALL,
          messages: (topicMessages ?? []).flatMap(({ topic, messages }) =>
            messages.map((m: KafkajsMessage) => ({
              topic,
              key: toBuffer(m.key),
              value: toBuffer(m.value),
              headers: new Map(
                Object.entries(m.headers ?? {}).map(([k, v]) => [
                  Buffer.from(k),
                  toBuffer(Array.isArray(v) ? v.at(-1) : v) ?? Buffer.alloc(0),
                ]),
              ),
            })),
          ),
        });
        return [];
      },
    };
  };
  return { producer } as unknown as Kafka;
}

/**
 * ConsumerTransport over @platformatic/kafka's Consumer: one MessagesStream per subscription, split here
 * into per-partition batches (at most `partitionsConsumedConcurrently` at once, never two for one partition),
 * committed by `consumer.commit` with the next offset. Records of a batch past the committed offset are put
 * back at the head of their partition (the stream cannot seek). Not done: `newGroupStartAt` (the admin's
 * offset alteration would serve), error mapping for TypedProducer's record refusals.
 */
class PlatformaticConsumerTransport implements ConsumerTransport {
  constructor(
    private readonly brokers: string[],
    private readonly producer: RunnerProducer,
  ) {}

  async ensureTopics(source: string, derived: readonly string[]): Promise<void> {
    const admin = new PltAdmin({ clientId: 'bench-admin', bootstrapBrokers: this.brokers });
    try {
      const existing = new Set(await admin.listTopics());
      const missing = derived.filter((topic) => !existing.has(topic));
      if (missing.length === 0) return;
      const metadata = await admin.metadata({ topics: [source] });
      const partitions = metadata.topics.get(source)!.partitionsCount;
      await admin.createTopics({ topics: missing, partitions, replicas: 1 });
      for (;;) {
        const ready = await admin.metadata({ topics: missing, forceUpdate: true });
        if (missing.every((t) => ready.topics.get(t)?.partitions.every((p) => p.leader >= 0))) return;
        await sleep(100);
      }
    } finally {
      await admin.close();
    }
  }

  async subscribe(subscription: TransportSubscription, onBatch: BatchHandler): Promise<TransportConsumer> {
    if (subscription.newGroupStartAt !== undefined) throw new Error('newGroupStartAt: not in this sketch');
    const consumer = new PltConsumer({
      clientId: 'bench-consumer',
      bootstrapBrokers: this.brokers,
      groupId: subscription.groupId,
      sessionTimeout: subscription.sessionTimeoutMs,
      heartbeatInterval: 3_000,
      autocommit: false,
    });
    const stream = await consumer.consume({
      topics: [subscription.topic],
      autocommit: false,
      mode: 'committed',
      fallbackMode: subscription.fromBeginning ? 'earliest' : 'latest',
    });
    const buffers = new Map<number, PltMessage[]>();
    // A partition's generation moves on when the group takes it away: its running batch turns inactive.
    const generation = new Map<number, number>();
    const running = new Map<number, Promise<void>>();
    let buffered = 0;
    let stopped = false;
    const HIGH = 5_000;
    const MAX_BATCH = 1_000;

    // After every join the stream fetches again from the committed offsets (messages-stream.js), kept
    // partitions included: what is buffered would come twice, and running batches must stop taking records.
    consumer.on('consumer:group:join', () => {
      for (const partition of new Set([...generation.keys(), ...buffers.keys()])) {
        generation.set(partition, (generation.get(partition) ?? 0) + 1);
      }
      buffers.clear();
      buffered = 0;
      if (stream.isPaused()) stream.resume();
    });

    const pump = (): void => {
      for (const [partition, queue] of buffers) {
        if (stopped || running.size >= subscription.partitionsConsumedConcurrently) return;
        if (running.has(partition) || queue.length === 0) continue;
        const batch = queue.splice(0, MAX_BATCH);
        buffered -= batch.length;
        const started = generation.get(partition) ?? 0;
        let committed: bigint | undefined;
        const leaderEpoch = batch[0].leaderEpoch;
        const run = onBatch({
          topic: subscription.topic,
          partition,
          highWatermark: String(batch.at(-1)!.offset + 1n), // the stream does not hand the fetch's watermark
          messages: batch.map(toTransportMessage),
          isActive: () => !stopped && (generation.get(partition) ?? 0) === started,
          heartbeat: () => Promise.resolve(), // the client heartbeats on its own timer
          commit: async (nextOffset) => {
            committed = BigInt(nextOffset);
            await consumer.commit({
              offsets: [{ topic: subscription.topic, partition, offset: committed, leaderEpoch }],
            });
          },
        })
          .catch((error: unknown) => console.error('batch failed', error))
          .finally(() => {
            // What was not committed comes again (as kafkajs re-fetches from the resolved offset).
            if ((generation.get(partition) ?? 0) === started && !stopped) {
              const again = batch.filter((m) => committed === undefined || m.offset >= committed);
              if (again.length > 0) {
                buffers.set(partition, [...again, ...(buffers.get(partition) ?? [])]);
                buffered += again.length;
              }
            }
            running.delete(partition);
            if (buffered < HIGH / 2 && stream.isPaused()) stream.resume();
            pump();
          });
        running.set(partition, run);
      }
    };

    stream.on('data', (message: PltMessage) => {
      const queue = buffers.get(message.partition) ?? [];
      queue.push(message);
      buffers.set(message.partition, queue);
      generation.set(message.partition, generation.get(message.partition) ?? 0);
      if (++buffered >= HIGH) stream.pause();
      pump();
    });
    stream.on('error', (error: Error) => console.error('platformatic stream error', error));

    return {
      stop: async () => {
        stopped = true;
        await Promise.all(running.values());
        await stream.close();
        await consumer.close();
      },
    };
  }

  publishRaw(topic: string, records: readonly RawRecord[]): Promise<void> {
    return this.producer.sendRaw(
      topic,
      records.map((r) => ({ key: r.key, value: r.value, headers: r.headers })),
    );
  }

  publishException(exception: OpsExceptionValue, key: string | null, headers: RecordHeaders): Promise<void> {
    return this.producer.send(TOPICS.opsExceptions, [{ key, value: exception, headers }]);
  }
}

function toTransportMessage(message: PltMessage): TransportMessage {
  const headers: RecordHeaders = {};
  for (const [name, value] of message.headers) headers[name.toString()] = value.toString();
  return {
    key: message.key ?? null,
    value: message.value ?? null,
    headers,
    offset: message.offset.toString(),
    timestamp: message.timestamp.toString(),
  };
}

// ---- the benchmark ---------------------------------------------------------------------------------------

function auditRecord(i: number): Audit {
  return {
    auditId: randomUUID(),
    occurredAt: Date.now(),
    partnerId: `partner-${i % KEYS}`,
    principal: 'bench',
    action: 'document.submit',
    documentType: 'sales-order',
    trackingId: randomUUID(),
    // The record's index: per key it must arrive in increasing order.
    sizeBytes: i,
    sha256: 'ab'.repeat(32),
    outcome: 'accepted',
    httpStatus: 202,
    policy: 'documents:submit:sales-order',
    reason: null,
    remoteAddress: '127.0.0.1',
    count: 1,
  };
}

interface Figures {
  client: Client;
  producePerSecond: number;
  p50: number;
  p99: number;
  produceCpuUsPerRecord: number;
  /** From the runner's start (group joins included) to the last record. */
  consumePerSecond: number;
  /** From the first record handled to the last (joins excluded). */
  consumeSteadyPerSecond: number;
  consumeCpuUsPerRecord: number;
  outOfOrder: number;
  duplicates: number;
  /** Handler runs past the first attempt (the retry stage's, with failEvery). */
  retried: number;
}

const cpuMs = (since: NodeJS.CpuUsage): number => {
  const { user, system } = process.cpuUsage(since);
  return (user + system) / 1000;
};
const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];

async function runClient(
  client: Client,
  serde: AvroSerde,
  schemas: TopicSchemas,
  topic: string,
  records: Audit[],
): Promise<Figures> {
  const brokers = stack.kafkaBrokers;
  const kafka =
    client === 'kafkajs'
      ? createKafka({ brokers, clientId: 'bench-kafkajs' })
      : platformaticKafka(brokers, 'bench-platformatic');
  const producer = new TypedProducer<Record<string, Audit>>({ kafka, serde, schemas, sourceSystem: 'bench' });
  await producer.connect();
  // One warm-up record (connections, producer id, schema id) outside the figures.
  await producer.send(topic, [{ key: 'warm-up', value: auditRecord(-1) }]);

  const latencies = new Float64Array(records.length);
  let cpu = process.cpuUsage();
  let t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, caller) => {
      for (let i = caller; i < records.length; i += CONCURRENCY) {
        const started = performance.now();
        await producer.send(topic, [{ key: records[i].partnerId, value: records[i] }]);
        latencies[i] = performance.now() - started;
      }
    }),
  );
  const produceMs = performance.now() - t0;
  const produceCpu = cpuMs(cpu);
  const sorted = [...latencies].sort((a, b) => a - b);

  const seen = new Uint8Array(records.length);
  const last = new Map<string, number>();
  let unique = 0;
  let duplicates = 0;
  let outOfOrder = 0;
  let firstAt = 0;
  let retried = 0;
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const settings = {
    parked: new InMemoryParkedRecordStore(),
    groupId: uniqueName(`bench-${client === 'kafkajs' ? 'kjs' : 'plt'}`),
    topic,
    // One in-process attempt: a failed record is parked at once, its retry 50 ms later.
    retry: { inProcessAttempts: 1, delaysMs: [50] },
    handler: ({ key, value, attempt }: { key: string | null; value: Audit; attempt: number }) => {
      if (attempt > 1) retried++;
      if (FAIL_EVERY > 0 && value.sizeBytes % FAIL_EVERY === FAIL_EVERY - 1 && attempt === 1) {
        return Promise.reject(new Error('bench: a technical failure on the first attempt'));
      }
      const index = value.sizeBytes;
      if (index < 0) return Promise.resolve();
      firstAt ||= performance.now();
      if (seen[index]) duplicates++;
      else {
        seen[index] = 1;
        if (++unique === records.length) done();
      }
      if ((last.get(key!) ?? -1) > index) outOfOrder++;
      last.set(key!, index);
      return Promise.resolve();
    },
  };
  const runner =
    client === 'kafkajs'
      ? new ConsumerRunner<Audit>({
          ...settings,
          kafka,
          serde,
          schemas,
          producer: producer as unknown as RunnerProducer,
        })
      : new ConsumerRunner<Audit>({
          ...settings,
          transport: new PlatformaticConsumerTransport(brokers, producer),
          decoder: avroDecoder<Audit>(serde, schemas, topic),
        });
  cpu = process.cpuUsage();
  t0 = performance.now();
  await runner.start();
  await finished;
  const lastAt = performance.now();
  const consumeMs = lastAt - t0;
  const consumeCpu = cpuMs(cpu);
  await runner.stop();
  await producer.disconnect();
  return {
    client,
    producePerSecond: (records.length * 1000) / produceMs,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    produceCpuUsPerRecord: (produceCpu * 1000) / records.length,
    consumePerSecond: (records.length * 1000) / consumeMs,
    consumeSteadyPerSecond: ((records.length - 1) * 1000) / (lastAt - firstAt),
    consumeCpuUsPerRecord: (consumeCpu * 1000) / records.length,
    outOfOrder,
    duplicates,
    retried,
  };
}

async function main(): Promise<void> {
  configureLogging({ level: 'warn' });
  const kafka = createKafka({ brokers: stack.kafkaBrokers, clientId: 'bench-admin' });
  const serde = new AvroSerde({ registryUrl: stack.registryUrl });
  const entry = TOPIC_CATALOG[TOPICS.opsAudit];
  const admin = kafka.admin();
  await admin.connect();
  const created: string[] = [];
  const results: Figures[] = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate which client goes first, so that neither always gets the warmer (or busier) machine.
      const order: Client[] =
        round % 2 === 0 ? ['kafkajs', '@platformatic/kafka'] : ['@platformatic/kafka', 'kafkajs'];
      for (const client of order) {
        const topic = uniqueName('bench.kafka-client');
        await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 6 }] });
        created.push(topic);
        await serde.registry.register(
          { type: SchemaType.AVRO, schema: JSON.stringify(entry.valueSchema) },
          { subject: `${topic}-value` },
        );
        const schemas = topicSchemasFrom({
          [topic]: { subject: `${topic}-value`, valueSchema: entry.valueSchema },
          [TOPICS.opsExceptions]: TOPIC_CATALOG[TOPICS.opsExceptions],
        });
        const records = Array.from({ length: RECORDS }, (_, i) => auditRecord(i));
        const figures = await runClient(client, serde, schemas, topic, records);
        results.push(figures);
        console.log(`round ${round + 1} ${line(figures)}`);
      }
    }
  } finally {
    const existing = new Set(await admin.listTopics());
    const derived = [...existing].filter((t) => created.some((c) => t.startsWith(`${c}.`)));
    await admin.deleteTopics({ topics: [...created, ...derived].filter((t) => existing.has(t)) });
    await admin.disconnect();
  }

  const middle = (values: number[]): number => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted.length % 2 === 1
      ? sorted[(sorted.length - 1) / 2]
      : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
  };
  const of = (client: Client, pick: (f: Figures) => number): number[] =>
    results.filter((f) => f.client === client).map(pick);
  console.log(
    `\nkafka client comparison: ${RECORDS} ops.audit Avro records per run, 6 partitions, ${KEYS} keys, ` +
      `${CONCURRENCY} senders in flight, idempotent, acks=all, linger 2 ms; TypedProducer and ConsumerRunner ` +
      `on both; medians of ${ROUNDS} round(s). The ratio is the median of each round's own ratio (both clients ` +
      `ran back to back in it, so a machine busier in one round than another weighs less).`,
  );
  const rows: [string, (f: Figures) => number, 'higher' | 'lower', number][] = [
    ['produce records/s', (f) => f.producePerSecond, 'higher', 0],
    ['produce p50 ms', (f) => f.p50, 'lower', 1],
    ['produce p99 ms', (f) => f.p99, 'lower', 1],
    ['produce CPU µs/record', (f) => f.produceCpuUsPerRecord, 'lower', 1],
    ['consume records/s', (f) => f.consumePerSecond, 'higher', 0],
    ['  after first record', (f) => f.consumeSteadyPerSecond, 'higher', 0],
    ['consume CPU µs/record', (f) => f.consumeCpuUsPerRecord, 'lower', 1],
  ];
  console.log(
    `${''.padEnd(24)}${'kafkajs'.padStart(12)}${'@platformatic'.padStart(15)}   ratio plt/kafkajs (per-round range)`,
  );
  for (const [name, pick, better, digits] of rows) {
    const a = of('kafkajs', pick);
    const b = of('@platformatic/kafka', pick);
    const ratios = a.map((value, round) => b[round] / value);
    console.log(
      `${name.padEnd(24)}${middle(a).toFixed(digits).padStart(12)}${middle(b).toFixed(digits).padStart(15)}   ` +
        `${middle(ratios).toFixed(2)} (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}; ${better} is better)`,
    );
  }
  const broken = results.filter((f) => f.outOfOrder > 0);
  if (broken.length > 0) throw new Error(`records out of key order: ${broken.map(line).join('; ')}`);
}

function line(f: Figures): string {
  return (
    `${f.client.padEnd(20)} produce ${f.producePerSecond.toFixed(0).padStart(6)}/s p50 ${f.p50.toFixed(1)} ms ` +
    `p99 ${f.p99.toFixed(1)} ms cpu ${f.produceCpuUsPerRecord.toFixed(0)} µs/rec | consume ` +
    `${f.consumePerSecond.toFixed(0).padStart(6)}/s (${f.consumeSteadyPerSecond.toFixed(0)}/s after the first) cpu ${f.consumeCpuUsPerRecord.toFixed(0)} µs/rec | ` +
    `out of order ${f.outOfOrder}, redelivered ${f.duplicates}, retried ${f.retried}`
  );
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
