import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

import type { OpsException } from '@tradewind/contracts';
import { createLogger, runWithCorrelation } from '@tradewind/observability';
import type { Kafka } from 'kafkajs';

import type { AvroSerde } from './avro-serde';
import {
  DEFAULT_OUTAGE_POLICY,
  DependencyGate,
  type OutagePolicy,
  type UnavailableDependency,
  unavailableDependency,
} from './dependency-gate';
import {
  classifyFailure,
  DEFAULT_RETRY_POLICY,
  FailureRouter,
  type RecordSource,
  type RetryPolicy,
} from './failure-router';
import { HEADER, type RecordHeaders } from './headers';
import { avroDecoder, KafkaConsumerTransport, type RunnerProducer } from './kafka.transport';
import { committableOffset, dispatchByKey } from './key-ordered-dispatch';
import { DependencyUnavailableError, errorMessage, PoisonRecordError } from './messaging.exception';
import { type MessagingMetrics, messagingMetrics } from './metrics';
import type { ParkedRecordStore } from './parked-records';
import type { TopicSchemas } from './topic-schemas';
import type {
  ConsumerTransport,
  RecordDecoder,
  TransportBatch,
  TransportConsumer,
  TransportMessage,
} from './transport';

/** What a handler receives: the decoded value with its Kafka coordinates and headers. */
export interface ConsumedRecord<V> {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: V;
  headers: RecordHeaders;
  timestamp: string;
  /** 1 for the first delivery to the handler, then counts retries (waits for a dependency do not count). */
  attempt: number;
}

export type RecordHandler<V> = (record: ConsumedRecord<V>) => Promise<void>;

/** The value of ops.exceptions, where business-rule failures and dead letters are reported. */
export type OpsExceptionValue = OpsException;

interface RunnerSettings<V> {
  parked: ParkedRecordStore;
  groupId: string;
  topic: string;
  handler: RecordHandler<V>;
  retry?: Partial<RetryPolicy>;
  /** Backoff while a dependency is down (the records wait; none is dead-lettered for it). */
  outage?: Partial<OutagePolicy>;
  /** Keys handled concurrently within one partition's batch. */
  keyConcurrency?: number;
  partitionsConsumedConcurrently?: number;
  fromBeginning?: boolean;
  /** Partitions the group has never committed start at this instant, epoch ms (KAFKA_NEW_GROUP_START_AT). */
  newGroupStartAt?: number;
  sessionTimeoutMs?: number;
  metrics?: MessagingMetrics;
}

/** Services: the kafkajs driver over the service's Kafka client, Avro values from the catalog. */
interface KafkaWiring {
  kafka: Kafka;
  serde: AvroSerde;
  schemas: TopicSchemas;
  /** Publishes retry/dead-letter copies (raw) and ops.exceptions (typed). */
  producer: RunnerProducer;
}

/** Any transport, e.g. InMemoryTransport in unit tests. */
interface TransportWiring<V> {
  transport: ConsumerTransport;
  decoder: RecordDecoder<V>;
}

export type ConsumerRunnerOptions<V> = RunnerSettings<V> & (KafkaWiring | TransportWiring<V>);

/** A runner's view of its dependencies, for readiness. */
export interface ConsumerHealth {
  groupId: string;
  topic: string;
  unavailable: UnavailableDependency[];
}

type Stage = 'main' | 'retry';

/** Concurrency and session settings of a runner that names none. */
export const DEFAULT_CONSUMER_TUNING = {
  keyConcurrency: 16,
  partitionsConcurrently: 3,
  sessionTimeoutMs: 30_000,
} as const;

/** Derived topic names: one retry and one dead-letter topic per consumer group and source topic. */
export function retryTopicOf(topic: string, groupId: string): string {
  return `${topic}.${groupId}.retry`;
}
export function deadLetterTopicOf(topic: string, groupId: string): string {
  return `${topic}.${groupId}.dlq`;
}

/** How one handler run ended. `held`: the consumer stopped (or lost the partition) while a dependency was down. */
type AttemptOutcome = { kind: 'done' } | { kind: 'failed'; error: unknown } | { kind: 'held' };

const HELD = Symbol('held');

