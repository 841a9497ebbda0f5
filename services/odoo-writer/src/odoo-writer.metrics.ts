import { counter, gauge, histogram } from '@tradewind/observability';
import type { Counter, Gauge, Histogram } from 'prom-client';

import { BreakerState } from './resilience/circuit-breaker';

/** The writer's Prometheus metrics (created once per process through @tradewind/observability). */
export interface OdooWriterMetrics {
  calls: Counter<'model' | 'method' | 'outcome'>;
  callDuration: Histogram<'model' | 'method'>;
  recordsWritten: Counter<'type' | 'outcome'>;
  batchSize: Histogram<'type'>;
  breakerState: Gauge;
  breakerTransitions: Counter<'to'>;
  concurrencyLimit: Gauge;
  callsInFlight: Gauge;
  results: Counter<'type' | 'outcome'>;
}

export function odooWriterMetrics(): OdooWriterMetrics {
  return {
    calls: counter({
      name: 'tradewind_odoo_calls_total',
      help: 'Odoo calls by model, method and outcome (success, or the error code in lower case: validation, unavailable, timeout...).',
      labelNames: ['model', 'method', 'outcome'],
    }),
    callDuration: histogram({
      name: 'tradewind_odoo_call_duration_seconds',
      help: 'Latency of Odoo calls that got an answer.',
      labelNames: ['model', 'method'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    }),
    recordsWritten: counter({
      name: 'tradewind_odoo_records_written_total',
      help: 'Commands applied in Odoo (written: Odoo changed; already_done: it was already in the target state).',
      labelNames: ['type', 'outcome'],
    }),
    batchSize: histogram({
      name: 'tradewind_odoo_batch_commands',
      help: 'Commands per batch sent to Odoo (one load or one action call per step).',
      labelNames: ['type'],
      buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500],
    }),
    breakerState: gauge({
      name: 'tradewind_odoo_circuit_breaker_state',
      help: 'Odoo circuit breaker: 0 closed, 1 half-open, 2 open.',
    }),
    breakerTransitions: counter({
      name: 'tradewind_odoo_circuit_breaker_transitions_total',
      help: 'Circuit breaker state changes, by the state entered.',
      labelNames: ['to'],
    }),
    concurrencyLimit: gauge({
      name: 'tradewind_odoo_concurrency_limit',
      help: 'Current adaptive limit of Odoo calls in flight (AIMD).',
    }),
    callsInFlight: gauge({
      name: 'tradewind_odoo_calls_in_flight',
      help: 'Odoo calls in flight now.',
    }),
    results: counter({
      name: 'tradewind_odoo_results_total',
      help: 'Outcomes published to odoo.results (written, unchanged, already_done, business_error, technical_error).',
      labelNames: ['type', 'outcome'],
    }),
  };
}

export function breakerStateValue(state: BreakerState): number {
  switch (state) {
    case BreakerState.Closed:
      return 0;
    case BreakerState.HalfOpen:
      return 1;
    case BreakerState.Open:
      return 2;
  }
}
