import { randomUUID } from 'node:crypto';

import { ExceptionKind, TOPICS, type TopicValueMap } from '@tradewind/contracts';
import { errorClass, errorMessage, HEADER, isUndeliverable, type TypedProducer } from '@tradewind/messaging';
import type {
  OutboxMessage,
  OutboxPublisher,
  OutboxPublishResult,
  OutboxUndeliverable,
} from '@tradewind/persistence';

/**
 * The outbox relay's publisher: each row through the typed (Avro) producer. A row that can never be
 * sent (over the broker's limit, refused by the broker on its own, not valid for its schema) is
 * reported to ops.exceptions and handed back as undeliverable, so the relay marks it and moves on;
 * any other failure throws and the relay retries the batch.
 */
export class KafkaOutboxPublisher implements OutboxPublisher {
  constructor(
    private readonly producer: TypedProducer<TopicValueMap>,
    private readonly source: { service: string; schema: string },
  ) {}

  async publish(messages: OutboxMessage[]): Promise<OutboxPublishResult> {
    // One send per message, all in flight together: the producer's linger batches them and keeps order.
    const results = await Promise.allSettled(
      messages.map((message) =>
        this.producer.send(message.topic as keyof TopicValueMap, [
          { key: message.key, value: message.value as never, headers: message.headers },
        ]),
      ),
    );
    const failed = results.flatMap((result, i) =>
      result.status === 'rejected' ? [{ message: messages[i], error: result.reason as unknown }] : [],
    );
    const retriable = failed.find(({ error }) => !isUndeliverable(error));
    if (retriable) {
      throw new Error(`${failed.length} of ${messages.length} outbox messages were not published`, {
        cause: retriable.error,
      });
    }
    const undeliverable: OutboxUndeliverable[] = [];
    for (const { message, error } of failed) {
      await this.report(message, error);
      undeliverable.push({ id: message.id, reason: errorMessage(error).slice(0, 1000) });
    }
    return { undeliverable };
  }

  private async report(message: OutboxMessage, error: unknown): Promise<void> {
    const location = `${this.source.schema}.outbox_message id ${message.id}`;
    await this.producer.send(TOPICS.opsExceptions, [
      {
        key: message.key,
        value: {
          exceptionId: randomUUID(),
          kind: ExceptionKind.DeadLetter,
          code: errorClass(error),
          message: `outbox message for ${message.topic} can never be sent: ${errorMessage(error)}`.slice(
            0,
            4000,
          ),
          service: `${this.source.service}:outbox-relay`,
          sourceTopic: message.topic,
          sourcePartition: -1,
          sourceOffset: `outbox:${message.id}`,
          sourceKey: message.key,
          partnerId: message.headers[HEADER.partnerId] ?? null,
          correlationId: message.headers[HEADER.correlationId] ?? null,
          details: [{ code: 'OUTBOX_UNDELIVERABLE', message: errorMessage(error).slice(0, 1000), location }],
          occurredAt: Date.now(),
          workflow: null,
          documentType: null,
          businessKey: null,
          documentId: null,
          documentVersion: null,
          record: null,
        },
        headers: {
          [HEADER.correlationId]: message.headers[HEADER.correlationId] ?? message.messageId,
          [HEADER.causationId]: message.messageId,
        },
      },
    ]);
  }
}