/**
 * At-least-once consumer with per-key ordering that survives retries.
 *
 * - Offsets are committed after a batch, up to the first record not yet disposed of.
 * - Records with the same key are handled in order; other keys run concurrently.
 * - A technical failure is retried briefly in process, then the record is *parked*: copied to the
 *   group's retry topic and noted in PostgreSQL. Later records with a parked key are parked behind it
 *   (so they cannot overtake it); records with other keys keep flowing, and the partition moves on.
 * - The retry consumer handles parked records in key order with backoff, then dead-letters them
 *   (`<topic>.<group>.dlq`, with error and origin headers) and reports them to ops.exceptions.
 * - A BusinessRuleError goes to ops.exceptions at once; it is never retried.
 * - A dependency outage (DependencyUnavailableError, PostgreSQL or connection failures) holds the
 *   records where they are and probes with backoff until the dependency is back; no attempt is used up.
 * - stop() finishes in-flight records, commits, and leaves the group.
 *
 * Topic administration and the broker are the transport's; disposing of failed records is the
 * FailureRouter's; the order of records within a batch is dispatchByKey's.
 */
export class ConsumerRunner<V> {
  private readonly log = createLogger('ConsumerRunner');
  private readonly policy: RetryPolicy;
  private readonly metrics: MessagingMetrics;
  private readonly transport: ConsumerTransport;
  private readonly decoder: RecordDecoder<V>;
  private readonly router: FailureRouter;
  private readonly gate: DependencyGate;
  private readonly retryTopic: string;
  private readonly deadLetterTopic: string;
  private readonly consumers: TransportConsumer[] = [];
  private stopping = false;
  private readonly wakeUp = new AbortController();

  constructor(private readonly options: ConsumerRunnerOptions<V>) {
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.metrics = options.metrics ?? messagingMetrics();
    this.retryTopic = retryTopicOf(options.topic, options.groupId);
    this.deadLetterTopic = deadLetterTopicOf(options.topic, options.groupId);
    if ('transport' in options) {
      this.transport = options.transport;
      this.decoder = options.decoder;
    } else {
      this.transport = new KafkaConsumerTransport(options.kafka, options.producer);
      this.decoder = avroDecoder<V>(options.serde, options.schemas, options.topic);
    }
    this.router = new FailureRouter({
      transport: this.transport,
      parked: options.parked,
      groupId: options.groupId,
      topic: options.topic,
      retryTopic: this.retryTopic,
      deadLetterTopic: this.deadLetterTopic,
      policy: this.policy,
      metrics: this.metrics,
    });
    const { groupId, topic } = options;
    this.gate = new DependencyGate(
      { ...DEFAULT_OUTAGE_POLICY, ...options.outage },
      {
        down: (dependency) => {
          this.metrics.dependencyUnavailable.set({ group: groupId, dependency }, 1);
          this.log.warn({ topic, group: groupId, dependency }, 'dependency unavailable; holding records');
        },
        up: (dependency) => {
          this.metrics.dependencyUnavailable.set({ group: groupId, dependency }, 0);
          this.log.info({ topic, group: groupId, dependency }, 'dependency back; records flow again');
        },
      },
    );
  }

  get topics(): { source: string; retry: string; deadLetter: string } {
    return { source: this.options.topic, retry: this.retryTopic, deadLetter: this.deadLetterTopic };
  }

  get health(): ConsumerHealth {
    return { groupId: this.options.groupId, topic: this.options.topic, unavailable: this.gate.unavailable };
  }

  async start(): Promise<void> {
    await this.options.parked.init();
    await this.transport.ensureTopics(this.options.topic, [this.retryTopic, this.deadLetterTopic]);
    await this.startStage('main', this.options.topic, this.options.groupId);
    await this.startStage('retry', this.retryTopic, this.groupOf('retry'));
  }

