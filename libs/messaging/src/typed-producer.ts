import { randomUUID } from 'node:crypto';

import { currentCorrelation } from '@tradewind/observability';
import { type Kafka, type Message, Partitioners, type Producer } from 'kafkajs';

import type { AvroSerde } from './avro-serde';
import { HEADER, type RecordHeaders } from './headers';
import { MessagingErrorCode, MessagingException } from './messaging.exception';
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
  metrics?: MessagingMetrics;
}

interface Pending {
  topic: string;
  message: Message;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Typed, idempotent (acks=all, one request in flight) producer. kafkajs sends one request per `send`
 * call and has no linger of its own, so records queue here for `lingerMs` and leave as one
 * `sendBatch`; each caller's promise resolves when the broker has acknowledged its record.
 */
export class TypedProducer<M extends object> {
  private readonly producer: Producer;
  private readonly lingerMs: number;
  private readonly maxBatch: number;
  private readonly metrics: MessagingMetrics;
  private queue: Pending[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private closed = false;

  constructor(private readonly options: TypedProducerOptions) {
    this.producer = options.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
      // The idempotent producer must not give up on a record: callers wait out a broker outage.
      retry: { retries: Number.MAX_SAFE_INTEGER, maxRetryTime: 10_000 },
    });
    this.lingerMs = options.lingerMs ?? 2;
    this.maxBatch = options.maxBatchRecords ?? 1000;
    this.metrics = options.metrics ?? messagingMetrics();
  }

  async connect(): Promise<void> {
    await this.producer.connect();
  }

  /** Encodes and sends; resolves once every record is acknowledged by all in-sync replicas. */
  async send<T extends keyof M & string>(topic: T, records: OutgoingRecord<M[T]>[]): Promise<void> {
    const { subject, schema } = this.options.schemas.valueSchema(topic);
    const messages = await Promise.all(
      records.map(async (record) => ({
        key: record.key,
        value: await this.options.serde.encode(subject, schema, record.value),
        headers: this.headersFor(record.headers),
      })),
    );
    await this.sendRaw(topic, messages);
  }

  /** Sends already-encoded records (retry and dead-letter forwarding keep the original bytes). */
  sendRaw(topic: string, messages: Message[]): Promise<void> {
    if (this.closed) {
      return Promise.reject(
        new MessagingException(MessagingErrorCode.ProducerClosed, `cannot send to ${topic}`),
      );
    }
    const sent = messages.map(
      (message) =>
        new Promise<void>((resolve, reject) => {
          this.queue.push({ topic, message, resolve, reject });
        }),
    );
    this.schedule();
    return Promise.all(sent).then(() => undefined);
  }

  /** Flushes what is queued, then disconnects. */
  async disconnect(): Promise<void> {
    this.closed = true;
    await this.flush();
    await this.producer.disconnect();
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

  private async flushLoop(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      const byTopic = new Map<string, Message[]>();
      for (const item of batch) {
        const list = byTopic.get(item.topic) ?? [];
        list.push(item.message);
        byTopic.set(item.topic, list);
      }
      try {
        await this.producer.sendBatch({
          acks: -1,
          topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
        });
        for (const [topic, messages] of byTopic) {
          this.metrics.produced.inc({ topic }, messages.length);
          this.metrics.produceBatchSize.observe({ topic }, messages.length);
        }
        batch.forEach((item) => item.resolve());
      } catch (error) {
        batch.forEach((item) => item.reject(error));
      }
    }
  }
}
