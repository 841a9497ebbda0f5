// What the writer's end-to-end tests share: a topic of their own carrying odoo.commands' schema, the
// writer as a real child process (killed and restarted at will), and readers for what it produced.
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

import { type OdooCommand, type OdooResult, TOPIC_CATALOG, TOPICS } from '@tradewind/contracts';
import {
  AvroSerde,
  createKafka,
  type OpsExceptionValue,
  topicSchemasFrom,
  TypedProducer,
} from '@tradewind/messaging';
import { expectEventually, testStack, uniqueName } from '@tradewind/testing';
import type { Kafka } from 'kafkajs';
import { Pool } from 'pg';

const MAIN = join(__dirname, '../main.ts');
const ROOT = join(__dirname, '../../../..');

export interface WriterProcess {
  child: ChildProcess;
  /** Base URL of its HTTP server (metrics, health). */
  url: string;
  logs: Record<string, unknown>[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  metric(name: string, labels?: Record<string, string>): Promise<number | undefined>;
}

export class WriterHarness {
  readonly stack = testStack();
  readonly topic = uniqueName('it.odoo-commands');
  readonly group = uniqueName('odoo-writer-it');
  readonly schema = uniqueName('odoo_writer_it').toLowerCase();
  readonly kafka: Kafka = createKafka({ brokers: this.stack.kafkaBrokers, clientId: 'odoo-writer-it' });
  readonly pool = new Pool({ connectionString: this.stack.databaseUrl, max: 3 });
  private producer: TypedProducer<Record<string, OdooCommand>> | undefined;
  private readonly children: ChildProcess[] = [];

  async setUp(partitions = 3): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    await admin.createTopics({
      waitForLeaders: true,
      topics: [{ topic: this.topic, numPartitions: partitions }],
    });
    await admin.disconnect();
    const serde = new AvroSerde({ registryUrl: this.stack.registryUrl });
    // odoo.commands' registered schema under its own subject: the writer decodes by schema id.
    this.producer = new TypedProducer({
      kafka: this.kafka,
      serde,
      schemas: topicSchemasFrom({ [this.topic]: TOPIC_CATALOG[TOPICS.odooCommands] }),
      sourceSystem: 'odoo-writer-it',
    });
    await this.producer.connect();
  }

  async tearDown(): Promise<void> {
    for (const child of this.children)
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await this.producer?.disconnect();
    const admin = this.kafka.admin();
    await admin.connect();
    const existing = new Set(await admin.listTopics());
    const mine = [this.topic, `${this.topic}.${this.group}.retry`, `${this.topic}.${this.group}.dlq`];
    await admin.deleteTopics({ topics: mine.filter((t) => existing.has(t)) }).catch(() => undefined);
    await admin.disconnect();
    await this.pool.query(`drop schema if exists "${this.schema}" cascade`);
    await this.pool.end();
  }

  /** Sends commands keyed by external id; `messageIds` repeats a message id (a redelivery of the same record). */
  async send(
    commands: OdooCommand[],
    options: { headers?: (command: OdooCommand, index: number) => Record<string, string> } = {},
  ): Promise<void> {
    for (let start = 0; start < commands.length; start += 500) {
      await this.producer!.send(
        this.topic,
        commands.slice(start, start + 500).map((value, index) => ({
          key: value.externalId,
          value,
          headers: options.headers?.(value, start + index),
        })),
      );
    }
  }

