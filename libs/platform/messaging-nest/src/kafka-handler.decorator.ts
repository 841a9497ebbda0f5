import { SetMetadata } from '@nestjs/common';
import type { RetryPolicy } from '@tradewind/messaging';

export const KAFKA_HANDLER = Symbol('tradewind:kafka-handler');

export interface KafkaHandlerOptions {
  /** Consumer group; defaults to `<service name>.<topic>` (each handler needs a group of its own). */
  groupId?: string;
  retry?: Partial<RetryPolicy>;
  keyConcurrency?: number;
}

export interface KafkaHandlerMetadata extends KafkaHandlerOptions {
  topic: string;
}

/**
 * Marks a provider method as the handler of one topic. The method receives a ConsumedRecord of the
 * topic's value type and returns when the record is processed; it throws BusinessRuleError for a
 * business-rule failure and anything else for a technical one (retried, then dead-lettered).
 */
export function KafkaHandler(topic: string, options: KafkaHandlerOptions = {}): MethodDecorator {
  return SetMetadata<typeof KAFKA_HANDLER, KafkaHandlerMetadata>(KAFKA_HANDLER, { topic, ...options });
}

/** The consumer group of a handler that names none: `<service name>.<topic>`, unique per handler. */
export function defaultConsumerGroup(serviceName: string, topic: string): string {
  return `${serviceName}.${topic}`;
}
