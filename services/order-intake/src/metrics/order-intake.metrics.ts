import {
  counter,
  FailureCategory,
  gauge,
  type TransactionMetrics,
  transactionMetrics,
  TransactionStage,
} from '@tradewind/observability';
import type { Counter, Gauge } from 'prom-client';

import type { TransitionReport } from '../orders/order-transitions';

/** The workflow label of this service's transactions (the partner document type it takes in). */
export const SALES_ORDER_WORKFLOW = 'sales-order';

/** Orders not in a final state now, as read from the orders table when /metrics is scraped. */
export interface OpenOrders {
  partner: string;
  status: string;
  count: number;
  oldestSeconds: number;
  /** Of them, those the partner should have had an acknowledgement for by now (its SLA). */
  overdue: number;
}

export interface OrderIntakeMetrics extends TransactionMetrics {
  priceLookups: Counter<'result'>;
  open: Gauge<'workflow' | 'status' | 'partner'>;
  oldestOpen: Gauge<'workflow' | 'status' | 'partner'>;
  acknowledgementsOverdue: Gauge<'workflow' | 'partner'>;
}

/**
 * `readOpen` is called on every scrape (the gauges are the database's view, whichever replica is
 * scraped); without it the gauges stay empty (tests that build the service without a database).
 */
export function orderIntakeMetrics(readOpen?: () => Promise<OpenOrders[]>): OrderIntakeMetrics {
  const open = gauge({
    name: 'tradewind_transactions_open',
    help: 'Orders not in a final state, by status and partner (stuck orders: see the oldest).',
    labelNames: ['workflow', 'status', 'partner'],
  });
  const oldestOpen = gauge({
    name: 'tradewind_transaction_oldest_open_seconds',
    help: "Age since the gateway's receipt of the oldest order in a non-final status.",
    labelNames: ['workflow', 'status', 'partner'],
  });
  const acknowledgementsOverdue = gauge({
    name: 'tradewind_acknowledgements_overdue',
    help: "Orders without an acknowledgement past the partner's SLA (sla.acknowledgeWithinMinutes).",
    labelNames: ['workflow', 'partner'],
  });
  if (readOpen !== undefined) {
    // A scrape collects every metric at once: the three gauges share one read of the table.
    let reading: Promise<void> | undefined;
    const refresh = async (): Promise<void> => {
      const rows = await readOpen();
      for (const g of [open, oldestOpen, acknowledgementsOverdue]) g.reset();
      const overdue = new Map<string, number>();
      for (const row of rows) {
        const labels = { workflow: SALES_ORDER_WORKFLOW, status: row.status, partner: row.partner };
        open.set(labels, row.count);
        oldestOpen.set(labels, row.oldestSeconds);
        overdue.set(row.partner, (overdue.get(row.partner) ?? 0) + row.overdue);
      }
      for (const [partner, count] of overdue)
        acknowledgementsOverdue.set({ workflow: SALES_ORDER_WORKFLOW, partner }, count);
    };
    const collect = (): Promise<void> =>
      // A failed read keeps the last values: the database being down shows in /health/ready and the
      // scrape still serves every other series.
      (reading ??= refresh()
        .catch(() => undefined)
        .finally(() => {
          reading = undefined;
        }));
    // Set on the gauge rather than in its options: a second app in one process (tests) reuses the gauges.
    for (const g of [open, oldestOpen, acknowledgementsOverdue])
      (g as unknown as { collect: () => Promise<void> }).collect = collect;
  }
  return {
    ...transactionMetrics(),
    priceLookups: counter({
      name: 'tradewind_order_price_lookups_total',
      help: 'SKU price lookups by result (cache hit, Odoo read, stale served while Odoo was unreachable).',
      labelNames: ['result'],
    }),
    open,
    oldestOpen,
    acknowledgementsOverdue,
  };
}

/** Counts a transaction reaching `stage`, with its time since the gateway's receipt. */
export function countStage(
  metrics: OrderIntakeMetrics,
  partner: string,
  stage: TransactionStage,
  outcome: string,
  secondsSinceReceipt: number,
): void {
  const labels = { workflow: SALES_ORDER_WORKFLOW, stage, outcome, partner };
  metrics.transactions.inc(labels);
  metrics.stageSeconds.observe(labels, secondsSinceReceipt);
}

/** Counts the reasons a transaction was refused (business) or failed (technical) at `stage`. */
export function countReasons(
  metrics: OrderIntakeMetrics,
  partner: string,
  stage: TransactionStage,
  reasons: readonly string[],
  category: FailureCategory = FailureCategory.Business,
): void {
  for (const reason of reasons)
    metrics.rejections.inc({ workflow: SALES_ORDER_WORKFLOW, stage, partner, reason, category });
}

/** The acknowledgement a run of transitions issued, once its transaction committed. */
export function countAcknowledgement(
  metrics: OrderIntakeMetrics,
  partner: string,
  report: TransitionReport | undefined,
): void {
  const acknowledged = report?.acknowledged;
  if (acknowledged === undefined) return;
  countStage(
    metrics,
    partner,
    TransactionStage.Acknowledged,
    acknowledged.outcome,
    acknowledged.secondsSinceReceipt,
  );
}
