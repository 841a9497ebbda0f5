// What a window's discrepancies become, pure: a machine may repair an order missing in Odoo or different
// there (its upsert + confirm again, through odoo.commands like order-intake's, keyed by the order's
// external id); a duplicate or an Odoo order with no origin is a person's decision (ops.exceptions).
import { createHash } from 'node:crypto';

import { assertUnreachable, CommandType, NO_COMMAND_BODY, type OdooCommand } from '@tradewind/contracts';

import { FINANCE_WORKFLOWS } from '../reconciliation/finance.reconciliation';
import {
  type Discrepancy,
  DiscrepancyClass,
  type PlatformOrder,
  PURCHASE_ORDER_WORKFLOW,
  SHIPMENT_WORKFLOW,
} from '../reconciliation/reconciliation';

export interface RedrivePlan {
  /** Orders to send again, each as [upsert, confirm], at most `maxOrders`. */
  readonly redriven: readonly {
    readonly discrepancy: Discrepancy;
    readonly commands: readonly OdooCommand[];
  }[];
  /** For a person: duplicates, orders with no origin, and repairs the platform cannot describe. */
  readonly forPerson: readonly { readonly discrepancy: Discrepancy; readonly reason: string }[];
  /** Repairs left for a later call by the rate limit. */
  readonly deferred: readonly Discrepancy[];
}

/** A UUID-shaped id from a hash of the seed (version 8): the same re-drive gives the same command ids. */
function commandId(seed: string): string {
  const hex = createHash('sha256').update(seed).digest('hex');
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function planRedrive(input: {
  readonly discrepancies: readonly Discrepancy[];
  readonly orders: ReadonlyMap<string, PlatformOrder>;
  /** Odoo product ids by SKU. */
  readonly products: ReadonlyMap<string, number>;
  readonly maxOrders: number;
  readonly issuedBy: string;
  readonly issuedAt: number;
  /** Distinguishes one re-drive from the next (the writer deduplicates on command ids). */
  readonly attempt: string;
}): RedrivePlan {
  const redriven: { discrepancy: Discrepancy; commands: OdooCommand[] }[] = [];
  const forPerson: { discrepancy: Discrepancy; reason: string }[] = [];
  const deferred: Discrepancy[] = [];
  for (const discrepancy of input.discrepancies) {
    // A supplier holds what it was sent: a machine must not send a purchase order again on its own.
    if (discrepancy.workflow === PURCHASE_ORDER_WORKFLOW) {
      if (discrepancy.class !== DiscrepancyClass.Stuck)
        forPerson.push({ discrepancy, reason: 'RECONCILIATION_PURCHASE_ORDER' });
      continue;
    }
    // shipments.state has no quantities to send again, and validating the order's open delivery after one
    // was validated by hand ships its backorder: a person looks at the delivery first.
    if (discrepancy.workflow === SHIPMENT_WORKFLOW) {
      if (discrepancy.class !== DiscrepancyClass.Stuck)
        forPerson.push({ discrepancy, reason: 'RECONCILIATION_SHIPMENT' });
      continue;
    }
    // Money: no machine pays, bills or cancels on its own; every finance class is a person's, stuck too.
    if (FINANCE_WORKFLOWS.has(discrepancy.workflow)) {
      forPerson.push({ discrepancy, reason: 'RECONCILIATION_FINANCE' });
      continue;
    }
    switch (discrepancy.class) {
      case DiscrepancyClass.DuplicatedInOdoo:
        forPerson.push({ discrepancy, reason: 'RECONCILIATION_DUPLICATE_IN_ODOO' });
        break;
      case DiscrepancyClass.NoPlatformOrigin:
        forPerson.push({ discrepancy, reason: 'RECONCILIATION_NO_PLATFORM_ORIGIN' });
        break;
      // Lost between the gateway and order-intake: replaying the partner's document is a person's call.
      case DiscrepancyClass.NotOnPlatform:
        forPerson.push({ discrepancy, reason: 'RECONCILIATION_NOT_ON_PLATFORM' });
        break;
      case DiscrepancyClass.MissingInOdoo:
      case DiscrepancyClass.FieldsDiffer: {
        const order = discrepancy.orderId === null ? undefined : input.orders.get(discrepancy.orderId);
        const commands = order === undefined ? undefined : commandsOf(order, input);
        if (commands === undefined) {
          forPerson.push({ discrepancy, reason: 'RECONCILIATION_CANNOT_REDRIVE' });
        } else if (redriven.length >= input.maxOrders) {
          deferred.push(discrepancy);
        } else {
          redriven.push({ discrepancy, commands });
        }
        break;
      }
      // Their own alerts and runbooks: the order's service moves them on, not a second command.
      case DiscrepancyClass.Stuck:
      case DiscrepancyClass.AcknowledgementNotSent:
        break;
      default:
        return assertUnreachable(discrepancy.class);
    }
  }
  return { redriven, forPerson, deferred };
}

function commandsOf(
  order: PlatformOrder,
  input: { products: ReadonlyMap<string, number>; issuedBy: string; issuedAt: number; attempt: string },
): OdooCommand[] | undefined {
  if (order.odooExternalId === null || order.odooPartnerId === null) return undefined;
  const lines = order.lines.map((line) => {
    const product = line.sku === null ? undefined : input.products.get(line.sku);
    return product === undefined || line.unitPrice === null
      ? undefined
      : {
          productRef: String(product),
          quantity: line.quantity,
          priceUnit: line.unitPrice,
          description: null,
        };
  });
  if (lines.some((line) => line === undefined)) return undefined;
  const envelope = { externalId: order.odooExternalId, issuedBy: input.issuedBy, issuedAt: input.issuedAt };
  const seed = `${order.orderId}\u0000redrive\u0000${input.attempt}`;
  return [
    {
      ...NO_COMMAND_BODY,
      ...envelope,
      commandId: commandId(`${seed}\u0000${CommandType.UpsertSaleOrder}`),
      type: CommandType.UpsertSaleOrder,
      upsertSaleOrder: {
        partnerRef: String(order.odooPartnerId),
        clientOrderRef: order.poNumber,
        dateOrder: null,
        pricelistRef: null,
        warehouseRef: null,
        note: `Re-driven by the reconciler: ${order.orderId}`,
        lines: lines.filter((line) => line !== undefined),
      },
    },
    {
      ...NO_COMMAND_BODY,
      ...envelope,
      commandId: commandId(`${seed}\u0000${CommandType.ConfirmSaleOrder}`),
      type: CommandType.ConfirmSaleOrder,
      confirmSaleOrder: { orderExternalId: order.odooExternalId },
    },
  ];
}
