import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

import type { OpsException } from '@tradewind/contracts';

import type { RecordHeaders } from './headers';
import { PoisonRecordError } from './messaging.exception';
import type {
  BatchHandler,
  ConsumerTransport,
  RawRecord,
  RecordDecoder,
  TransportConsumer,
  TransportMessage,
  TransportSubscription,
} from './transport';

export interface ReportedException {
  exception: OpsException;
  key: string | null;
  headers: RecordHeaders;
}

/**
 * A broker in memory, for unit tests of handlers and of the runner: topics with partitions, consumer
 * groups with committed offsets (uncommitted records are delivered again, as Kafka does after a batch
 * that did not commit them), one member per group. Not durable, not for production traffic.
 */
export class InMemoryTransport implements ConsumerTransport {
  private readonly topics = new Map<string, TransportMessage[][]>();
  private readonly committed = new Map<string, number>();
  private readonly consumers = new Set<InMemoryConsumer>();
  /** What the runner reported to ops.exceptions. */
  readonly exceptions: ReportedException[] = [];
  /** Errors thrown out of a batch handler (the batch is delivered again). */
  readonly batchErrors: unknown[] = [];

  createTopic(topic: string, partitions = 1): void {
    if (!this.topics.has(topic))
      this.topics.set(
        topic,
        Array.from({ length: partitions }, () => []),
      );
  }

  /** Appends a record; the partition is chosen from the key (a stable hash), as Kafka's partitioner does. */
  produce(topic: string, record: RawRecord, partition?: number): void {
    const partitions = this.partitionsOf(topic);
    const chosen =
      partition ??
      (record.key === null
        ? 0
        : createHash('sha1').update(record.key).digest().readUInt32BE(0) % partitions.length);
    const log = partitions[chosen];
    log.push({
      key: record.key === null ? null : Buffer.from(record.key),
      value: record.value,
      headers: { ...record.headers },
      offset: String(log.length),
      timestamp: String(Date.now()),
    });
    for (const consumer of this.consumers) consumer.wake();
  }

  /** Every record of a topic, all partitions, in partition then offset order. */
  messages(topic: string): TransportMessage[] {
    return this.partitionsOf(topic).flat();
  }

  committedOffset(groupId: string, topic: string, partition: number): number {
    return this.committed.get(`${groupId}\u0000${topic}\u0000${partition}`) ?? 0;
  }

  // ---- ConsumerTransport ----------------------------------------------------------------------

  ensureTopics(source: string, derived: readonly string[]): Promise<void> {
    const partitions = this.partitionsOf(source).length;
    for (const topic of derived) this.createTopic(topic, partitions);
    return Promise.resolve();
  }

  subscribe(subscription: TransportSubscription, onBatch: BatchHandler): Promise<TransportConsumer> {
    const consumer = new InMemoryConsumer(this, subscription, onBatch, () => this.consumers.delete(consumer));
    this.consumers.add(consumer);
    consumer.start();
    return Promise.resolve(consumer);
  }

  publishRaw(topic: string, records: readonly RawRecord[]): Promise<void> {
    for (const record of records) this.produce(topic, record);
    return Promise.resolve();
  }

  publishException(exception: OpsException, key: string | null, headers: RecordHeaders): Promise<void> {
    this.exceptions.push({ exception, key, headers });
    return Promise.resolve();
  }

  // ---- for InMemoryConsumer -------------------------------------------------------------------

  partitionsOf(topic: string): TransportMessage[][] {
    const partitions = this.topics.get(topic);
    if (!partitions) throw new Error(`in-memory topic ${topic} does not exist`);
    return partitions;
  }

  commit(groupId: string, topic: string, partition: number, nextOffset: number): void {
    const id = `${groupId}\u0000${topic}\u0000${partition}`;
    this.committed.set(id, Math.max(this.committed.get(id) ?? 0, nextOffset));
  }
}

class InMemoryConsumer implements TransportConsumer {
  private running = true;
  private loops: Promise<void>[] = [];
  private wakers: (() => void)[] = [];

  constructor(
    private readonly broker: InMemoryTransport,
    private readonly subscription: TransportSubscription,
    private readonly onBatch: BatchHandler,
    private readonly onStop: () => void,
  ) {}

  start(): void {
    const { topic } = this.subscription;
    this.loops = this.broker.partitionsOf(topic).map((_, partition) => this.loop(partition));
  }

  wake(): void {
    const wakers = this.wakers;
    this.wakers = [];
    for (const wake of wakers) wake();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await Promise.all(this.loops);
    this.onStop();
  }

  private async loop(partition: number): Promise<void> {
    const { groupId, topic } = this.subscription;
    while (this.running) {
      const log = this.broker.partitionsOf(topic)[partition];
      const from = this.broker.committedOffset(groupId, topic, partition);
      if (from >= log.length) {
        await new Promise<void>((resolve) => this.wakers.push(resolve));
        continue;
      }
      try {
        await this.onBatch({
          topic,
          partition,
          highWatermark: String(log.length),
          messages: log.slice(from),
          isActive: () => this.running,
          heartbeat: () => Promise.resolve(),
          commit: (nextOffset) => {
            this.broker.commit(groupId, topic, partition, Number(nextOffset));
            return Promise.resolve();
          },
        });
      } catch (error) {
        this.broker.batchErrors.push(error);
      }
      // Nothing committed (a record is waiting): deliver again shortly, not in a tight loop.
      if (this.broker.committedOffset(groupId, topic, partition) === from) await sleep(5);
    }
  }
}

/** Values as JSON: the codec of unit tests (bytes that are not JSON are poison, as undecodable Avro is). */
export function jsonDecoder<V>(): RecordDecoder<V> {
  return {
    decode(value) {
      try {
        return Promise.resolve(JSON.parse(value.toString('utf8')) as V);
      } catch (error) {
        return Promise.reject(new PoisonRecordError('value is not JSON', { cause: error }));
      }
    },
  };
}

export function jsonRecord(key: string | null, value: unknown, headers: RecordHeaders = {}): RawRecord {
  return { key, value: Buffer.from(JSON.stringify(value)), headers };
}
