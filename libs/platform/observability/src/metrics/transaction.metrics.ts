import type { Counter, Histogram } from 'prom-client';

import { counter, histogram } from './metrics.registry';

/**
 * The stages a business transaction (one partner document, e.g. one sales order) passes, counted in
 * `tradewind_transactions_total`: each service counts the stages it decides, so one query follows a
 * workflow across services (docs/observability.md).
 */
export const TransactionStage = {
  /** The gateway answered 202 for it (outcome `accepted`). */
  Received: 'received',
  /** The workflow's service decided on it: `accepted`, `rejected` (by reason) or `duplicate`. */
  Validated: 'validated',
  /** Odoo's final answer: `confirmed`, `rejected` (Odoo refused it) or `failed` (technical, dead-lettered). */
  Written: 'written',
  /** The partner's acknowledgement was issued: `accepted` or `rejected`. */
  Acknowledged: 'acknowledged',
  /**
   * A document owed to the partner reached it (partner-delivery; workflow = the document type):
   * `delivered`, `dead_lettered` (no more attempts) or `unroutable` (no channel takes it).
   */
  Delivered: 'delivered',
} as const;
export type TransactionStage = (typeof TransactionStage)[keyof typeof TransactionStage];

/** Why a transaction failed: the partner's or master data (`business`), or the platform (`technical`). */
export const FailureCategory = { Business: 'business', Technical: 'technical' } as const;
export type FailureCategory = (typeof FailureCategory)[keyof typeof FailureCategory];

type TransactionLabels = 'workflow' | 'stage' | 'outcome' | 'partner';

export interface TransactionMetrics {
  readonly transactions: Counter<TransactionLabels>;
  readonly rejections: Counter<'workflow' | 'stage' | 'partner' | 'reason' | 'category'>;
  readonly stageSeconds: Histogram<TransactionLabels>;
}

/** The business transaction series, shared by every service that moves a transaction on. */
export function transactionMetrics(): TransactionMetrics {
  return {
    transactions: counter({
      name: 'tradewind_transactions_total',
      help: 'Business transactions (one per order) reaching a stage, by workflow, stage, outcome and partner.',
      labelNames: ['workflow', 'stage', 'outcome', 'partner'],
    }),
    rejections: counter({
      name: 'tradewind_transaction_rejections_total',
      help: 'Reasons transactions were refused or failed at a stage (once per reason), category business or technical.',
      labelNames: ['workflow', 'stage', 'partner', 'reason', 'category'],
    }),
    stageSeconds: histogram({
      name: 'tradewind_transaction_stage_seconds',
      help: "Time from the gateway's receipt of a transaction to its reaching the stage (stage written, outcome confirmed: end to end).",
      labelNames: ['workflow', 'stage', 'outcome', 'partner'],
      buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 1800, 3600, 14400, 86400],
    }),
  };
}
