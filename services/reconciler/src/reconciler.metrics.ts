import { counter, gauge } from '@tradewind/observability';
import type { Counter, Gauge } from 'prom-client';

import { DISCREPANCY_CLASSES, type WindowReconciliation } from './reconciliation/reconciliation';

/** What reconciler counts beyond the platform's consumer metrics (lag, handler duration, failures). */
export class ReconcilerMetrics {
  readonly records: Counter<'outcome'> = counter({
    name: 'tradewind_reconciler_records_total',
    help: 'Records the views took, by outcome: applied (orders.state to the view), purchase_order (purchasing.state to its view), shipment (shipments.state to its view), finance (finance.state to its view), stale (that version or a newer one was there), gateway_document (ingress.documents), acknowledgement (partners.outbound).',
    labelNames: ['outcome'],
  });

  readonly discrepancies: Gauge<'workflow' | 'partner' | 'class'> = gauge({
    name: 'tradewind_reconciliation_discrepancies',
    help: 'Discrepancies of the latest reconciled window, per partner, workflow and class.',
    labelNames: ['workflow', 'partner', 'class'],
  });

  readonly windows: Counter<'verdict'> = counter({
    name: 'tradewind_reconciliation_windows_total',
    help: 'Windows reconciled, by verdict (complete, discrepancies).',
    labelNames: ['verdict'],
  });

  readonly redrives: Counter<'class' | 'outcome'> = counter({
    name: 'tradewind_reconciliation_redrives_total',
    help: 'Discrepancies a re-drive handled, by class and outcome: redriven (odoo.commands), for_person (ops.exceptions), deferred (rate limit), stopped (not sent: the canary failed).',
    labelNames: ['class', 'outcome'],
  });

  readonly redriveResults: Counter<'outcome'> = counter({
    name: 'tradewind_reconciliation_redrive_results_total',
    help: "Odoo's answers on odoo.results to re-driven commands, by outcome (written, unchanged, already_done, business_error, technical_error).",
    labelNames: ['outcome'],
  });

  readonly redrivePaused: Gauge = gauge({
    name: 'tradewind_reconciliation_redrive_paused',
    help: "1 while a re-drive of this replica waits for the odoo-writers' breakers to close, else 0.",
  });

  readonly orders: Gauge<'workflow' | 'partner'> = gauge({
    name: 'tradewind_reconciliation_orders',
    help: 'Orders of the latest reconciled window, per partner and workflow.',
    labelNames: ['workflow', 'partner'],
  });

  readonly amount: Gauge<'workflow' | 'partner' | 'side'> = gauge({
    name: 'tradewind_reconciliation_amount',
    help: 'Untaxed amount of the latest reconciled window, per partner and workflow, on the platform and in Odoo (side).',
    labelNames: ['workflow', 'partner', 'side'],
  });

  readonly complete: Gauge<'workflow' | 'partner'> = gauge({
    name: 'tradewind_reconciliation_complete',
    help: "1 when the latest reconciled window proved the partner's workflow complete, else 0.",
    labelNames: ['workflow', 'partner'],
  });

  observe(report: WindowReconciliation): void {
    this.windows.inc({ verdict: report.verdict });
    for (const partner of report.partners) {
      const labels = { workflow: partner.workflow, partner: partner.partnerId };
      this.orders.set(labels, partner.orders);
      this.amount.set({ ...labels, side: 'platform' }, partner.amount);
      this.amount.set({ ...labels, side: 'odoo' }, partner.odooAmount);
      this.complete.set(labels, partner.verdict === 'complete' ? 1 : 0);
      for (const c of DISCREPANCY_CLASSES) {
        this.discrepancies.set(
          { workflow: partner.workflow, partner: partner.partnerId, class: c },
          partner.discrepancies[c],
        );
      }
    }
  }
}
