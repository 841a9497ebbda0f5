import type { OpsException } from '@tradewind/contracts';

import type { RecordHeaders } from './headers';

/**
 * What the consumer runner needs from a broker, and nothing more: the kafkajs driver
 * (`KafkaConsumerTransport`) in services and integration tests, `InMemoryTransport` in unit tests.
 */
export interface ConsumerTransport {
  /** Creates `derived` with the partition count of `source` when missing, and waits until they serve. */
  ensureTopics(source: string, derived: readonly string[]): Promise<void>;
  /** Joins `groupId` on `topic`; `onBatch` is called per partition, never twice at once for one partition. */
  subscribe(subscription: TransportSubscription, onBatch: BatchHandler): Promise<TransportConsumer>;
  /** Forwards records as they are (retry and dead-letter copies keep the original bytes). */
  publishRaw(topic: string, records: readonly RawRecord[]): Promise<void>;
  /** Reports a business failure or a dead letter to ops.exceptions. */
  publishException(exception: OpsException, key: string | null, headers: RecordHeaders): Promise<void>;
}

export interface TransportSubscription {
  groupId: string;
  topic: string;
  fromBeginning: boolean;
  /**
   * Where the group starts when it has no committed offsets: the first record at or after this instant
   * (epoch ms) in each partition. Unset: `fromBeginning` decides.
   */
  newGroupStartAt?: number;
  sessionTimeoutMs: number;
  partitionsConsumedConcurrently: number;
}

export type BatchHandler = (batch: TransportBatch) => Promise<void>;

export interface TransportConsumer {
  /** Lets the running batches finish, then leaves the group. */
  stop(): Promise<void>;
}

export interface TransportMessage {
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeaders;
  offset: string;
  timestamp: string;
}

export interface RawRecord {
  key: Buffer | string | null;
  value: Buffer | null;
  headers: RecordHeaders;
}

/** The records fetched from one partition. Records after the committed offset are delivered again. */
export interface TransportBatch {
  topic: string;
  partition: number;
  highWatermark: string;
  messages: readonly TransportMessage[];
  /** False once the consumer stops or the partition is being reassigned: take no new record. */
  isActive(): boolean;
  /** Keeps the group membership alive while slow handlers or waits run. */
  heartbeat(): Promise<void>;
  /** Commits `nextOffset` (the offset of the next record to read). */
  commit(nextOffset: string): Promise<void>;
}

/** Turns a record's value bytes into what the handler receives. */
export interface RecordDecoder<V> {
  /** Throws PoisonRecordError for bytes that can never decode, DependencyUnavailableError when the registry is down. */
  decode(value: Buffer): Promise<V>;
}
