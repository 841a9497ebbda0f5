import {
  collectDefaultMetrics,
  Counter,
  type CounterConfiguration,
  Gauge,
  type GaugeConfiguration,
  Histogram,
  type HistogramConfiguration,
  Registry,
} from 'prom-client';

import { ObservabilityErrorCode, ObservabilityException } from '../observability.exception';

/** The one registry every metric of the process lives in; served by GET /metrics. */
export const metricsRegistry = new Registry();

let defaultMetricsEnabled = false;

/**
 * Turns on prom-client's process and Node.js metrics (CPU, memory, event-loop lag, GC, handles), without
 * a prefix so dashboards work across services, and labels every series with `service`. Idempotent.
 */
export function configureMetrics(options: { service: string }): void {
  metricsRegistry.setDefaultLabels({ service: options.service });
  if (!defaultMetricsEnabled) {
    collectDefaultMetrics({ register: metricsRegistry });
    defaultMetricsEnabled = true;
  }
}

type Config<C> = Omit<C, 'registers'>;

/** A counter (name ends in `_total`); the existing one when another module already made it. */
export function counter<L extends string = string>(config: Config<CounterConfiguration<L>>): Counter<L> {
  checkName(config.name, 'counter');
  return existing(config, Counter) ?? new Counter({ ...config, registers: [metricsRegistry] });
}

/** A gauge; the existing one when another module already made it. */
export function gauge<L extends string = string>(config: Config<GaugeConfiguration<L>>): Gauge<L> {
  checkName(config.name, 'gauge');
  return existing(config, Gauge) ?? new Gauge({ ...config, registers: [metricsRegistry] });
}

/** A histogram in base units (`_seconds`, `_bytes`); the existing one when another module already made it. */
export function histogram<L extends string = string>(
  config: Config<HistogramConfiguration<L>>,
): Histogram<L> {
  checkName(config.name, 'histogram');
  return existing(config, Histogram) ?? new Histogram({ ...config, registers: [metricsRegistry] });
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
// Prometheus wants base units: seconds and bytes, not milliseconds or kilobytes.
const NON_BASE_UNIT =
  /_(ms|milliseconds|microseconds|us|ns|nanoseconds|minutes|hours|days|kb|kilobytes|mb|megabytes|gb)(_total)?$/;

function checkName(name: string, type: 'counter' | 'gauge' | 'histogram'): void {
  const problem = !METRIC_NAME.test(name)
    ? 'has characters outside [a-zA-Z0-9_:]'
    : NON_BASE_UNIT.test(name)
      ? 'uses a non-base unit (use _seconds or _bytes)'
      : type === 'counter' && !name.endsWith('_total')
        ? 'is a counter and must end in _total'
        : type !== 'counter' && name.endsWith('_total')
          ? `is a ${type}; only counters end in _total`
          : undefined;
  if (problem !== undefined) {
    throw new ObservabilityException(ObservabilityErrorCode.MetricName, `metric "${name}" ${problem}`);
  }
}

function existing<M extends Counter<string> | Gauge<string> | Histogram<string>>(
  config: { name: string; labelNames?: readonly string[] },
  type: abstract new (...args: never[]) => M,
): M | undefined {
  const found = metricsRegistry.getSingleMetric(config.name);
  if (found === undefined) return undefined;
  if (!(found instanceof type)) {
    throw new ObservabilityException(
      ObservabilityErrorCode.MetricConflict,
      `metric "${config.name}" already exists as another type`,
    );
  }
  const wanted = [...(config.labelNames ?? [])].sort().join(',');
  const actual = [...((found as unknown as { labelNames?: readonly string[] }).labelNames ?? [])]
    .sort()
    .join(',');
  if (wanted !== actual) {
    throw new ObservabilityException(
      ObservabilityErrorCode.MetricConflict,
      `metric "${config.name}" already exists with labels [${actual}], not [${wanted}]`,
    );
  }
  return found;
}
