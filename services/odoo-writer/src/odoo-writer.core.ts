// The composition root of the write path, without Nest: the service's module provides it, and the
// benchmark builds the same object graph against the simulator.
import { createLogger, type Logger } from '@tradewind/observability';
import { type FetchLike, type OdooClient, odooClientFrom } from '@tradewind/odoo-client';

import { FaultInjector } from './fault-injector';
import { OdooGateway } from './odoo/odoo-gateway';
import type { OdooWriterConfig } from './odoo-writer.config';
import { breakerStateValue, type OdooWriterMetrics, odooWriterMetrics } from './odoo-writer.metrics';
import { OdooWriterService } from './odoo-writer.service';
import { AdaptiveConcurrencyLimiter } from './resilience/adaptive-limiter';
import { BreakerState, CircuitBreaker } from './resilience/circuit-breaker';

export type OdooWriterCoreConfig = Pick<
  OdooWriterConfig,
  'odoo' | 'limits' | 'batching' | 'retry' | 'breaker' | 'faults'
>;

export interface OdooWriterCore {
  client: OdooClient;
  gateway: OdooGateway;
  writer: OdooWriterService;
  breaker: CircuitBreaker;
  limiter: AdaptiveConcurrencyLimiter;
  metrics: OdooWriterMetrics;
  faults: FaultInjector;
  /** Stops the breaker's and the limiter's timers. */
  close(): void;
}

export function createOdooWriterCore(
  config: OdooWriterCoreConfig,
  options: { log?: Logger; fetch?: FetchLike } = {},
): OdooWriterCore {
  const log = options.log ?? createLogger('OdooWriter');
  const metrics = odooWriterMetrics();
  const breaker = new CircuitBreaker({
    ...config.breaker,
    onStateChange: ({ from, to, reason, openForMs }) => {
      metrics.breakerState.set(breakerStateValue(to));
      metrics.breakerTransitions.inc({ to });
      const fields = { from, to, reason, openForMs };
      if (to === BreakerState.Open)
        log.warn(fields, 'Odoo circuit breaker opened: calls wait until it closes');
      else log.info(fields, `Odoo circuit breaker ${to}`);
    },
  });
  metrics.breakerState.set(breakerStateValue(breaker.state));
  const limiter = new AdaptiveConcurrencyLimiter({
    min: config.limits.minConcurrency,
    max: config.limits.maxConcurrency,
    initial: config.limits.initialConcurrency,
    latencyTolerance: config.limits.latencyTolerance,
    onChange: ({ limit, reason }) => {
      metrics.concurrencyLimit.set(limit);
      log.debug({ limit, reason }, 'Odoo concurrency limit changed');
    },
  });
  metrics.concurrencyLimit.set(limiter.limit);
  const client = odooClientFrom(config.odoo, { userAgent: 'tradewind-odoo-writer', fetch: options.fetch });
  const faults = new FaultInjector(config.faults);
  const gateway = new OdooGateway(client, limiter, breaker, metrics, faults, log, {
    refusalBaseDelayMs: config.retry.baseDelayMs,
    refusalMaxDelayMs: config.retry.maxDelayMs,
  });
  const writer = new OdooWriterService(gateway, limiter, breaker, metrics, faults, log, {
    maxBatchRecords: config.batching.maxRecords,
    lingerMs: config.batching.lingerMs,
    retryAttempts: config.retry.attempts,
    maxUncountedRetries: config.retry.maxUncounted,
    retryBaseDelayMs: config.retry.baseDelayMs,
    retryMaxDelayMs: config.retry.maxDelayMs,
  });
  return {
    client,
    gateway,
    writer,
    breaker,
    limiter,
    metrics,
    faults,
    close: () => {
      breaker.close();
      limiter.close();
    },
  };
}
