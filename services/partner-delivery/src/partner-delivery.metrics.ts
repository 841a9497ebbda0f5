// What partner-delivery counts beyond the platform's consumer metrics: documents taken in, attempts per
// endpoint, the endpoints' breakers, what waits (read from the queue at scrape time), and the business
// series (tradewind_transactions_total stage `delivered`, tradewind_partner_deliveries_total).
import {
  counter,
  gauge,
  histogram,
  type TransactionMetrics,
  transactionMetrics,
} from '@tradewind/observability';
import type { Counter, Gauge, Histogram } from 'prom-client';

import type { PendingSummary } from './queue/delivery-queue.repository';

export class PartnerDeliveryMetrics {
  readonly records: Counter<'outcome'> = counter({
    name: 'tradewind_partner_delivery_records_total',
    help: 'Records of partners.outbound by outcome: queued, unroutable (no channel takes it), or a duplicate of one queued already.',
    labelNames: ['outcome'],
  });

  readonly attempts: Counter<'endpoint' | 'channel' | 'outcome'> = counter({
    name: 'tradewind_partner_delivery_attempts_total',
    help: 'Delivery attempts per endpoint: delivered, unavailable (the endpoint failed: counts for its breaker), rejected (the partner refused the document), or refused_open (the breaker was open: not sent, not counted).',
    labelNames: ['endpoint', 'channel', 'outcome'],
  });

  readonly attemptSeconds: Histogram<'endpoint' | 'outcome'> = histogram({
    name: 'tradewind_partner_delivery_attempt_seconds',
    help: 'Time one delivery attempt took (connect, send, answer), per endpoint and outcome.',
    labelNames: ['endpoint', 'outcome'],
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
  });

  readonly latencySeconds: Histogram<'partner' | 'channel'> = histogram({
    name: 'tradewind_partner_delivery_latency_seconds',
    help: "Time from the document's creation (partners.outbound createdAt) to its delivery, retries included.",
    labelNames: ['partner', 'channel'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 14400, 86400],
  });

  readonly breakerState: Gauge<'endpoint'> = gauge({
    name: 'tradewind_partner_delivery_breaker_state',
    help: "An endpoint's circuit breaker: 0 closed, 1 half-open (one trial delivery), 2 open (nothing sent).",
    labelNames: ['endpoint'],
  });

  readonly breakerTransitions: Counter<'endpoint' | 'to'> = counter({
    name: 'tradewind_partner_delivery_breaker_transitions_total',
    help: "Changes of an endpoint's circuit breaker state.",
    labelNames: ['endpoint', 'to'],
  });

  readonly endpointUnusable: Gauge<'endpoint'> = gauge({
    name: 'tradewind_partner_delivery_endpoint_unusable',
    help: 'An endpoint that is not started because its secrets cannot be read (its documents wait).',
    labelNames: ['endpoint'],
  });

  readonly pending: Gauge<'endpoint'> = gauge({
    name: 'tradewind_partner_delivery_pending',
    help: 'Documents waiting for delivery per endpoint (read from the queue at each scrape).',
    labelNames: ['endpoint'],
  });

  readonly oldestPending: Gauge<'endpoint'> = gauge({
    name: 'tradewind_partner_delivery_oldest_pending_seconds',
    help: 'Age of the oldest document waiting for delivery per endpoint.',
    labelNames: ['endpoint'],
  });

  /** partner, document_type, outcome: delivered, failed (an attempt), dead_lettered, unroutable. */
  readonly deliveries: Counter<'partner' | 'document_type' | 'outcome'> = counter({
    name: 'tradewind_partner_deliveries_total',
    help: 'Documents owed to partners by outcome: available (gateway: in the transaction API), delivered, failed (one attempt), dead_lettered, unroutable (partner-delivery).',
    labelNames: ['partner', 'document_type', 'outcome'],
  });

  readonly transactions: TransactionMetrics = transactionMetrics();

  /** `readPending` is called on every scrape; the gauges keep their last values when it fails. */
  constructor(readPending?: () => Promise<PendingSummary[]>) {
    if (readPending === undefined) return;
    let reading: Promise<void> | undefined;
    const refresh = async (): Promise<void> => {
      const rows = await readPending();
      this.pending.reset();
      this.oldestPending.reset();
      for (const row of rows) {
        this.pending.set({ endpoint: row.endpoint }, row.pending);
        this.oldestPending.set({ endpoint: row.endpoint }, row.oldestSeconds);
      }
    };
    const collect = (): Promise<void> =>
      (reading ??= refresh()
        .catch(() => undefined)
        .finally(() => {
          reading = undefined;
        }));
    // Set on the gauges rather than in their options: a second app in one process (tests) reuses them.
    for (const g of [this.pending, this.oldestPending])
      (g as unknown as { collect: () => Promise<void> }).collect = collect;
  }
}
