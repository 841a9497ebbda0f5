import { counter } from '@tradewind/observability';
import type { Counter } from 'prom-client';

/** What shipments counts beyond the platform's consumer metrics (lag, handler duration, failures). */
export class ShipmentsMetrics {
  readonly records: Counter<'outcome'> = counter({
    name: 'tradewind_shipments_records_total',
    help: 'Records of ingress.documents by outcome: applied (something new recorded), duplicate (every event known), skipped (not a shipment document), redelivered (the inbox had it).',
    labelNames: ['outcome'],
  });
}
