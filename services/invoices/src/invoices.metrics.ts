import { counter } from '@tradewind/observability';
import type { Counter } from 'prom-client';

/** What invoices counts beyond the platform's consumer metrics (lag, handler duration, failures). */
export class InvoicesMetrics {
  readonly records: Counter<'outcome'> = counter({
    name: 'tradewind_invoices_records_total',
    help: 'Records of ingress.documents by outcome: stored, or a duplicate delivery of one already stored.',
    labelNames: ['outcome'],
  });
}
