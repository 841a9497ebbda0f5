// Kafka core without NestJS: typed Avro producer, key-ordered consumer runner, retry and dead-letter.
export {};
