import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

import { createLogger, currentCorrelation } from '@tradewind/observability';
import { type Kafka, type Message, Partitioners, type Producer } from 'kafkajs';

import type { AvroSerde } from './avro-serde';
import { HEADER, type RecordHeaders } from './headers';
import { whileKafkaIsTransient } from './kafka';
import { MessagingErrorCode, MessagingException, OutcomeUnknownException } from './messaging.exception';
import { type MessagingMetrics, messagingMetrics } from './metrics';
import type { TopicSchemas } from './topic-schemas';

export interface OutgoingRecord<V> {
  key: string | null;
  value: V;
  /** Extra headers; the standard ones come from the current correlation context. */
  headers?: RecordHeaders;
}

export interface TypedProducerOptions {
  kafka: Kafka;
  serde: AvroSerde;
  schemas: TopicSchemas;
  /** Written into `source-system` when the context has none. */
  sourceSystem: string;
  /** How long a record may wait for others to share its produce request. */
  lingerMs?: number;
  maxBatchRecords?: number;
  /**
   * Largest encoded record, and largest produce request: below the broker's `message.max.bytes`
   * (1,048,588 by default), which applies to a partition's whole record batch. Default 1,000,000.
   */
  maxRecordBytes?: number;
  /** Bound of what waits for the broker (memory); past it a send is refused with QUEUE_FULL. */
  maxQueuedRecords?: number;
  maxQueuedBytes?: number;
  /** A produce request unanswered this long means the broker is unreachable (see {@link admission}). */
  unreachableAfterMs?: number;
  metrics?: MessagingMetrics;
}

export interface SendOptions {
  /**
   * Milliseconds the caller waits. Records not yet handed to the broker by then are withdrawn and the
   * send rejects with NOT_SENT; if some were with the broker it rejects with OutcomeUnknownException.
   */
  deadlineMs?: number;
}

export type ProducerAdmission =
  { accepting: true } | { accepting: false; reason: 'closed' | 'queue-full' | 'broker-unreachable' };

interface Pending {
  topic: string;
  message: Message;
  size: number;
  /** Queued, or with the broker (in a produce request), or answered. */
  state: 'queued' | 'in-flight' | 'settled';
  /** Was part of a produce request once: never withdrawn, its outcome may be "written". */
  handedOver: boolean;
  /** Goes alone in its own request (after a failed request, to isolate the record at fault). */
  alone: boolean;
  done: Promise<void>;
  resolve: () => void;
  reject: (error: unknown) => void;
}

// Record framing (length, attributes, deltas, varints) and record-batch header, rounded up.
const RECORD_OVERHEAD_BYTES = 24;
const HEADER_OVERHEAD_BYTES = 10;
const BATCH_OVERHEAD_BYTES = 80;
// kafkajs error types that mean the broker refused the record itself, whatever the producer's state.
const RECORD_REFUSALS = new Set([
  'MESSAGE_TOO_LARGE',
  'RECORD_LIST_TOO_LARGE',
  'INVALID_RECORD',
  'CORRUPT_MESSAGE',
  'INVALID_TIMESTAMP',
]);

/**
 * Typed, idempotent (acks=all, one request in flight) producer. kafkajs sends one request per `send`
 * call and has no linger of its own, so records queue here for `lingerMs` and leave as one
 * `sendBatch`; each caller's promise resolves when the broker has acknowledged its record.
 *
 * What it promises beyond kafkajs:
 * - a record's encoded size is known before it is queued; one that cannot fit is refused at once, and
 *   a produce request never exceeds `maxRecordBytes`;
 * - the queue is bounded (refused with QUEUE_FULL), and {@link admission} tells callers to refuse work
 *   early when it is full or the broker does not answer;
 * - a failed request does not wedge the producer: kafkajs leaves the idempotent sequence numbers of a
 *   partly written request out of step (every later send fails with OUT_OF_ORDER_SEQUENCE_NUMBER), so
 *   the kafkajs producer is replaced by a fresh one (new producer id), and the request's records are
 *   sent again one per request: only a record the broker refuses on its own fails, and only its caller.
 *   A record written by the failed request is written again (same `message-id`: the inbox dedupes);
 * - a send may carry a deadline (see {@link SendOptions}).
 */
