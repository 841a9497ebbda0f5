import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

import { ExceptionKind, type OpsException, TOPICS } from '@tradewind/contracts';
import { createLogger, runWithCorrelation } from '@tradewind/observability';
import type { Admin, Consumer, EachBatchPayload, Kafka, KafkaMessage, Message } from 'kafkajs';

import type { AvroSerde } from './avro-serde';
import { decodeHeaders, HEADER, type RecordHeaders } from './headers';
import { committableOffset, dispatchByKey } from './key-ordered-dispatch';
import {
  BusinessRuleError,
  errorClass,
  errorMessage,
  MessagingErrorCode,
  MessagingException,
  PoisonRecordError,
} from './messaging.exception';
import { type MessagingMetrics, messagingMetrics } from './metrics';
import type { ParkedRecordStore } from './parked-records';
import type { TopicSchemas } from './topic-schemas';
import type { TypedProducer } from './typed-producer';

/** What a handler receives: the decoded value with its Kafka coordinates and headers. */
export interface ConsumedRecord<V> {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: V;
  headers: RecordHeaders;
  timestamp: string;
  /** 1 for the first delivery to the handler, then counts retries. */
  attempt: number;
}

export type RecordHandler<V> = (record: ConsumedRecord<V>) => Promise<void>;

/** The value of ops.exceptions, where business-rule failures and dead letters are reported. */
export type OpsExceptionValue = OpsException;

export interface RetryPolicy {
  /** Attempts inside the main consumer before the record is parked in the retry topic. */
  inProcessAttempts: number;
  /** Total attempts (all stages) before the record is dead-lettered. */
  maxAttempts: number;
  /** Delay before each retry-topic attempt; the last value repeats. */
  delaysMs: number[];
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  inProcessAttempts: 2,
  maxAttempts: 5,
  delaysMs: [1_000, 5_000, 15_000],
};

export interface ConsumerRunnerOptions<V> {
  kafka: Kafka;
  serde: AvroSerde;
  schemas: TopicSchemas;
  /** Publishes retry/dead-letter copies (raw) and ops.exceptions (typed). */
  producer: TypedProducer<{ [TOPICS.opsExceptions]: OpsExceptionValue }>;
  parked: ParkedRecordStore;
  groupId: string;
  topic: string;
  handler: RecordHandler<V>;
  retry?: Partial<RetryPolicy>;
  /** Keys handled concurrently within one partition's batch. */
  keyConcurrency?: number;
  partitionsConsumedConcurrently?: number;
  fromBeginning?: boolean;
  sessionTimeoutMs?: number;
  metrics?: MessagingMetrics;
}

type Stage = 'main' | 'retry';

/** Derived topic names: one retry and one dead-letter topic per consumer group and source topic. */
export function retryTopicOf(topic: string, groupId: string): string {
  return `${topic}.${groupId}.retry`;
}
export function deadLetterTopicOf(topic: string, groupId: string): string {
  return `${topic}.${groupId}.dlq`;
}

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
 * - stop() finishes in-flight records, commits, and leaves the group.
 */
export class ConsumerRunner<V> {
  private readonly log = createLogger('ConsumerRunner');
  private readonly policy: RetryPolicy;
  private readonly metrics: MessagingMetrics;
  private readonly retryTopic: string;
  private readonly deadLetterTopic: string;
  private readonly consumers: Consumer[] = [];
  private stopping = false;
  private readonly wakeUp = new AbortController();

  constructor(private readonly options: ConsumerRunnerOptions<V>) {
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.metrics = options.metrics ?? messagingMetrics();
    this.retryTopic = retryTopicOf(options.topic, options.groupId);
    this.deadLetterTopic = deadLetterTopicOf(options.topic, options.groupId);
  }

  get topics(): { source: string; retry: string; deadLetter: string } {
    return { source: this.options.topic, retry: this.retryTopic, deadLetter: this.deadLetterTopic };
  }

  async start(): Promise<void> {
    await this.options.parked.init();
    await this.ensureDerivedTopics();
    await this.startStage('main', this.options.topic, this.options.groupId);
    await this.startStage('retry', this.retryTopic, `${this.options.groupId}.retry`);
  }