  /** Graceful: in-flight records finish (retry and outage waits are cut short), offsets are committed, groups left. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wakeUp.abort();
    this.gate.notify();
    await Promise.all(this.consumers.map((consumer) => consumer.stop()));
  }

  private async startStage(stage: Stage, topic: string, groupId: string): Promise<void> {
    const consumer = await this.transport.subscribe(
      {
        groupId,
        topic,
        fromBeginning: this.options.fromBeginning ?? true,
        ...(this.options.newGroupStartAt === undefined
          ? {}
          : { newGroupStartAt: this.options.newGroupStartAt }),
        sessionTimeoutMs: this.options.sessionTimeoutMs ?? DEFAULT_CONSUMER_TUNING.sessionTimeoutMs,
        partitionsConsumedConcurrently:
          this.options.partitionsConsumedConcurrently ?? DEFAULT_CONSUMER_TUNING.partitionsConcurrently,
      },
      (batch) => this.handleBatch(stage, batch),
    );
    this.consumers.push(consumer);
  }

  private async handleBatch(stage: Stage, batch: TransportBatch): Promise<void> {
    if (batch.messages.length === 0) return;
    const active = (): boolean => !this.stopping && batch.isActive();
    const records = batch.messages.map((message) => ({
      message,
      key: message.key ? message.key.toString() : null,
      offset: message.offset,
    }));
    // Heartbeats keep the group membership alive while slow handlers, retry delays or outages run.
    const heartbeat = setInterval(() => void batch.heartbeat().catch(() => undefined), 2_000);
    let completed = new Set<string>();
    try {
      const parkedKeys =
        stage === 'main'
          ? await this.whileAvailable(
              () =>
                this.options.parked.parkedKeys(this.options.groupId, this.options.topic, [
                  ...new Set(records.map((r) => r.key).filter((k): k is string => k !== null)),
                ]),
              active,
            )
          : new Set<string>();
      if (parkedKeys !== HELD) {
        completed = await dispatchByKey(
          records,
          (record) =>
            stage === 'main'
              ? this.handleMain(batch.partition, record.message, record.key, parkedKeys, active)
              : this.handleRetry(batch.partition, record.message, record.key, active),
          {
            concurrency: this.options.keyConcurrency ?? DEFAULT_CONSUMER_TUNING.keyConcurrency,
            shouldContinue: active,
          },
        );
      }
    } finally {
      clearInterval(heartbeat);
    }

    const commit = committableOffset(
      records.map((r) => r.offset),
      completed,
    );
    if (commit !== undefined) await batch.commit(commit);
    const lag = Number(BigInt(batch.highWatermark) - BigInt(commit ?? records[0].offset));
    this.metrics.lag.set(
      { topic: batch.topic, partition: String(batch.partition), group: this.groupOf(stage) },
      lag,
    );
  }

  private groupOf(stage: Stage): string {
    return stage === 'main' ? this.options.groupId : `${this.options.groupId}.retry`;
  }

  // ---- main stage ------------------------------------------------------------------------------

  /** Resolves true when the record was disposed of (done, parked, reported, dead-lettered). */
  private async handleMain(
    partition: number,
    message: TransportMessage,
    key: string | null,
    parkedKeys: Set<string>,
    active: () => boolean,
  ): Promise<boolean> {
    const { topic, groupId } = this.options;
    if (key !== null && parkedKeys.has(key)) {
      return this.disposed(
        await this.whileAvailable(
          () => this.router.park(partition, message, key, 0, 'key-parked', undefined),
          active,
        ),
      );
    }
    const source = { partition, offset: message.offset };
    let attempt = 0;
    for (;;) {
      attempt++;
      const outcome = await this.attempt(message, key, attempt, source, active);
      switch (outcome.kind) {
        case 'done':
          return true;
        case 'held':
          return false;
        case 'failed':
          break;
      }
      if (attempt < this.policy.inProcessAttempts && !this.stopping) {
        this.metrics.retries.inc({ topic, group: groupId });
        await this.pause(50 * 2 ** attempt);
        continue;
      }
      if (key !== null) parkedKeys.add(key); // later records of this key in the batch queue behind it
      return this.disposed(
        await this.whileAvailable(
          () => this.router.park(partition, message, key, attempt, 'failed', outcome.error),
          active,
        ),
      );
    }
  }

  // ---- retry stage -----------------------------------------------------------------------------

  private async handleRetry(
    partition: number,
    message: TransportMessage,
    key: string | null,
    active: () => boolean,
  ): Promise<boolean> {
    const { topic, groupId } = this.options;
    const { headers } = message;
    const source: RecordSource = {
      partition: Number(headers[HEADER.originalPartition] ?? partition),
      offset: headers[HEADER.originalOffset] ?? message.offset,
    };
    const notBefore = Number(headers[HEADER.notBefore] ?? 0);
    let attempt = Number(headers[HEADER.attempt] ?? 0);
    if (notBefore > Date.now()) await this.pause(notBefore - Date.now());
    for (;;) {
      if (this.stopping) return false; // left uncommitted: redelivered after restart
      attempt++;
      const outcome = await this.attempt(message, key, attempt, source, active);
      if (outcome.kind === 'held') return false;
      if (outcome.kind === 'done') break;
      if (attempt >= this.policy.maxAttempts) {
        const failedAttempts = attempt;
        const deadLettered = await this.whileAvailable(
          () => this.router.deadLetter(message, key, source, failedAttempts, outcome.error),
          active,
        );
        if (deadLettered === HELD) return false;
        break;
      }
      this.metrics.retries.inc({ topic, group: groupId });
      await this.pause(this.router.delayFor(attempt));
    }
    return this.disposed(
      await this.whileAvailable(
        () => this.options.parked.release(groupId, topic, source.partition, source.offset),
        active,
      ),
    );
  }

  // ---- one attempt -----------------------------------------------------------------------------