  /** Starts the writer (`main.ts`) with the test's topic, group, schema and Odoo, plus `env`. */
  async startWriter(
    odooUrl: string,
    apiKey: string,
    env: Record<string, string> = {},
  ): Promise<WriterProcess> {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', MAIN], {
      cwd: ROOT,
      env: {
        ...process.env,
        NODE_ENV: 'test',
        SERVICE_NAME: this.group,
        DATABASE_URL: this.stack.databaseUrl,
        DATABASE_SCHEMA: this.schema,
        DATABASE_POOL_SIZE: '8',
        KAFKA_BROKERS: this.stack.kafkaBrokers.join(','),
        SCHEMA_REGISTRY_URL: this.stack.registryUrl,
        HTTP_PORT: '0',
        LOG_LEVEL: 'info',
        ODOO_URL: odooUrl,
        ODOO_API_KEY: apiKey,
        ODOO_API_FLAVOR: 'json2',
        ODOO_COMMANDS_TOPIC: this.topic,
        // A killed writer's partitions move to its successor after this (the broker's minimum).
        ODOO_WRITER_SESSION_TIMEOUT: '6s',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.children.push(child);
    const logs: Record<string, unknown>[] = [];
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    const collect = (stream: NodeJS.ReadableStream, echo: NodeJS.WritableStream) =>
      createInterface({ input: stream }).on('line', (line) => {
        try {
          logs.push(JSON.parse(line) as Record<string, unknown>);
        } catch {
          logs.push({ msg: line });
        }
        if (process.env.TW_TEST_ECHO === '1' || /"level":"(error|fatal)"/.test(line))
          echo.write(`[writer] ${line}\n`);
      });
    collect(child.stdout, process.stdout);
    collect(child.stderr, process.stderr);
    let early: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    void exited.then((status) => (early = status));
    const started = await expectEventually(
      () => {
        // A crash injected on purpose may come before the HTTP server listens: that is a start too.
        if (early && logs.some((l) => l.msg === 'fault injection: crashing')) return { url: '' };
        if (early) throw new Error(`writer exited early (${JSON.stringify(early)})`);
        const line = logs.find((l) => l.msg === 'service started');
        if (!line || !logs.some((l) => l.msg === 'consuming Odoo commands'))
          throw new Error('writer not started yet');
        return line;
      },
      { timeoutMs: 60_000, intervalMs: 100, description: 'writer start' },
    ).catch((error: unknown) => {
      if (early)
        throw new Error(`writer exited early (${JSON.stringify(early)}): ${JSON.stringify(logs.slice(-5))}`);
      throw error;
    });
    const url = String(started.url).replace('[::1]', '127.0.0.1');
    return {
      child,
      url,
      logs,
      exited,
      metric: async (name, labels = {}) => {
        const text = await (await fetch(`${url}/metrics`)).text();
        let total: number | undefined;
        for (const line of text.split('\n')) {
          if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
          if (!Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) continue;
          total = (total ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1));
        }
        return total;
      },
    };
  }

  /** Results the writer committed (its outbox, in commit order). */
  async results(): Promise<OdooResult[]> {
    const exists = await this.pool.query(
      `select 1 from pg_tables where schemaname = $1 and tablename = 'outbox_message'`,
      [this.schema],
    );
    if (exists.rowCount === 0) return [];
    const rows = await this.pool.query<{ value: OdooResult }>(
      `select value from "${this.schema}".outbox_message where topic = $1 order by id`,
      [TOPICS.odooResults],
    );
    return rows.rows.map((row) => row.value);
  }

  async ledgerCount(): Promise<number> {
    const exists = await this.pool.query(
      `select 1 from pg_tables where schemaname = $1 and tablename = 'odoo_write_ledger'`,
      [this.schema],
    );
    if (exists.rowCount === 0) return 0;
    return Number(
      (await this.pool.query<{ n: string }>(`select count(*) as n from "${this.schema}".odoo_write_ledger`))
        .rows[0].n,
    );
  }

  /** ops.exceptions records this writer (its consumer group) reported. */
  async opsExceptions(since: Map<number, string>): Promise<OpsExceptionValue[]> {
    const serde = new AvroSerde({ registryUrl: this.stack.registryUrl });
    const consumer = this.kafka.consumer({ groupId: uniqueName('ops-reader') });
    const found: OpsExceptionValue[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic: TOPICS.opsExceptions, fromBeginning: false });
    const admin = this.kafka.admin();
    await admin.connect();
    const high = await admin.fetchTopicOffsets(TOPICS.opsExceptions);
    await admin.disconnect();
    let remaining = high.filter((p) => BigInt(p.high) > BigInt(since.get(p.partition) ?? p.high)).length;
    const done = new Set<number>();
    await new Promise<void>((resolve, reject) => {
      if (remaining === 0) return resolve();
      consumer
        .run({
          eachMessage: async ({ partition, message }) => {
            const { value } = await serde.decode<OpsExceptionValue>(message.value!);
            if (value.service === this.group) found.push(value);
            const end = high.find((p) => p.partition === partition)!.high;
            if (BigInt(message.offset) + 1n >= BigInt(end) && !done.has(partition)) {
              done.add(partition);
              if (--remaining === 0) resolve();
            }
          },
        })
        .catch(reject);
      for (const { partition } of high) {
        const from = since.get(partition);
        if (from !== undefined && BigInt(from) < BigInt(high.find((p) => p.partition === partition)!.high)) {
          consumer.seek({ topic: TOPICS.opsExceptions, partition, offset: from });
        }
      }
    });
    await consumer.disconnect();
    return found;
  }

  /** The current end of ops.exceptions, to read only what comes after. */
  async opsExceptionsEnd(): Promise<Map<number, string>> {
    const admin = this.kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets(TOPICS.opsExceptions);
    await admin.disconnect();
    return new Map(offsets.map((p) => [p.partition, p.high]));
  }

  /** Records in the writer's dead-letter topic. */
  async deadLetterCount(): Promise<number> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const topic = `${this.topic}.${this.group}.dlq`;
      if (!(await admin.listTopics()).includes(topic)) return 0;
      const offsets = await admin.fetchTopicOffsets(topic);
      return offsets.reduce((n, p) => n + Number(p.high) - Number(p.low), 0);
    } finally {
      await admin.disconnect();
    }
  }
}
