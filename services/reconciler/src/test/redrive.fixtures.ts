import type { Discrepancy } from '../reconciliation/reconciliation';
import { planRedrive, type RedrivePlan } from '../redrive/redrive.planner';

/** The re-drive's plan for discrepancies with no sales order to send again: what goes to a person. */
export function planWithoutOrders(discrepancies: readonly Discrepancy[]): RedrivePlan {
  return planRedrive({
    discrepancies,
    orders: new Map(),
    products: new Map(),
    maxOrders: 10,
    issuedBy: 'reconciler',
    issuedAt: 0,
    attempt: 'a',
  });
}
