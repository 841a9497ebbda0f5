// What every Tradewind service shares: platform configuration, the Nest module that wires logging,
// metrics, health, Kafka and PostgreSQL (outbox, inbox), and the start-up routine.
export * from './housekeeping.service';
export * from './inbox-retention.service';
export * from './platform-config';
export * from './run-service';
export * from './service-kit.module';
export * from './service-kit.options';