  /** Graceful: in-flight records finish (retry waits are cut short), offsets are committed, groups left. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wakeUp.abort();
    await Promise.all(this.consumers.map((consumer) => consumer.disconnect()));
  }

  private async ensureDerivedTopics(): Promise<void> {
    const admin: Admin = this.options.kafka.admin();
    await admin.connect();
    try {
      const metadata = await admin.fetchTopicMetadata({ topics: [this.options.topic] });
      const partitions = metadata.topics[0]?.partitions.length ?? 1;
      const derived = [this.retryTopic, this.deadLetterTopic];
      const existing = new Set(await admin.listTopics());
      const missing = derived.filter((topic) => !existing.has(topic));
      if (missing.length > 0) {
        // kafkajs' waitForLeaders asks for metadata before the broker knows the new topic and fails
        // with UNKNOWN_TOPIC_OR_PARTITION: wait ourselves. Another instance may create them meanwhile.
        await admin
          .createTopics({
            waitForLeaders: false,
            topics: missing.map((topic) => ({
              topic,
              numPartitions: partitions,
              configEntries: [{ name: 'retention.ms', value: String(14 * 24 * 3600 * 1000) }],
            })),
          })
          .catch((error: unknown) => {
            if (!/already exists/i.test(errorMessage(error))) throw error;
          });
      }
      await this.waitForLeaders(admin, derived);
    } finally {
      await admin.disconnect();
    }
  }

  private async waitForLeaders(admin: Admin, topics: string[]): Promise<void> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        const { topics: found } = await admin.fetchTopicMetadata({ topics });
        if (found.length === topics.length && found.every((t) => t.partitions.every((p) => p.leader >= 0)))
          return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
      }
      if (Date.now() > deadline) {
        throw new MessagingException(
          MessagingErrorCode.TopicNotReady,
          `no leaders for ${topics.join(', ')} after 30 s`,
        );
      }
      await sleep(200);
    }
  }

  private async startStage(stage: Stage, topic: string, groupId: string): Promise<void> {
    const consumer = this.options.kafka.consumer({
      groupId,
      sessionTimeout: this.options.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: 3_000,
      allowAutoTopicCreation: false,
    });
    this.consumers.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: this.options.fromBeginning ?? true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 3,
      eachBatch: (payload) => this.handleBatch(stage, payload),
    });
  }

  private async handleBatch(stage: Stage, payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    if (batch.messages.length === 0) return;
    const records = batch.messages.map((message) => ({
      message,
      key: message.key ? message.key.toString() : null,
      offset: message.offset,
    }));
    const parkedKeys =
      stage === 'main'
        ? await this.options.parked.parkedKeys(this.options.groupId, this.options.topic, [
            ...new Set(records.map((r) => r.key).filter((k): k is string => k !== null)),
          ])
        : new Set<string>();

    // Heartbeats keep the group membership alive while slow handlers or retry delays run.
    const heartbeat = setInterval(() => void payload.heartbeat().catch(() => undefined), 2_000);
    let completed: Set<string>;
    try {
      completed = await dispatchByKey(
        records,
        (record) =>
          stage === 'main'
            ? this.handleMain(batch.partition, record.message, record.key, parkedKeys)
            : this.handleRetry(batch.partition, record.message, record.key),
        {
          concurrency: this.options.keyConcurrency ?? 16,
          shouldContinue: () => payload.isRunning() && !payload.isStale(),
        },
      );
    } finally {
      clearInterval(heartbeat);
    }

    const commit = committableOffset(
      records.map((r) => r.offset),
      completed,
    );
    if (commit !== undefined) {
      payload.resolveOffset((BigInt(commit) - 1n).toString());
      await payload.commitOffsetsIfNecessary({
        topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: commit }] }],
      });
    }
    const lag = Number(BigInt(batch.highWatermark) - BigInt(commit ?? batch.firstOffset() ?? '0'));
    this.metrics.lag.set(
      { topic: batch.topic, partition: String(batch.partition), group: this.groupOf(stage) },
      lag,
    );
  }

  private groupOf(stage: Stage): string {
    return stage === 'main' ? this.options.groupId : `${this.options.groupId}.retry`;
  }

  // ---- main stage ------------------------------------------------------------------------------

  private async handleMain(
    partition: number,
    message: KafkaMessage,
    key: string | null,
    parkedKeys: Set<string>,
  ): Promise<boolean> {
    const { topic, groupId } = this.options;
    if (key !== null && parkedKeys.has(key)) {
      await this.park(partition, message, key, 0, 'key-parked', undefined);
      return true;
    }
    let attempt = 0;
    for (;;) {
      attempt++;
      const outcome = await this.attempt(partition, message, key, attempt);
      if (outcome.done) return true;
      if (attempt < this.policy.inProcessAttempts && !this.stopping) {
        this.metrics.retries.inc({ topic, group: groupId });
        await this.pause(50 * 2 ** attempt);
        continue;
      }
      if (key !== null) parkedKeys.add(key); // later records of this key in the batch queue behind it
      await this.park(partition, message, key, attempt, 'failed', outcome.error);
      return true;
    }
  }

  private async park(
    partition: number,
    message: KafkaMessage,
    key: string | null,
    attemptsSoFar: number,
    reason: 'failed' | 'key-parked',
    error: unknown,
  ): Promise<void> {
    const { topic, groupId } = this.options;
    // Note the parked record before copying it: a crash in between re-parks on redelivery (idempotent).
    if (key !== null) await this.options.parked.park(groupId, topic, key, partition, message.offset);
    const delay = reason === 'failed' ? this.delayFor(attemptsSoFar) : 0;
    const headers: RecordHeaders = {
      ...decodeHeaders(message.headers),
      [HEADER.attempt]: String(attemptsSoFar),
      [HEADER.notBefore]: String(Date.now() + delay),
      [HEADER.parkedReason]: reason,
      [HEADER.originalTopic]: topic,
      [HEADER.originalPartition]: String(partition),
      [HEADER.originalOffset]: message.offset,
      [HEADER.consumerGroup]: groupId,
    };
    if (error !== undefined) {
      headers[HEADER.errorClass] = errorClass(error);
      headers[HEADER.errorMessage] = errorMessage(error).slice(0, 1000);
    }
    await this.options.producer.sendRaw(this.retryTopic, [
      { key: message.key, value: message.value, headers },
    ]);
    this.metrics.consumed.inc({ topic, group: groupId, outcome: 'parked' });
  }

  // ---- retry stage -----------------------------------------------------------------------------

  private async handleRetry(partition: number, message: KafkaMessage, key: string | null): Promise<boolean> {
    const { topic, groupId } = this.options;
    const headers = decodeHeaders(message.headers);
    const source = {
      partition: Number(headers[HEADER.originalPartition] ?? partition),
      offset: headers[HEADER.originalOffset] ?? message.offset,
    };
    const notBefore = Number(headers[HEADER.notBefore] ?? 0);
    let attempt = Number(headers[HEADER.attempt] ?? 0);
    if (notBefore > Date.now()) await this.pause(notBefore - Date.now());
    for (;;) {
      if (this.stopping) return false; // left uncommitted: redelivered after restart
      attempt++;
      const outcome = await this.attempt(partition, message, key, attempt, source);
      if (outcome.done) break;
      if (attempt >= this.policy.maxAttempts) {
        await this.deadLetter(message, key, source, attempt, outcome.error);
        break;
      }
      this.metrics.retries.inc({ topic, group: groupId });
      await this.pause(this.delayFor(attempt));
    }
    await this.options.parked.release(groupId, topic, source.partition, source.offset);
    return true;
  }

  private async deadLetter(
    message: KafkaMessage,
    key: string | null,
    source: { partition: number; offset: string },
    attempts: number,
    error: unknown,
  ): Promise<void> {
    const { topic, groupId } = this.options;
    const headers: RecordHeaders = {
      ...decodeHeaders(message.headers),
      [HEADER.attempt]: String(attempts),
      [HEADER.originalTopic]: topic,
      [HEADER.originalPartition]: String(source.partition),
      [HEADER.originalOffset]: source.offset,
      [HEADER.consumerGroup]: groupId,
      [HEADER.errorClass]: errorClass(error),
      [HEADER.errorMessage]: errorMessage(error).slice(0, 1000),
      [HEADER.failedAt]: new Date().toISOString(),
    };
    const copy: Message = { key: message.key, value: message.value, headers };
    await this.options.producer.sendRaw(this.deadLetterTopic, [copy]);
    await this.reportException(
      ExceptionKind.DeadLetter,
      errorClass(error),
      errorMessage(error),
      message,
      key,
      source,
      [],
    );
    this.metrics.deadLetters.inc({ topic, group: groupId });
    this.log.warn(
      {
        topic,
        partition: source.partition,
        offset: source.offset,
        key,
        attempts,
        error: errorMessage(error),
      },
      'record dead-lettered',
    );
  }

  // ---- one attempt -----------------------------------------------------------------------------

  /** Runs the handler once. done=false means a technical failure worth retrying. */
  private async attempt(
    partition: number,
    message: KafkaMessage,
    key: string | null,
    attempt: number,
    source: { partition: number; offset: string } = { partition, offset: message.offset },
  ): Promise<{ done: true } | { done: false; error: unknown }> {
    const { topic, groupId } = this.options;
    const headers = decodeHeaders(message.headers);
    const started = process.hrtime.bigint();
    const observe = (outcome: string): void => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      this.metrics.handlerDuration.observe({ topic, group: groupId, outcome }, seconds);
      this.metrics.consumed.inc({ topic, group: groupId, outcome });
    };
    try {
      if (!message.value)
        throw new PoisonRecordError('record has no value (tombstone) and no handler accepts it');
      const { value } = await this.decode(message.value);
      const record: ConsumedRecord<V> = {
        topic,
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
      observe('success');
      return { done: true };
    } catch (error) {
      if (error instanceof BusinessRuleError) {
        observe('business_error');
        await this.reportException(
          ExceptionKind.Business,
          error.code,
          error.message,
          message,
          key,
          source,
          error.details,
        );
        return { done: true };
      }
      if (error instanceof PoisonRecordError) {
        observe('dead_letter');
        await this.deadLetter(message, key, source, attempt, error);
        return { done: true };
      }
      observe('retry');
      this.log.warn(
        { topic, partition, offset: message.offset, key, attempt, error: errorMessage(error) },
        'handler failed',
      );
      return { done: false, error };
    }
  }

