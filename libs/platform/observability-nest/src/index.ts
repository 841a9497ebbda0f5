// The Nest adapter over @tradewind/observability: ObservabilityModule (/metrics, /health/*, correlation
// on every route), ReadinessService and PinoLoggerService for app.useLogger().
export * from './correlation/correlation.middleware';
export * from './health/health.controller';
export * from './health/readiness.service';
export * from './logging/pino-logger.service';
export * from './metrics/metrics.controller';
export * from './observability.module';
