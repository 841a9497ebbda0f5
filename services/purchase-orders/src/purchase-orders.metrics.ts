import { counter } from '@tradewind/observability';
import type { Counter } from 'prom-client';

import type { OfferOutcome, PurchasingMetrics, SlaKind } from './purchasing/purchasing.core';

/** What purchase-orders counts beyond the platform's consumer metrics (lag, handler duration, failures). */
export class PurchaseOrdersMetrics implements PurchasingMetrics {
  readonly offers: Counter<'outcome'> = counter({
    name: 'tradewind_purchase_orders_offers_total',
    help: 'Purchase orders seen in Odoo (webhook or poll) by outcome: sent, change-sent, cancel-sent (a cancellation sent), cancelled (cancelled before it was sent), unchanged (seen before), stale (read before the version applied), received, held, not-a-supplier, not-confirmed.',
    labelNames: ['outcome'],
  });

  readonly slaMisses: Counter<'kind' | 'supplier'> = counter({
    name: 'tradewind_purchase_orders_sla_missed_total',
    help: 'SLA timers escalated: po-acknowledgement (855/JSON ack) or functional-ack (997) not received in time, per supplier.',
    labelNames: ['kind', 'supplier'],
  });

  readonly responses: Counter<'kind' | 'outcome'> = counter({
    name: 'tradewind_purchase_orders_responses_total',
    help: 'Supplier responses by kind (po-acknowledgement, functional-ack, ship-notice) and outcome.',
    labelNames: ['kind', 'outcome'],
  });

  offered(outcome: OfferOutcome): void {
    this.offers.inc({ outcome });
  }

  slaMissed(kind: SlaKind, supplierId: string): void {
    this.slaMisses.inc({ kind, supplier: supplierId });
  }

  response(kind: string, outcome: string): void {
    this.responses.inc({ kind, outcome });
  }
}