  private async decode(value: Buffer): Promise<{ value: V }> {
    const { schema } = this.options.schemas.valueSchema(this.options.topic);
    try {
      return await this.options.serde.decode<V>(value, schema);
    } catch (error) {
      // Bytes that cannot be decoded never will be; an unreachable registry is worth retrying.
      if (error instanceof MessagingException && error.code === MessagingErrorCode.DecodeFailed) {
        throw new PoisonRecordError(error.message, { cause: error });
      }
      throw error;
    }
  }

  private async reportException(
    kind: ExceptionKind,
    code: string,
    message: string,
    record: KafkaMessage,
    key: string | null,
    source: { partition: number; offset: string },
    details: { code: string; message: string; location?: string | null }[],
  ): Promise<void> {
    const headers = decodeHeaders(record.headers);
    await this.options.producer.send(TOPICS.opsExceptions, [
      {
        key,
        value: {
          exceptionId: randomUUID(),
          kind,
          code,
          message: message.slice(0, 4000),
          service: this.options.groupId,
          sourceTopic: this.options.topic,
          sourcePartition: source.partition,
          sourceOffset: source.offset,
          sourceKey: key,
          partnerId: headers[HEADER.partnerId] ?? null,
          correlationId: headers[HEADER.correlationId] ?? null,
          details: details.map((d) => ({ code: d.code, message: d.message, location: d.location ?? null })),
          occurredAt: Date.now(),
        },
        headers: {
          [HEADER.correlationId]: headers[HEADER.correlationId] ?? randomUUID(),
          ...(headers[HEADER.messageId] ? { [HEADER.causationId]: headers[HEADER.messageId] } : {}),
        },
      },
    ]);
  }

  private delayFor(attempt: number): number {
    const { delaysMs } = this.policy;
    return (
      delaysMs[Math.min(Math.max(attempt - this.policy.inProcessAttempts, 0), delaysMs.length - 1)] ?? 1_000
    );
  }

  /** A wait that stop() cuts short. */
  private async pause(ms: number): Promise<void> {
    if (ms <= 0 || this.stopping) return;
    await sleep(ms, undefined, { signal: this.wakeUp.signal }).catch(() => undefined);
  }
}
