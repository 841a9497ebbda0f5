// NestJS adapter over @tradewind/messaging: declare handlers with @KafkaHandler, inject TypedProducer.
export * from './kafka-handler.decorator';
export * from './messaging.module';
