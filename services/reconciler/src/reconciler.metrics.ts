import { counter, gauge } from '@tradewind/observability';
import type { Counter, Gauge } from 'prom-client';

import { DISCREPANCY_CLASSES, type WindowReconciliation } from './reconciliation/reconciliation';

/** What reconciler counts beyond the platform's consumer metrics (lag, handler duration, failures). */
export class ReconcilerMetrics {
  readonly records: Counter<'outcome'> = counter({
    name: 'tradewind_reconciler_records_total',
    help: 'Records of orders.state by outcome: applied to the view, or stale (that version or a newer one was there).',
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
    help: 'Discrepancies a re-drive handled, by class and outcome: redriven (odoo.commands), for_person (ops.exceptions), deferred (rate limit).',
    labelNames: ['class', 'outcome'],
  });

  observe(report: WindowReconciliation): void {
    this.windows.inc({ verdict: report.verdict });
    for (const partner of report.partners) {
      for (const c of DISCREPANCY_CLASSES) {
        this.discrepancies.set(
          { workflow: partner.workflow, partner: partner.partnerId, class: c },
          partner.discrepancies[c],
        );
      }
    }
  }
}
