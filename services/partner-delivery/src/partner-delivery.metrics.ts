import { counter } from '@tradewind/observability';
import type { Counter } from 'prom-client';

/** What partner-delivery counts beyond the platform's consumer metrics (lag, handler duration, failures). */
export class PartnerDeliveryMetrics {
  readonly records: Counter<'outcome'> = counter({
    name: 'tradewind_partner_delivery_records_total',
    help: 'Records of partners.outbound by outcome: stored, or a duplicate delivery of one already stored.',
    labelNames: ['outcome'],
  });
}
