// pino logging with correlation context, Prometheus metrics, health endpoints.
export {};
