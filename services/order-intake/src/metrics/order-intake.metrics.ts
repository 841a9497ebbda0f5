import { counter, histogram } from '@tradewind/observability';
import type { Counter, Histogram } from 'prom-client';

/** Outcomes of an ingress document and of an order's later life, as counted in orders_total. */
export type OrderOutcome =
  'accepted' | 'reserving' | 'rejected' | 'duplicate' | 'confirmed' | 'odoo-rejected' | 'failed';

export interface OrderIntakeMetrics {
  orders: Counter<'partner' | 'outcome'>;
  rejectionReasons: Counter<'partner' | 'code'>;
  receiptToAck: Histogram<'partner' | 'outcome'>;
  priceLookups: Counter<'result'>;
}

export function orderIntakeMetrics(): OrderIntakeMetrics {
  return {
    orders: counter({
      name: 'tradewind_orders_total',
      help: 'Orders by outcome: accepted/rejected/duplicate at intake (reserving: waiting for stock, then accepted or rejected); confirmed, odoo-rejected, failed after Odoo.',
      labelNames: ['partner', 'outcome'],
    }),
    rejectionReasons: counter({
      name: 'tradewind_order_rejection_reasons_total',
      help: 'Reasons orders were rejected for, by code (an order counts once per reason).',
      labelNames: ['partner', 'code'],
    }),
    receiptToAck: histogram({
      name: 'tradewind_order_receipt_to_acknowledgement_seconds',
      help: "Time from the gateway's receipt of an order to its acknowledgement being committed.",
      labelNames: ['partner', 'outcome'],
      buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 1800, 3600, 14400, 86400],
    }),
    priceLookups: counter({
      name: 'tradewind_order_price_lookups_total',
      help: 'SKU price lookups by result (cache hit, Odoo read, stale served while Odoo was unreachable).',
      labelNames: ['result'],
    }),
  };
}
