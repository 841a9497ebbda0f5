// pino logging with correlation context, Prometheus metrics, health endpoints.
export * from './correlation/correlation.context';
export * from './correlation/correlation.middleware';
export * from './correlation/traceparent';
export * from './health/health.controller';
export * from './health/readiness';
export * from './health/readiness.checks';
export * from './health/readiness.service';
export * from './logging/logger';
export * from './logging/pino-logger.service';
export * from './metrics/metrics.controller';
export * from './metrics/metrics.registry';
export * from './observability.exception';
export * from './observability.module';
