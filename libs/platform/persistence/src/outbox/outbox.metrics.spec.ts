import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { Registry } from 'prom-client';

import { prometheusOutboxMetrics } from './outbox.metrics';

void describe('prometheusOutboxMetrics', () => {
  void it('exposes pending and published per schema on the given registry', async () => {
    const registry = new Registry();
    const a = prometheusOutboxMetrics(registry);
    const b = prometheusOutboxMetrics(registry); // a second relay in the same process
    a.pending('orders', 7);
    a.published('orders', 3);
    b.published('orders', 2);
    b.publishFailed?.('stock', new Error('broker down'));
    const text = await registry.metrics();
    assert.match(text, /tradewind_outbox_pending_messages\{schema="orders"\} 7/);
    assert.match(text, /tradewind_outbox_published_total\{schema="orders"\} 5/);
    assert.match(text, /tradewind_outbox_publish_failures_total\{schema="stock"\} 1/);
  });

  void it('keeps registries apart', async () => {
    const one = new Registry();
    const two = new Registry();
    prometheusOutboxMetrics(one).published('s', 1);
    prometheusOutboxMetrics(two);
    assert.match(await one.metrics(), /tradewind_outbox_published_total\{schema="s"\} 1/);
    assert.doesNotMatch(await two.metrics(), /schema="s"/);
  });
});
