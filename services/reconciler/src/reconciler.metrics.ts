import { counter } from '@tradewind/observability';
import type { Counter } from 'prom-client';

/** What reconciler counts beyond the platform's consumer metrics (lag, handler duration, failures). */
export class ReconcilerMetrics {
  readonly records: Counter<'outcome'> = counter({
    name: 'tradewind_reconciler_records_total',
    help: 'Records of orders.state by outcome: stored, or a duplicate delivery of one already stored.',
    labelNames: ['outcome'],
  });
}
