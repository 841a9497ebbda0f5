import { counter } from '@tradewind/observability';
import type { Counter } from 'prom-client';

/** What shipments counts beyond the platform's consumer metrics (lag, handler duration, failures). */
export class ShipmentsMetrics {
  readonly records: Counter<'outcome'> = counter({
    name: 'tradewind_shipments_records_total',
    help: 'Records of ingress.documents by outcome: stored, or a duplicate delivery of one already stored.',
    labelNames: ['outcome'],
  });
}
