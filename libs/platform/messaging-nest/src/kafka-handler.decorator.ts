import { SetMetadata } from '@nestjs/common';
import type { TopicName, TopicValueMap } from '@tradewind/contracts';
import type { RecordHandler } from '@tradewind/messaging';

export const KAFKA_HANDLER = Symbol('tradewind:kafka-handler');

export interface KafkaHandlerOptions {
  /**
   * The handler's section in the service config's `consumers` (a consumerConfig fragment): its group,
   * attempts, retry delays and concurrency. Start-up fails when the section is missing.
   */
  settings: string;
}

export interface KafkaHandlerMetadata extends KafkaHandlerOptions {
  topic: TopicName;
}

/**
 * Marks a provider method as the handler of one topic. The method must take a ConsumedRecord of that
 * topic's value type (TopicValueMap): a handler for the wrong payload does not compile. It returns when
 * the record is processed; it throws BusinessRuleError for a business-rule failure and anything else for
 * a technical one (retried, then dead-lettered). What a decorator cannot say: KafkaHandlers.register.
 */
export function KafkaHandler<T extends TopicName>(topic: T, options: KafkaHandlerOptions) {
  const mark = SetMetadata<typeof KAFKA_HANDLER, KafkaHandlerMetadata>(KAFKA_HANDLER, { topic, ...options });
  return (
    target: object,
    key: string | symbol,
    descriptor: TypedPropertyDescriptor<RecordHandler<TopicValueMap[T]>>,
  ): void => {
    mark(target, key, descriptor);
  };
}

/** The consumer group of a handler whose settings name none: `<service name>.<topic>`, unique per handler. */
export function defaultConsumerGroup(serviceName: string, topic: string): string {
  return `${serviceName}.${topic}`;
}