export class TypedProducer<M extends object> {
  private producer: Producer;
  private readonly lingerMs: number;
  private readonly maxBatch: number;
  private readonly maxRecordBytes: number;
  private readonly maxQueuedRecords: number;
  private readonly maxQueuedBytes: number;
  private readonly unreachableAfterMs: number;
  private readonly metrics: MessagingMetrics;
  private readonly log = createLogger(TypedProducer.name);
  private queue: Pending[] = [];
  private queuedBytes = 0;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  /** When the oldest unanswered (or failed and not yet resent) produce request started. */
  private waitingSince: number | undefined;
  private failures = 0;
  private closed = false;

  constructor(private readonly options: TypedProducerOptions) {
    this.producer = this.createProducer();
    this.lingerMs = options.lingerMs ?? 2;
    this.maxBatch = options.maxBatchRecords ?? 1000;
    this.maxRecordBytes = options.maxRecordBytes ?? 1_000_000;
    this.maxQueuedRecords = options.maxQueuedRecords ?? 20_000;
    this.maxQueuedBytes = options.maxQueuedBytes ?? 64 * 1024 * 1024;
    this.unreachableAfterMs = options.unreachableAfterMs ?? 5_000;
    this.metrics = options.metrics ?? messagingMetrics();
  }

  async connect(): Promise<void> {
    await whileKafkaIsTransient(() => this.producer.connect());
  }

  /** Largest encoded record this producer hands to the broker (callers size their payloads by it). */
  get recordLimitBytes(): number {
    return this.maxRecordBytes - BATCH_OVERHEAD_BYTES;
  }

  /** Whether a new send can be expected to reach the broker soon: refuse work early when not. */
  admission(): ProducerAdmission {
    if (this.closed) return { accepting: false, reason: 'closed' };
    if (this.queue.length >= this.maxQueuedRecords || this.queuedBytes >= this.maxQueuedBytes) {
      return { accepting: false, reason: 'queue-full' };
    }
    if (this.waitingSince !== undefined && Date.now() - this.waitingSince > this.unreachableAfterMs) {
      return { accepting: false, reason: 'broker-unreachable' };
    }
    return { accepting: true };
  }

  /** Encodes and sends; resolves once every record is acknowledged by all in-sync replicas. */
  async send<T extends keyof M & string>(
    topic: T,
    records: OutgoingRecord<M[T]>[],
    options: SendOptions = {},
  ): Promise<void> {
    const { subject, schema } = this.options.schemas.valueSchema(topic);
    const messages = await Promise.all(
      records.map(async (record) => ({
        key: record.key,
        value: await this.options.serde.encode(subject, schema, record.value),
        headers: this.headersFor(record.headers),
      })),
    );
    await this.sendRaw(topic, messages, options);
  }

  /** Sends already-encoded records (retry and dead-letter forwarding keep the original bytes). */
  sendRaw(topic: string, messages: Message[], options: SendOptions = {}): Promise<void> {
    if (this.closed) {
      return Promise.reject(
        new MessagingException(MessagingErrorCode.ProducerClosed, `cannot send to ${topic}`),
      );
    }
    const sizes = messages.map(encodedSize);
    const largest = Math.max(0, ...sizes);
    if (largest > this.recordLimitBytes) {
      return Promise.reject(
        new MessagingException(
          MessagingErrorCode.RecordTooLarge,
          `a record for ${topic} is ${largest} bytes encoded; at most ${this.recordLimitBytes} fit the broker's limit`,
        ),
      );
    }
    const bytes = sizes.reduce((sum, size) => sum + size, 0);
    if (
      this.queue.length + messages.length > this.maxQueuedRecords ||
      this.queuedBytes + bytes > this.maxQueuedBytes
    ) {
      return Promise.reject(
        new MessagingException(
          MessagingErrorCode.QueueFull,
          `the producer queue holds ${this.queue.length} records (${this.queuedBytes} bytes): ${topic} refused`,
        ),
      );
    }
    const items = messages.map((message, i) => pending(topic, message, sizes[i]));
    this.queue.push(...items);
    this.queuedBytes += bytes;
    this.schedule();
    const all = Promise.all(items.map((item) => item.done)).then(() => undefined);
    if (options.deadlineMs === undefined) return all;
    return this.withDeadline(topic, items, all, options.deadlineMs);
  }

