// Kafka core without NestJS: typed Avro producer, key-ordered consumer runner, retry and dead-letter.
export * from './avro-serde';
export * from './consumer-runner';
export * from './dependency-gate';
export * from './failure-router';
export * from './headers';
export * from './in-memory.transport';
export * from './kafka';
export * from './kafka.transport';
export * from './key-ordered-dispatch';
export * from './messaging.exception';
export * from './metrics';
export * from './parked-records';
export * from './topic-admin';
export * from './topic-reader';
export * from './topic-schemas';
export * from './transport';
export * from './typed-producer';
