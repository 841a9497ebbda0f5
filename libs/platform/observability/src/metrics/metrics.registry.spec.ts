import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';

import { ObservabilityErrorCode, ObservabilityException } from '../observability.exception';
import { configureMetrics, counter, gauge, histogram, metricsRegistry } from './metrics.registry';

const unique = (base: string): string => `${base}_${randomBytes(3).toString('hex')}`;
const rejects = (code: ObservabilityErrorCode) => (error: unknown) =>
  error instanceof ObservabilityException && error.code === code;

void describe('metrics helpers', () => {
  void it('give the same metric to every module that asks for it', () => {
    const name = `${unique('tw_test_orders')}_total`;
    const a = counter({ name, help: 'orders', labelNames: ['outcome'] });
    const b = counter({ name, help: 'orders', labelNames: ['outcome'] });
    assert.equal(a, b);
    const g = unique('tw_test_lag');
    assert.equal(gauge({ name: g, help: 'lag' }), gauge({ name: g, help: 'lag' }));
    const h = `${unique('tw_test_latency')}_seconds`;
    assert.equal(histogram({ name: h, help: 'latency' }), histogram({ name: h, help: 'latency' }));
  });

  void it('refuse a name reused with another type or other labels', () => {
    const name = unique('tw_test_conflict');
    gauge({ name, help: 'x', labelNames: ['a'] });
    assert.throws(
      () => histogram({ name, help: 'x', labelNames: ['a'] }),
      rejects(ObservabilityErrorCode.MetricConflict),
    );
    assert.throws(
      () => gauge({ name, help: 'x', labelNames: ['b'] }),
      rejects(ObservabilityErrorCode.MetricConflict),
    );
  });

  void it('enforce Prometheus naming: _total for counters only, base units, legal characters', () => {
    const bad = [
      () => counter({ name: unique('tw_test_orders'), help: 'x' }),
      () => gauge({ name: `${unique('tw_test_orders')}_total`, help: 'x' }),
      () => histogram({ name: `${unique('tw_test_latency')}_ms`, help: 'x' }),
      () => histogram({ name: `${unique('tw_test_latency')}_milliseconds`, help: 'x' }),
      () => gauge({ name: 'tw-test-dash', help: 'x' }),
    ];
    for (const make of bad) assert.throws(make, rejects(ObservabilityErrorCode.MetricName));
  });

  void it('expose default metrics and custom ones with the service label', async () => {
    configureMetrics({ service: 'metrics-spec' });
    configureMetrics({ service: 'metrics-spec' }); // idempotent
    const name = `${unique('tw_test_widgets')}_total`;
    counter({ name, help: 'widgets', labelNames: ['kind'] }).inc({ kind: 'blue' }, 2);
    const text = await metricsRegistry.metrics();
    assert.match(text, /^process_cpu_user_seconds_total\{service="metrics-spec"\} /m);
    assert.match(text, /^nodejs_eventloop_lag_seconds\{service="metrics-spec"\} /m);
    assert.match(text, new RegExp(`^${name}\\{kind="blue",service="metrics-spec"\\} 2$`, 'm'));
  });
});
