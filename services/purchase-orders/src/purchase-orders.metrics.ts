import { counter } from '@tradewind/observability';
import type { Counter } from 'prom-client';

/** What purchase-orders counts beyond the platform's consumer metrics (lag, handler duration, failures). */
export class PurchaseOrdersMetrics {
  readonly records: Counter<'outcome'> = counter({
    name: 'tradewind_purchase_orders_records_total',
    help: 'Records of ingress.documents by outcome: stored, or a duplicate delivery of one already stored.',
    labelNames: ['outcome'],
  });
}