  /** Runs the handler until it gets past every dependency: a dependency failure is no attempt. */
  private async attempt(
    message: TransportMessage,
    key: string | null,
    attempt: number,
    source: RecordSource,
    active: () => boolean,
  ): Promise<AttemptOutcome> {
    const { topic, groupId } = this.options;
    for (;;) {
      const { admitted, probe } = await this.gate.admit(active);
      if (!admitted) return { kind: 'held' };
      const started = process.hrtime.bigint();
      const observe = (outcome: string): void => {
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        this.metrics.handlerDuration.observe({ topic, group: groupId, outcome }, seconds);
        this.metrics.consumed.inc({ topic, group: groupId, outcome });
      };
      let failure: ReturnType<typeof classifyFailure>;
      try {
        await this.runHandler(message, key, attempt, source);
        this.gate.succeeded(probe);
        observe('success');
        return { kind: 'done' };
      } catch (error) {
        failure = classifyFailure(error);
      }
      switch (failure.kind) {
        case 'dependency':
          observe('dependency_unavailable');
          this.metrics.dependencyWaits.inc({ topic, group: groupId, dependency: failure.dependency });
          this.gate.failed(failure.dependency, errorMessage(failure.error), probe);
          continue;
        case 'business': {
          this.gate.succeeded(probe);
          observe('business_error');
          const reported = await this.whileAvailable(
            () => this.router.reportBusiness(failure.error, message, key, source),
            active,
          );
          return reported === HELD ? { kind: 'held' } : { kind: 'done' };
        }
        case 'poison': {
          this.gate.succeeded(probe);
          observe('dead_letter');
          const deadLettered = await this.whileAvailable(
            () => this.router.deadLetter(message, key, source, attempt, failure.error),
            active,
          );
          return deadLettered === HELD ? { kind: 'held' } : { kind: 'done' };
        }
        case 'technical':
          this.gate.succeeded(probe);
          observe('retry');
          this.log.warn(
            {
              topic,
              partition: source.partition,
              offset: source.offset,
              key,
              attempt,
              error: errorMessage(failure.error),
            },
            'handler failed',
          );
          return { kind: 'failed', error: failure.error };
      }
    }
  }

  private async runHandler(
    message: TransportMessage,
    key: string | null,
    attempt: number,
    source: RecordSource,
  ): Promise<void> {
    const { headers } = message;
    if (!message.value)
      throw new PoisonRecordError('record has no value (tombstone) and no handler accepts it');
    const value = await this.decoder.decode(message.value);
    const record: ConsumedRecord<V> = {
      topic: this.options.topic,
      partition: source.partition,
      offset: source.offset,
      key,
      value,
      headers,
      timestamp: message.timestamp,
      attempt,
    };
    const correlationId = headers[HEADER.correlationId] ?? headers[HEADER.messageId] ?? randomUUID();
    await runWithCorrelation(
      {
        correlationId,
        causationId: headers[HEADER.messageId],
        partnerId: headers[HEADER.partnerId],
        sourceSystem: headers[HEADER.sourceSystem],
        traceparent: headers[HEADER.traceparent],
      },
      () => this.options.handler(record),
    );
  }

  /** The runner's own bookkeeping (parked keys, copies) waits out dependency outages like handlers do. */
  private async whileAvailable<T>(work: () => Promise<T>, active: () => boolean): Promise<T | typeof HELD> {
    for (;;) {
      const { admitted, probe } = await this.gate.admit(active);
      if (!admitted) return HELD;
      try {
        const result = await work();
        this.gate.succeeded(probe);
        return result;
      } catch (error) {
        const dependency = unavailableDependency(error);
        if (dependency === undefined) {
          this.gate.succeeded(probe);
          throw error;
        }
        this.gate.failed(dependency, errorMessage(error), probe);
      }
    }
  }

  private disposed(result: unknown): boolean {
    return result !== HELD;
  }

  /** A wait that stop() cuts short. */
  private async pause(ms: number): Promise<void> {
    if (ms <= 0 || this.stopping) return;
    await sleep(ms, undefined, { signal: this.wakeUp.signal }).catch(() => undefined);
  }
}

/**
 * A readiness check (`consumers`) that is down while any runner holds its records for an unavailable
 * dependency, naming the group, the dependency and since when. Shape of @tradewind/observability's
 * ReadinessCheck.
 */
export function consumerReadiness(runners: () => readonly { health: ConsumerHealth }[]): {
  name: string;
  check(): Promise<void>;
} {
  return {
    name: 'consumers',
    check() {
      const held = runners().flatMap(({ health }) =>
        health.unavailable.map(
          (d) =>
            `${health.groupId} waits for ${d.dependency} since ${new Date(d.since).toISOString()} (${d.error})`,
        ),
      );
      if (held.length === 0) return Promise.resolve();
      return Promise.reject(new DependencyUnavailableError('consumers', held.join('; ')));
    },
  };
}