  /** Flushes what is queued, then disconnects. */
  async disconnect(): Promise<void> {
    this.closed = true;
    await this.flush();
    await this.producer.disconnect();
  }

  private withDeadline(topic: string, items: Pending[], all: Promise<void>, deadlineMs: number) {
    all.catch(() => undefined); // the deadline branch may be the one the caller sees
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        const withdrawn = this.withdraw(items);
        if (withdrawn === items.length) {
          reject(
            new MessagingException(
              MessagingErrorCode.NotSent,
              `${withdrawn} record(s) for ${topic} were not handed to the broker within ${deadlineMs} ms; withdrawn`,
            ),
          );
        } else {
          reject(
            new OutcomeUnknownException(
              `${items.length - withdrawn} record(s) for ${topic} were with the broker at the ${deadlineMs} ms deadline`,
              all,
            ),
          );
        }
      }, deadlineMs);
      all.then(resolve, reject).finally(() => clearTimeout(timer));
    });
  }

  /** Takes this send's never-sent records out of the queue; returns how many. */
  private withdraw(items: Pending[]): number {
    const withdrawable = new Set(items.filter((item) => item.state === 'queued' && !item.handedOver));
    if (withdrawable.size === 0) return 0;
    this.queue = this.queue.filter((item) => !withdrawable.has(item));
    for (const item of withdrawable) {
      this.queuedBytes -= item.size;
      item.state = 'settled';
      item.reject(new MessagingException(MessagingErrorCode.NotSent, `withdrawn from ${item.topic}`));
    }
    return withdrawable.size;
  }

  private headersFor(extra: RecordHeaders | undefined): RecordHeaders {
    const context = currentCorrelation();
    const messageId = randomUUID();
    const headers: RecordHeaders = {
      [HEADER.messageId]: messageId,
      [HEADER.correlationId]: context?.correlationId ?? messageId,
      [HEADER.sourceSystem]: context?.sourceSystem ?? this.options.sourceSystem,
    };
    if (context?.causationId) headers[HEADER.causationId] = context.causationId;
    if (context?.partnerId) headers[HEADER.partnerId] = context.partnerId;
    if (context?.traceparent) headers[HEADER.traceparent] = context.traceparent;
    return { ...headers, ...extra };
  }

  private createProducer(): Producer {
    return this.options.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
      // Retriable errors (an unreachable broker) are waited out; callers bound their wait by a deadline.
      retry: { retries: Number.MAX_SAFE_INTEGER, maxRetryTime: 10_000 },
    });
  }

  private schedule(): void {
    if (this.flushing) return; // the running flush loop picks new records up
    if (this.queue.length >= this.maxBatch) {
      void this.flush();
    } else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.lingerMs);
    }
  }

  private flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (!this.flushing) {
      this.flushing = this.flushLoop().finally(() => {
        this.flushing = undefined;
        if (this.queue.length > 0) this.schedule();
      });
    }
    return this.flushing;
  }

  /** The next produce request: up to maxBatch records and maxRecordBytes, or one record alone. */
  private takeBatch(): Pending[] {
    const batch: Pending[] = [];
    let bytes = BATCH_OVERHEAD_BYTES;
    while (this.queue.length > 0 && batch.length < this.maxBatch) {
      const next = this.queue[0];
      if (batch.length > 0 && (next.alone || bytes + next.size > this.maxRecordBytes)) break;
      batch.push(this.queue.shift()!);
      this.queuedBytes -= next.size;
      bytes += next.size;
      if (next.alone) break;
    }
    return batch;
  }

  private async flushLoop(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.takeBatch();
      const byTopic = new Map<string, Message[]>();
      for (const item of batch) {
        item.state = 'in-flight';
        item.handedOver = true;
        const list = byTopic.get(item.topic) ?? [];
        list.push(item.message);
        byTopic.set(item.topic, list);
      }
      this.waitingSince ??= Date.now();
      try {
        await this.producer.sendBatch({
          acks: -1,
          topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
        });
        this.failures = 0;
        this.waitingSince = undefined;
        for (const [topic, messages] of byTopic) {
          this.metrics.produced.inc({ topic }, messages.length);
          this.metrics.produceBatchSize.observe({ topic }, messages.length);
        }
        for (const item of batch) settle(item);
      } catch (error) {
        await this.recover(batch, error);
      }
    }
  }

  /** After a failed request: a fresh kafkajs producer, then the request's records again, one by one. */
  private async recover(batch: Pending[], error: unknown): Promise<void> {
    this.failures++;
    this.log.warn(
      { err: error, records: batch.length, failures: this.failures },
      'produce request failed; replacing the producer and resending its records one per request',
    );
    const refused = batch.length === 1 && isRecordRefusal(error);
    if (refused) {
      this.waitingSince = undefined; // the broker answered
      settle(
        batch[0],
        new MessagingException(
          MessagingErrorCode.RecordRefused,
          `the broker refused a record for ${batch[0].topic}`,
          { cause: error },
        ),
      );
    } else {
      for (const item of batch) {
        item.state = 'queued';
        item.alone = true;
      }
      this.queue.unshift(...batch);
      this.queuedBytes += batch.reduce((sum, item) => sum + item.size, 0);
    }
    await this.replaceProducer();
    if (!refused) await sleep(Math.min(5_000, 100 * 2 ** Math.min(this.failures - 1, 6)));
  }

  private async replaceProducer(): Promise<void> {
    const old = this.producer;
    this.producer = this.createProducer();
    await old.disconnect().catch(() => undefined);
    for (let attempt = 1; ; attempt++) {
      try {
        await this.producer.connect();
        return;
      } catch (error) {
        this.log.warn({ err: error, attempt }, 'could not connect the replacement producer; retrying');
        await sleep(Math.min(5_000, 200 * attempt));
      }
    }
  }
}

function pending(topic: string, message: Message, size: number): Pending {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const done = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  done.catch(() => undefined); // observed through the send's own promise
  return { topic, message, size, state: 'queued', handedOver: false, alone: false, done, resolve, reject };
}

function settle(item: Pending, error?: unknown): void {
  if (item.state === 'settled') return;
  item.state = 'settled';
  if (error === undefined) item.resolve();
  else item.reject(error);
}

function byteLength(value: Message['key'] | Message['value']): number {
  if (value === null || value === undefined) return 0;
  return typeof value === 'string' ? Buffer.byteLength(value) : value.length;
}

/** The record's size on the wire (uncompressed), close enough to compare with the broker's limit. */
function encodedSize(message: Message): number {
  let size = RECORD_OVERHEAD_BYTES + byteLength(message.key) + byteLength(message.value);
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    const values = Array.isArray(value) ? value : [value];
    for (const v of values) {
      size += HEADER_OVERHEAD_BYTES + Buffer.byteLength(name) + byteLength(v);
    }
  }
  return size;
}

function isRecordRefusal(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    const type = (e as { type?: unknown }).type;
    if (typeof type === 'string' && RECORD_REFUSALS.has(type)) return true;
  }
  return false;
}
