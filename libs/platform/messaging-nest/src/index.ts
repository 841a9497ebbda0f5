// NestJS adapter over @tradewind/messaging: declare handlers with @KafkaHandler (or KafkaHandlers.register),
// their settings with consumerConfig, and inject TypedProducer<TopicValueMap>.
export * from './consumer.config';
export * from './kafka-handler.decorator';
export * from './kafka-handlers.registry';
export * from './messaging.module';
