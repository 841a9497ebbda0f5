// The lifecycle of one partner sales order, as published on orders.state:
//
//   received ─▶ validated ─▶ accepted ─▶ written ─▶ confirmed ─▶ acknowledged
//       │                       │  ▲         │
//       └──────▶ rejected ◀─────┴──┼─────────┘  (Odoo refused the order: rejected with Odoo's reason)
//                   │              │
//                   └─▶ acknowledged (the partner was told of the rejection)
//                                  │
//        accepted/written ─▶ failed ┘ (the odoo-writer gave up on a technical error; a re-driven command
//                                      that succeeds moves the order on)
//
// Results from Odoo arrive at least once and may arrive late: a transition that would move an order
// backwards, or sideways out of a final state, is ignored (`[]`), never applied.

import { OrderStatus } from '@tradewind/contracts';

/** What happened to an order after intake, from odoo.results. */
export enum OrderEvent {
  /** upsert_sale_order done (written, unchanged or already there). */
  Written = 'written',
  /** confirm_sale_order done (action_confirm ran, or the order was already confirmed). */
  Confirmed = 'confirmed',
  /** Odoo refused a command for a business reason. */
  Refused = 'refused',
  /** The odoo-writer gave up on a technical failure (the command is dead-lettered). */
  Failed = 'failed',
}

const ALL_STATUSES = new Set<string>(Object.values(OrderStatus));

export function isOrderStatus(value: string): value is OrderStatus {
  return ALL_STATUSES.has(value);
}

/** Statuses in which Odoo results are still expected. */
function awaitingOdoo(status: OrderStatus): boolean {
  switch (status) {
    case OrderStatus.Accepted:
    case OrderStatus.Written:
    case OrderStatus.Failed:
      return true;
    case OrderStatus.Received:
    case OrderStatus.Validated:
    case OrderStatus.Rejected:
    case OrderStatus.Confirmed:
    case OrderStatus.Acknowledged:
    case OrderStatus.Unknown: // the schema's default: a status newer than this service, never stored here
      return false;
  }
}

/**
 * The statuses an order goes through when `event` arrives in `current`, in order; `[]` when the event
 * is stale (a redelivery, or a result overtaken by a later one). `acknowledges` says whether the
 * partner wants an acknowledgement: then a confirmation or a refusal is followed by `acknowledged`.
 */
export function transitionsOn(current: OrderStatus, event: OrderEvent, acknowledges: boolean): OrderStatus[] {
  if (!awaitingOdoo(current)) return [];
  const acknowledged = acknowledges ? [OrderStatus.Acknowledged] : [];
  switch (event) {
    case OrderEvent.Written:
      return current === OrderStatus.Written ? [] : [OrderStatus.Written];
    case OrderEvent.Confirmed:
      // A confirmation implies the order was written, even if its upsert result has not arrived yet.
      return [OrderStatus.Confirmed, ...acknowledged];
    case OrderEvent.Refused:
      return [OrderStatus.Rejected, ...acknowledged];
    case OrderEvent.Failed:
      return current === OrderStatus.Failed ? [] : [OrderStatus.Failed];
  }
}

/** The statuses a new order goes through at intake, given the validation's verdict. */
export function intakeTransitions(accepted: boolean, acknowledges: boolean): OrderStatus[] {
  if (accepted) return [OrderStatus.Received, OrderStatus.Validated, OrderStatus.Accepted];
  return [OrderStatus.Received, OrderStatus.Rejected, ...(acknowledges ? [OrderStatus.Acknowledged] : [])];
}
