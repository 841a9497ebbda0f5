/** A message as the relay hands it to the publisher. */
export interface OutboxMessage {
  /** Position in the outbox (bigint as a decimal string): publish order. */
  id: string;
  /** Unique id of the message, also in `headers[HEADER.messageId]`: consumers dedupe on it. */
  messageId: string;
  topic: string;
  /** Kafka key: the partitioning and ordering key. Null for unkeyed topics. */
  key: string | null;
  /** The payload as enqueued, Buffers and Dates restored. */
  value: unknown;
  headers: Record<string, string>;
}

/** A message no resend can deliver (e.g. larger than the broker accepts), already reported by the publisher. */
export interface OutboxUndeliverable {
  /** {@link OutboxMessage.id} */
  id: string;
  reason: string;
}

export interface OutboxPublishResult {
  undeliverable: OutboxUndeliverable[];
}

/**
 * Sends messages to the broker. `publish` resolves only once every message is durably accepted
 * (acks=all), in the given order per key, or is listed as undeliverable (the publisher has reported
 * it, e.g. to ops.exceptions); throwing makes the relay retry the same batch later.
 */
export interface OutboxPublisher {
  publish(messages: OutboxMessage[]): Promise<OutboxPublishResult | void>;
}

export interface OutboxEnqueueRequest<V = unknown> {
  topic: string;
  key?: string | null;
  value: V;
  headers?: Record<string, string>;
  /**
   * A UUID derived from the business change when the id must be deterministic (a second enqueue of
   * the same id fails the transaction); a fresh random UUID otherwise.
   */
  messageId?: string;
}

export interface OutboxEnqueued {
  id: string;
  messageId: string;
}
