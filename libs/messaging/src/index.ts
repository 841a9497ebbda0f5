// Kafka core without NestJS: typed Avro producer, key-ordered consumer runner, retry and dead-letter.
export * from './avro-serde';
export * from './consumer-runner';
export * from './headers';
export * from './kafka';
export * from './key-ordered-dispatch';
export * from './messaging.exception';
export * from './metrics';
export * from './parked-records';
export * from './topic-schemas';
export * from './typed-producer';
