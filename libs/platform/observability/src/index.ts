// pino logging with correlation context, Prometheus metrics, readiness checks; free of NestJS
// (the Nest module, controllers and services are in @tradewind/observability-nest).
export * from './correlation/correlation.context';
export * from './correlation/correlation.middleware';
export * from './correlation/traceparent';
export * from './health/readiness';
export * from './health/readiness.checks';
export * from './logging/log-capture';
export * from './logging/logger';
export * from './metrics/metrics.registry';
export * from './metrics/transaction.metrics';
export * from './observability.exception';
