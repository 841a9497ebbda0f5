// The comparison itself, pure (no I/O): the platform's view of one window's orders against what Odoo holds,
// per partner and workflow, into classified discrepancies, counts and amounts, a verdict and a checksum.
import { createHash } from 'node:crypto';

import { OrderStatus, PurchaseOrderStatus, ShipmentMilestone } from '@tradewind/contracts';

import { type FinanceLeg, reconcileFinance } from './finance.reconciliation';

/**
 * orders.state carries partner sales orders; purchasing.state the purchase orders sent to suppliers;
 * shipments.state the shipments of customer orders (their deliveries validated in Odoo); finance.state
 * the invoices, bills and settlement entries (finance.reconciliation.ts).
 */
export const SALES_ORDER_WORKFLOW = 'sales-order';
export const PURCHASE_ORDER_WORKFLOW = 'purchase-order';
export const SHIPMENT_WORKFLOW = 'shipment';

export enum DiscrepancyClass {
  /** Accepted and written (or its command is overdue) but no sale order in Odoo. */
  MissingInOdoo = 'missing_in_odoo',
  /** More than one Odoo sale order for one platform order. */
  DuplicatedInOdoo = 'duplicated_in_odoo',
  /** One sale order, but its line quantities, prices or amount differ from the platform's. */
  FieldsDiffer = 'fields_differ',
  /** No final state within the SLA. */
  Stuck = 'stuck',
  /** An Odoo sale order of a platform customer that no platform order explains (created by hand). */
  NoPlatformOrigin = 'no_platform_origin',
  /** Decided (confirmed or rejected) but the partner's acknowledgement never followed within the SLA. */
  AcknowledgementNotSent = 'acknowledgement_not_sent',
  /** Accepted by the gateway (202, on ingress.documents) but no platform order names it within the SLA. */
  NotOnPlatform = 'not_on_platform',
}

export const DISCREPANCY_CLASSES: readonly DiscrepancyClass[] = Object.values(DiscrepancyClass);

/** What the reconciler keeps of one orders.state record. */
export interface PlatformOrder {
  readonly orderId: string;
  readonly partnerId: string;
  readonly poNumber: string;
  readonly status: OrderStatus;
  readonly odooExternalId: string | null;
  readonly odooPartnerId: number | null;
  /** Our customer id (orders.state's customerRef): its Odoo id comes from the partner's mapping set. */
  readonly customerRef?: string | null;
  readonly rejected: boolean;
  readonly lines: readonly {
    readonly sku: string | null;
    readonly quantity: number;
    readonly unitPrice: number | null;
  }[];
  /** When the reconciler first saw the order (its window), epoch ms. */
  readonly receivedAt: number;
  /** The gateway's documents (tracking ids) of the order, resubmissions included. */
  readonly documentIds?: readonly string[];
}

/** One document the gateway accepted (ingress.documents), and whether partners.outbound answered it. */
export interface GatewayDocument {
  readonly documentId: string;
  readonly partnerId: string;
  /** ingress.documents' `documentType` (`sales-order`, `po-acknowledgement`, `supplier-ship-notice`). */
  readonly documentType?: string;
  readonly businessRef: string | null;
  /** The gateway's receipt, epoch ms. */
  readonly receivedAt: number;
  /** An acknowledgement relating to it reached partners.outbound. */
  readonly acknowledged: boolean;
}

export interface OdooSaleOrder {
  readonly id: number;
  readonly name: string;
  /** `tradewind.so_…` when the odoo-writer made it; null for one created by hand. */
  readonly externalId: string | null;
  readonly clientOrderRef: string | null;
  readonly partnerId: number | null;
  readonly state: string;
  readonly amountUntaxed: number;
  readonly lines: readonly {
    readonly sku: string | null;
    readonly quantity: number;
    readonly priceUnit: number;
  }[];
}

/** What the reconciler keeps of one purchasing.state record: the latest revision sent to the supplier. */
export interface PlatformPurchaseOrder {
  /** `odoo/<purchase.order id>`. */
  readonly purchaseOrderId: string;
  readonly odooOrderId: number;
  readonly poNumber: string;
  readonly supplierId: string;
  readonly revision: number;
  readonly status: PurchaseOrderStatus;
  /** As sent: the quantity and price per supplier unit, and our Units in one. */
  readonly lines: readonly {
    readonly sku: string;
    readonly quantity: number;
    readonly unitsPerUom: number;
    readonly unitPrice: number;
  }[];
  /** When the reconciler first saw it (its window), epoch ms. */
  readonly receivedAt: number;
  /** When the latest revision was sent (its trace's last `sent`), epoch ms; null if never sent. */
  readonly sentAt: number | null;
}

export interface OdooPurchaseOrder {
  readonly id: number;
  readonly name: string;
  /** The vendor (res.partner id). */
  readonly partnerId: number | null;
  /** draft, sent, to approve, purchase, done, cancel. */
  readonly state: string;
  readonly amountUntaxed: number;
  /** Odoo's write_date, epoch ms. */
  readonly writtenAt: number;
  readonly lines: readonly {
    readonly sku: string | null;
    /** product_qty, in the line's unit. */
    readonly quantity: number;
    /** product_uom_qty: the same in the product's unit (Units). */
    readonly units: number;
    /** price_unit, per the line's unit. */
    readonly priceUnit: number;
  }[];
}

/** The purchase-order workflow of a window: what purchasing.state says was sent, what Odoo holds. */
export interface PurchasingLeg {
  /** The window's purchase orders on purchasing.state. */
  readonly orders: readonly PlatformPurchaseOrder[];
  /** Odoo's purchase orders of those, and those written in the window for the suppliers' vendors. */
  readonly odoo: readonly OdooPurchaseOrder[];
  /** Odoo vendor id → the catalog's supplier (`purchasing.odooVendorRef`). */
  readonly suppliers: ReadonlyMap<number, string>;
  /** The supplier's acknowledgement SLA (catalog `sla.acknowledgeWithinMinutes`), ms. */
  readonly acknowledgeWithinMs: (supplierId: string) => number;
  /** Odoo purchase orders that purchasing.state has in another window. */
  readonly knownOrigins?: (odooOrderId: number) => boolean;
  /**
   * The gateway's leg: the suppliers' acknowledgements and ship notices the gateway accepted in the window,
   * and which of them a purchase order's trace (`trace[].documentId`, of any window) names.
   */
  readonly gateway?: {
    readonly documents: readonly GatewayDocument[];
    readonly onPlatform: ReadonlySet<string>;
  };
}

/** What the reconciler keeps of one shipments.state record. */
export interface PlatformShipment {
  /** `<carrier>/<trackingNumber>/<shipDate>`. */
  readonly shipmentId: string;
  /** What shipments sends as the delivery's `carrier_tracking_ref`. */
  readonly trackingNumber: string;
  readonly milestone: ShipmentMilestone;
  readonly terminal: boolean;
  /** The customer orders a ship notice put in it; `pickingValidation` is its validate_picking's commandId. */
  readonly orders: readonly {
    readonly partnerId: string;
    readonly poNumber: string;
    readonly pickingValidation: string | null;
  }[];
  readonly proofOfDelivery: boolean;
  /** When the reconciler first saw it (its window), epoch ms. */
  readonly receivedAt: number;
}

/** One outgoing stock.picking (a delivery) of a sale order, with what its sale order says. */
export interface OdooDelivery {
  readonly id: number;
  readonly name: string;
  readonly saleOrderId: number;
  /** draft, waiting, confirmed, assigned, done, cancel. */
  readonly state: string;
  /** date_done, epoch ms; null until validated. */
  readonly doneAt: number | null;
  /** carrier_tracking_ref: shipments' tracking number when the odoo-writer validated it. */
  readonly trackingRef: string | null;
  /** The sale order's customer (res.partner id) and client_order_ref (our PO). */
  readonly customerId: number | null;
  readonly clientOrderRef: string | null;
}

/** The shipment workflow of a window: what shipments.state says shipped, what Odoo validated. */
export interface ShipmentLeg {
  /** The window's shipments on shipments.state. */
  readonly shipments: readonly PlatformShipment[];
  /** Sale order id per shipment order (`shipmentOrderKey`), found by the writer's external id. */
  readonly saleOrders: ReadonlyMap<string, number>;
  /** Odoo's deliveries of those sale orders, and those validated in the window for the platform's customers. */
  readonly deliveries: readonly OdooDelivery[];
  /** Odoo customer id → our partner: whose validated deliveries are the platform's to explain. */
  readonly customers: ReadonlyMap<number, string>;
  /** The window, epoch ms: a delivery validated in it that no shipment explains is the window's. */
  readonly validatedFrom: number;
  readonly validatedTo: number;
  /** A shipment not terminal this long after it was first seen is stuck (carriers take days). */
  readonly deliverWithinMs: number;
  /** Done deliveries that a shipment of another window names (its order and tracking number). */
  readonly knownOrigins?: (delivery: OdooDelivery) => boolean;
}

export const shipmentOrderKey = (partnerId: string, poNumber: string) => `${partnerId}\u0000${poNumber}`;

/** Milestones after the goods left: a ship notice's orders must have had their picking validation. */
const SHIPPED = new Set<ShipmentMilestone>([
  ShipmentMilestone.Shipped,
  ShipmentMilestone.InTransit,
  ShipmentMilestone.OutForDelivery,
  ShipmentMilestone.AvailableForPickup,
  ShipmentMilestone.DeliveryFailed,
  ShipmentMilestone.Delivered,
  ShipmentMilestone.ReturnedToSender,
]);

/** Odoo's states of a confirmed purchase order: purchase-orders sends these. */
const PO_CONFIRMED = new Set(['purchase', 'done']);
/** purchasing.state statuses of an order the supplier has (its latest revision sent). */
const PO_WITH_SUPPLIER = new Set<PurchaseOrderStatus>([
  PurchaseOrderStatus.Sent,
  PurchaseOrderStatus.Acknowledged,
  PurchaseOrderStatus.Changed,
  PurchaseOrderStatus.Rejected,
  PurchaseOrderStatus.Shipped,
  PurchaseOrderStatus.Received,
]);

export function purchaseOrderAmount(order: PlatformPurchaseOrder): number {
  return round2(order.lines.reduce((sum, line) => sum + line.quantity * line.unitPrice, 0));
}

/**
 * Why Odoo's purchase order differs from the revision sent, or undefined when equal: per SKU, the Units
 * (sent: quantity × units per supplier unit; Odoo: product_uom_qty) and the amount (quantity × price on
 * each side, whatever the unit; the price sent is per supplier unit rounded to 4 decimals).
 */
export function purchaseOrderDifferences(
  order: PlatformPurchaseOrder,
  odoo: OdooPurchaseOrder,
): string | undefined {
  const sent = new Map<string, { units: number; amount: number; quantity: number }>();
  const held = new Map<string, { units: number; amount: number; quantity: number }>();
  const add = (totals: typeof sent, sku: string, units: number, amount: number, quantity: number) => {
    const total = totals.get(sku) ?? { units: 0, amount: 0, quantity: 0 };
    totals.set(sku, {
      units: total.units + units,
      amount: total.amount + amount,
      quantity: total.quantity + quantity,
    });
  };
  for (const line of order.lines)
    add(sent, line.sku, line.quantity * line.unitsPerUom, line.quantity * line.unitPrice, line.quantity);
  for (const line of odoo.lines)
    add(held, line.sku ?? '?', line.units, line.quantity * line.priceUnit, line.quantity);
  const problems: string[] = [];
  for (const sku of [...new Set([...sent.keys(), ...held.keys()])].sort(compare)) {
    const a = sent.get(sku) ?? { units: 0, amount: 0, quantity: 0 };
    const b = held.get(sku) ?? { units: 0, amount: 0, quantity: 0 };
    if (Math.abs(a.units - b.units) > 1e-6) {
      problems.push(
        `${sku}: ${round6(a.units)} Units sent (revision ${order.revision}), ${round6(b.units)} in Odoo`,
      );
    } else if (Math.abs(a.amount - b.amount) > AMOUNT_TOLERANCE + 0.00005 * a.quantity) {
      problems.push(
        `${sku}: price ${round2(a.amount).toFixed(2)} sent for ${round6(a.units)} Units (revision ${order.revision}), ${round2(b.amount).toFixed(2)} in Odoo`,
      );
    }
  }
  return problems.length === 0 ? undefined : problems.join('; ');
}

const round6 = (value: number) => Math.round(value * 1e6) / 1e6;

export interface ReconciliationPolicy {
  /** An order not final this long after it was received is stuck (and its command overdue). */
  readonly stuckAfterMs: number;
  /** A decided order not acknowledged this long after it was received lacks its acknowledgement. */
  readonly acknowledgeWithinMs: number;
}

export interface Discrepancy {
  readonly class: DiscrepancyClass;
  readonly partnerId: string;
  readonly workflow: string;
  /** The platform order (a purchase order's id, a shipment's id); null for an Odoo record with no origin. */
  readonly orderId: string | null;
  readonly odooIds: readonly number[];
  /** The gateway's document (tracking id) a `not_on_platform` of the gateway's leg is about. */
  readonly documentId?: string;
  readonly detail: string;
}

export interface PartnerSummary {
  readonly partnerId: string;
  readonly workflow: string;
  readonly orders: number;
  /** Documents the gateway accepted in the window (its 202s), when the gateway's leg is reconciled. */
  readonly received: number;
  /** Orders that must be in Odoo, and those found there exactly once and equal. */
  readonly expectedInOdoo: number;
  readonly matchedInOdoo: number;
  readonly amount: number;
  readonly odooAmount: number;
  readonly discrepancies: Readonly<Record<DiscrepancyClass, number>>;
  readonly verdict: 'complete' | 'discrepancies';
  /** sha256 of this partner's counts and sorted keys and amounts. */
  readonly checksum: string;
}

export interface WindowReconciliation {
  readonly partners: readonly PartnerSummary[];
  readonly discrepancies: readonly Discrepancy[];
  readonly verdict: 'complete' | 'discrepancies';
  /** sha256 of the partners' checksums (counts, sorted keys and amounts): the window's proof, checkable later. */
  readonly checksum: string;
}

const AMOUNT_TOLERANCE = 0.005;
const PRE_DECISION = new Set<OrderStatus>([OrderStatus.Received, OrderStatus.Validated]);
const IN_ODOO = new Set<OrderStatus>([OrderStatus.Written, OrderStatus.Confirmed, OrderStatus.Acknowledged]);
const AWAITING_ACK = new Set<OrderStatus>([OrderStatus.Confirmed, OrderStatus.Rejected]);
const DECIDED = new Set<OrderStatus>([OrderStatus.Confirmed, OrderStatus.Rejected, OrderStatus.Acknowledged]);

/** Platform orders that had an Odoo command (accepted, not refused). */
function wasAccepted(order: PlatformOrder): boolean {
  return order.odooExternalId !== null && !order.rejected && !PRE_DECISION.has(order.status);
}

export const round2 = (value: number) => Math.round(value * 100) / 100;

export function platformAmount(order: PlatformOrder): number {
  return round2(order.lines.reduce((sum, line) => sum + line.quantity * (line.unitPrice ?? 0), 0));
}

const partnerKey = (partnerId: string, workflow: string) => `${partnerId}\u0000${workflow}`;

/** Why one Odoo sale order differs from its platform order, or undefined when equal. */
export function fieldDifferences(order: PlatformOrder, odoo: OdooSaleOrder): string | undefined {
  if (sameLines(order, odoo)) return undefined;
  const bySku = (lines: readonly { sku: string | null; quantity: number }[]) => {
    const totals = new Map<string, number>();
    for (const line of lines) totals.set(line.sku ?? '?', (totals.get(line.sku ?? '?') ?? 0) + line.quantity);
    return totals;
  };
  const ours = bySku(order.lines);
  const theirs = bySku(odoo.lines);
  const problems: string[] = [];
  for (const sku of [...new Set([...ours.keys(), ...theirs.keys()])].sort()) {
    const a = ours.get(sku) ?? 0;
    const b = theirs.get(sku) ?? 0;
    if (Math.abs(a - b) > 1e-9) problems.push(`${sku}: quantity ${a} on the platform, ${b} in Odoo`);
  }
  const priced = order.lines.every((line) => line.unitPrice !== null);
  const amount = platformAmount(order);
  if (priced && Math.abs(amount - odoo.amountUntaxed) > AMOUNT_TOLERANCE) {
    problems.push(`amount ${amount} on the platform, ${round2(odoo.amountUntaxed)} in Odoo`);
  }
  return problems.length === 0 ? undefined : problems.join('; ');
}

/**
 * The common case without building maps: the same lines in the same order (SKU, quantity) and, when
 * priced, the same untaxed amount. False only means "compare properly".
 */
function sameLines(order: PlatformOrder, odoo: OdooSaleOrder): boolean {
  if (order.lines.length !== odoo.lines.length) return false;
  let priced = true;
  for (let i = 0; i < order.lines.length; i++) {
    const ours = order.lines[i];
    const theirs = odoo.lines[i];
    if ((ours.sku ?? '?') !== (theirs.sku ?? '?') || Math.abs(ours.quantity - theirs.quantity) > 1e-9)
      return false;
    if (ours.unitPrice === null) priced = false;
  }
  return !priced || Math.abs(platformAmount(order) - odoo.amountUntaxed) <= AMOUNT_TOLERANCE;
}

/**
 * Reconciles one window. `odoo` holds every sale order found for the window's orders (by external id and
 * by client_order_ref) and those Odoo wrote in the window; `knownOrigins` says which of the unmatched ones
 * belong to platform orders of other windows (they are not "no origin").
 */
export function reconcileWindow(input: {
  readonly orders: readonly PlatformOrder[];
  readonly odoo: readonly OdooSaleOrder[];
  readonly now: number;
  readonly policy: ReconciliationPolicy;
  readonly knownOrigins?: (record: OdooSaleOrder) => boolean;
  /** Odoo customer → platform partner, beyond the window's own orders (for records with no origin). */
  readonly customers?: ReadonlyMap<number, string>;
  /**
   * The third leg: the documents the gateway accepted in the window, and which of them some platform
   * order (of any window) names. Without it only the platform and Odoo are compared.
   */
  readonly gateway?: {
    readonly documents: readonly GatewayDocument[];
    readonly onPlatform: ReadonlySet<string>;
    /** The orders' documents the gateway's leg knows, each with whether partners.outbound answered it. */
    readonly acknowledgements: ReadonlyMap<string, boolean>;
    /** Partners that are sent an acknowledgement of each order (the catalog's `acknowledgements.order`). */
    readonly acknowledges: (partnerId: string) => boolean;
  };
  /** The purchase-order workflow (purchasing.state against Odoo's purchase.order), per supplier. */
  readonly purchasing?: PurchasingLeg;
  /** The shipment workflow (shipments.state against Odoo's deliveries), per customer partner. */
  readonly shipments?: ShipmentLeg;
  /** The finance workflows (finance.state against Odoo's account.move), per customer, supplier and bank. */
  readonly finance?: FinanceLeg;
}): WindowReconciliation {
  const { orders, now, policy } = input;
  // A cancelled sale order is not there: the order it stood for is missing.
  const unique = new Map<number, OdooSaleOrder>();
  for (const record of input.odoo) if (record.state !== 'cancel') unique.set(record.id, record);
  const odoo = [...unique.values()];
  const byExternalId = new Map<string, OdooSaleOrder[]>();
  // By reference only the records without an external id: one with an external id is found by it, or is
  // another order's whatever its reference says.
  const byRef = new Map<string, OdooSaleOrder[]>();
  for (const record of odoo) {
    if (record.externalId !== null) push(byExternalId, record.externalId, record);
    else if (record.clientOrderRef !== null)
      push(byRef, `${record.partnerId}\u0000${record.clientOrderRef}`, record);
  }
  const partnerOfOdooCustomer = new Map<number, string>(input.customers ?? []);
  for (const order of orders) {
    if (order.odooPartnerId !== null) partnerOfOdooCustomer.set(order.odooPartnerId, order.partnerId);
  }

  const claimed = new Set<number>();
  const discrepancies: Discrepancy[] = [];
  const summaries = new Map<string, MutableSummary>();
  const summaryOf = (partnerId: string, workflow: string) => {
    const key = partnerKey(partnerId, workflow);
    let summary = summaries.get(key);
    if (!summary) {
      summary = emptySummary(partnerId, workflow);
      summaries.set(key, summary);
    }
    return summary;
  };
  const raise = (summary: MutableSummary, discrepancy: Omit<Discrepancy, 'partnerId' | 'workflow'>) => {
    discrepancies.push({ ...discrepancy, partnerId: summary.partnerId, workflow: summary.workflow });
    summary.discrepancies[discrepancy.class] += 1;
  };
  const proofs = new Map<MutableSummary, string[]>();
  const prove = (summary: MutableSummary, line: string) => {
    const lines = proofs.get(summary);
    if (lines) lines.push(line);
    else proofs.set(summary, [line]);
  };

  // In the view's order: the proof's lines are sorted below, and the orders' discrepancies after the loop.
  for (const order of orders) {
    const summary = summaryOf(order.partnerId, SALES_ORDER_WORKFLOW);
    const amount = platformAmount(order);
    summary.orders += 1;
    summary.amount = round2(summary.amount + amount);
    const age = now - order.receivedAt;
    // Distinct records (by external id, and by reference those without one), by id.
    const byXid = order.odooExternalId === null ? undefined : byExternalId.get(order.odooExternalId);
    const byPo =
      order.odooPartnerId === null || byRef.size === 0
        ? undefined
        : byRef.get(`${order.odooPartnerId}\u0000${order.poNumber}`);
    const found = byPo === undefined ? (byXid ?? []) : [...(byXid ?? []), ...byPo];
    if (found.length > 1) found.sort((a, b) => a.id - b.id);
    for (const record of found) claimed.add(record.id);
    const odooIds = found.map((record) => record.id);

    const accepted = wasAccepted(order);
    const expected = accepted && (IN_ODOO.has(order.status) || age > policy.stuckAfterMs);
    if (expected) summary.expectedInOdoo += 1;
    if (accepted && found.length > 1) {
      raise(summary, {
        class: DiscrepancyClass.DuplicatedInOdoo,
        orderId: order.orderId,
        odooIds,
        detail: `${found.length} sale orders: ${found.map((record) => record.name).join(', ')}`,
      });
    } else if (expected && found.length === 0) {
      raise(summary, {
        class: DiscrepancyClass.MissingInOdoo,
        orderId: order.orderId,
        odooIds,
        detail: `${order.status} on the platform, no sale order ${order.odooExternalId} in Odoo`,
      });
    } else if (accepted && found.length === 1) {
      const differences = fieldDifferences(order, found[0]);
      summary.odooAmount = round2(summary.odooAmount + found[0].amountUntaxed);
      if (differences !== undefined) {
        raise(summary, {
          class: DiscrepancyClass.FieldsDiffer,
          orderId: order.orderId,
          odooIds,
          detail: differences,
        });
      } else if (expected) {
        summary.matchedInOdoo += 1;
      }
    }
    if (!isFinal(order) && !AWAITING_ACK.has(order.status) && age > policy.stuckAfterMs) {
      raise(summary, {
        class: DiscrepancyClass.Stuck,
        orderId: order.orderId,
        odooIds,
        detail: `${order.status} for ${Math.round(age / 1000)} s`,
      });
    }
    // What partners were told: the acknowledgement on partners.outbound, where the gateway's documents
    // of the order are known; else the order's own status.
    const tracked = (order.documentIds ?? []).flatMap((id) => {
      const acknowledged = input.gateway?.acknowledgements.get(id);
      return acknowledged === undefined ? [] : [acknowledged];
    });
    const unacknowledged =
      input.gateway !== undefined && tracked.length > 0 && input.gateway.acknowledges(order.partnerId)
        ? DECIDED.has(order.status) && !tracked.includes(true)
        : AWAITING_ACK.has(order.status);
    if (unacknowledged && age > policy.acknowledgeWithinMs) {
      raise(summary, {
        class: DiscrepancyClass.AcknowledgementNotSent,
        orderId: order.orderId,
        odooIds,
        detail: `${order.status}, never acknowledged`,
      });
    }
    prove(summary, `${order.orderId}\t${order.status}\t${amount.toFixed(2)}\t${odooIds.length}`);
  }

  // The orders' discrepancies by order (stable: an order's own keep their order), as if iterated sorted.
  discrepancies.sort((a, b) => compare(a.orderId ?? '', b.orderId ?? ''));

  for (const record of odoo.sort((a, b) => a.id - b.id)) {
    if (claimed.has(record.id) || record.partnerId === null) continue;
    const partnerId = partnerOfOdooCustomer.get(record.partnerId);
    // Sale orders of customers no platform order names are the sales team's, not ours to judge.
    if (partnerId === undefined || input.knownOrigins?.(record) === true) continue;
    const summary = summaryOf(partnerId, SALES_ORDER_WORKFLOW);
    raise(summary, {
      class: DiscrepancyClass.NoPlatformOrigin,
      orderId: null,
      odooIds: [record.id],
      detail: `${record.name} (${record.clientOrderRef ?? 'no reference'}) has no platform order`,
    });
    prove(summary, `odoo:${record.id}\tno-origin\t${round2(record.amountUntaxed).toFixed(2)}\t1`);
  }

  if (input.gateway !== undefined) {
    reconcileGatewayDocuments(
      SALES_ORDER_WORKFLOW,
      input.gateway,
      { now, policy, summaryOf, raise, prove },
      {
        absent: 'no order on the platform',
        proof: (document, onPlatform) =>
          `gateway:${document.documentId}\t${onPlatform ? 'on-platform' : 'absent'}\t${document.acknowledged ? 'acknowledged' : '-'}`,
      },
    );
  }

  if (input.purchasing !== undefined) {
    reconcilePurchasing(input.purchasing, { now, policy, summaryOf, raise, prove });
  }
  if (input.shipments !== undefined) {
    reconcileShipments(input.shipments, { now, policy, summaryOf, raise, prove });
  }

  if (input.finance !== undefined) {
    reconcileFinance(input.finance, { now, policy, summaryOf, raise, prove });
  }

  const partners = [...summaries.values()]
    .sort((a, b) => compare(partnerKey(a.partnerId, a.workflow), partnerKey(b.partnerId, b.workflow)))
    .map((summary) => {
      const counts = [
        summary.partnerId,
        summary.workflow,
        summary.orders,
        summary.received,
        summary.expectedInOdoo,
        summary.matchedInOdoo,
        summary.amount.toFixed(2),
        ...DISCREPANCY_CLASSES.map((c) => summary.discrepancies[c]),
      ];
      const checksum = createHash('sha256')
        .update(JSON.stringify(counts))
        .update('\n')
        .update((proofs.get(summary) ?? []).sort().join('\n')) // code-unit order, as compare()
        .digest('hex');
      const verdict = DISCREPANCY_CLASSES.some((c) => summary.discrepancies[c] > 0)
        ? ('discrepancies' as const)
        : ('complete' as const);
      return { ...summary, verdict, checksum };
    });
  const checksum = createHash('sha256')
    .update(partners.map((p) => `${p.partnerId}\t${p.workflow}\t${p.checksum}`).join('\n'))
    .digest('hex');
  return {
    partners,
    discrepancies,
    verdict: partners.some((p) => p.verdict === 'discrepancies') ? 'discrepancies' : 'complete',
    checksum,
  };
}

/**
 * The purchase-order workflow into the window's summaries (workflow `purchase-order`, per supplier), with
 * the sales path's classes: sent but its Odoo order cancelled or gone (missing_in_odoo), the latest
 * revision sent and Odoo's order differ (fields_differ), confirmed in Odoo and never on purchasing.state
 * (not_on_platform), held past the SLA or not acknowledged within the supplier's (stuck).
 */
function reconcilePurchasing(leg: PurchasingLeg, context: LegContext): void {
  const { now, policy, summaryOf, raise, prove } = context;
  const odooById = new Map(leg.odoo.map((record) => [record.id, record]));
  const claimed = new Set<number>();
  const orders = [...leg.orders].sort((a, b) => compare(a.purchaseOrderId, b.purchaseOrderId));
  for (const order of orders) {
    const summary = summaryOf(order.supplierId, PURCHASE_ORDER_WORKFLOW);
    const amount = purchaseOrderAmount(order);
    summary.orders += 1;
    summary.amount = round2(summary.amount + amount);
    const record = odooById.get(order.odooOrderId);
    claimed.add(order.odooOrderId);
    const odooIds = record === undefined ? [] : [record.id];
    const base = { orderId: order.purchaseOrderId, odooIds };
    if (PO_WITH_SUPPLIER.has(order.status)) {
      summary.expectedInOdoo += 1;
      if (record === undefined || record.state === 'cancel') {
        raise(summary, {
          ...base,
          class: DiscrepancyClass.MissingInOdoo,
          detail: `${order.poNumber} ${order.status} with the supplier (revision ${order.revision}), ${record === undefined ? 'no purchase order in Odoo' : `${record.name} cancelled in Odoo`}`,
        });
      } else {
        summary.odooAmount = round2(summary.odooAmount + record.amountUntaxed);
        const differences = purchaseOrderDifferences(order, record);
        if (differences !== undefined) {
          raise(summary, { ...base, class: DiscrepancyClass.FieldsDiffer, detail: differences });
        } else {
          summary.matchedInOdoo += 1;
        }
      }
      const ackWithin = leg.acknowledgeWithinMs(order.supplierId);
      if (
        order.status === PurchaseOrderStatus.Sent &&
        order.sentAt !== null &&
        now - order.sentAt > ackWithin
      ) {
        raise(summary, {
          ...base,
          class: DiscrepancyClass.Stuck,
          detail: `${order.poNumber} revision ${order.revision} sent ${Math.round((now - order.sentAt) / 60_000)} min ago, not acknowledged within the supplier's ${Math.round(ackWithin / 60_000)} min`,
        });
      }
    } else if (order.status === PurchaseOrderStatus.Cancelled) {
      if (record !== undefined && PO_CONFIRMED.has(record.state)) {
        raise(summary, {
          ...base,
          class: DiscrepancyClass.NotOnPlatform,
          detail: `${record.name} confirmed in Odoo, cancelled on the platform (revision ${order.revision})`,
        });
      }
    } else if (now - order.receivedAt > policy.stuckAfterMs) {
      // held (not sendable) or unknown: never reached the supplier.
      raise(summary, {
        ...base,
        class: DiscrepancyClass.Stuck,
        detail: `${order.poNumber} ${order.status} for ${Math.round((now - order.receivedAt) / 1000)} s, never sent`,
      });
    }
    prove(
      summary,
      `${order.purchaseOrderId}\t${order.status}\tr${order.revision}\t${amount.toFixed(2)}\t${record === undefined ? '-' : record.state}`,
    );
  }
  for (const record of [...leg.odoo].sort((a, b) => a.id - b.id)) {
    if (claimed.has(record.id) || record.partnerId === null || !PO_CONFIRMED.has(record.state)) continue;
    const supplierId = leg.suppliers.get(record.partnerId);
    // Vendors the catalog does not name are bought from by hand: not the platform's to send.
    if (supplierId === undefined || leg.knownOrigins?.(record.id) === true) continue;
    if (now - record.writtenAt <= policy.stuckAfterMs) continue;
    const summary = summaryOf(supplierId, PURCHASE_ORDER_WORKFLOW);
    raise(summary, {
      class: DiscrepancyClass.NotOnPlatform,
      orderId: `odoo/${record.id}`,
      odooIds: [record.id],
      detail: `${record.name} ${record.state} in Odoo, never sent to the supplier (not on purchasing.state)`,
    });
    prove(summary, `odoo-po:${record.id}\tnot-on-platform\t${round2(record.amountUntaxed).toFixed(2)}`);
  }
  if (leg.gateway !== undefined) {
    reconcileGatewayDocuments(PURCHASE_ORDER_WORKFLOW, leg.gateway, context, {
      // A supplier document purchase-orders refused (an order it never sent, a cancelled one, unreadable)
      // is on no trace: its refusal, if any, is an ops.exceptions record the reconciler does not read.
      absent: 'no purchase order on purchasing.state names it (refused? see ops.exceptions)',
      proof: (document, onPlatform) =>
        `gateway:${document.documentId}\t${document.documentType ?? '-'}\t${onPlatform ? 'on-platform' : 'absent'}`,
    });
  }
}

/**
 * The gateway's leg of one workflow: each document the gateway accepted in the window counts as received
 * for its partner, one that the workflow's state never names past the SLA is not_on_platform (the source
 * has what the platform lacks), and each has a proof line in its partner's checksum.
 */
function reconcileGatewayDocuments(
  workflow: string,
  gateway: { readonly documents: readonly GatewayDocument[]; readonly onPlatform: ReadonlySet<string> },
  context: LegContext,
  words: {
    readonly absent: string;
    readonly proof: (document: GatewayDocument, onPlatform: boolean) => string;
  },
): void {
  const { now, policy, summaryOf, raise, prove } = context;
  for (const document of [...gateway.documents].sort((a, b) => compare(a.documentId, b.documentId))) {
    const summary = summaryOf(document.partnerId, workflow);
    summary.received += 1;
    const onPlatform = gateway.onPlatform.has(document.documentId);
    if (!onPlatform && now - document.receivedAt > policy.stuckAfterMs) {
      raise(summary, {
        class: DiscrepancyClass.NotOnPlatform,
        orderId: null,
        odooIds: [],
        documentId: document.documentId,
        detail: `document ${document.documentId} (${document.businessRef ?? 'no reference'}) accepted by the gateway, ${words.absent}`,
      });
    }
    prove(summary, words.proof(document, onPlatform));
  }
}

/**
 * The shipment workflow into the window's summaries (workflow `shipment`, per customer partner), with the
 * sales path's classes. A shipment's order is validated in Odoo when a done outgoing delivery of its sale
 * order carries the shipment's tracking number (what the odoo-writer's ship-picking writes, and how it
 * knows a shipment was validated already): none past the SLA after the validation was sent is
 * missing_in_odoo, more than one duplicated_in_odoo; a delivery validated in the window for a platform
 * customer that no shipment names is no_platform_origin; a shipped order without its validation, or a
 * shipment not terminal within `deliverWithinMs`, is stuck. Shipments carry no amounts: 0 on both sides.
 */
function reconcileShipments(leg: ShipmentLeg, context: LegContext): void {
  const { now, policy, summaryOf, raise, prove } = context;
  const bySaleOrder = new Map<number, OdooDelivery[]>();
  const unique = new Map(leg.deliveries.map((delivery) => [delivery.id, delivery]));
  for (const delivery of [...unique.values()].sort((a, b) => a.id - b.id))
    push(bySaleOrder, delivery.saleOrderId, delivery);
  const claimed = new Set<number>();
  const shipments = [...leg.shipments].sort((a, b) => compare(a.shipmentId, b.shipmentId));
  for (const shipment of shipments) {
    const age = now - shipment.receivedAt;
    for (const order of shipment.orders) {
      const summary = summaryOf(order.partnerId, SHIPMENT_WORKFLOW);
      summary.orders += 1;
      const saleOrderId = leg.saleOrders.get(shipmentOrderKey(order.partnerId, order.poNumber));
      const deliveries = saleOrderId === undefined ? [] : (bySaleOrder.get(saleOrderId) ?? []);
      const validated = deliveries.filter(
        (d) => d.state === 'done' && d.trackingRef === shipment.trackingNumber,
      );
      for (const delivery of validated) claimed.add(delivery.id);
      const odooIds = validated.map((d) => d.id);
      const base = { orderId: shipment.shipmentId, odooIds };
      const what = `${order.poNumber} of ${shipment.shipmentId}`;
      if (order.pickingValidation !== null) {
        const expected = validated.length > 0 || age > policy.stuckAfterMs;
        if (expected) summary.expectedInOdoo += 1;
        if (validated.length > 1) {
          raise(summary, {
            ...base,
            class: DiscrepancyClass.DuplicatedInOdoo,
            detail: `${what}: ${validated.length} deliveries validated with tracking ${shipment.trackingNumber}: ${validated.map((d) => d.name).join(', ')}`,
          });
        } else if (validated.length === 1) {
          if (expected) summary.matchedInOdoo += 1;
        } else if (expected) {
          const held =
            saleOrderId === undefined
              ? 'no sale order in Odoo'
              : deliveries.length === 0
                ? 'no delivery in Odoo'
                : `Odoo's deliveries ${deliveries.map((d) => `${d.name} ${d.state}${d.trackingRef === null ? '' : ` (${d.trackingRef})`}`).join(', ')}`;
          raise(summary, {
            ...base,
            odooIds: deliveries.map((d) => d.id),
            class: DiscrepancyClass.MissingInOdoo,
            detail: `${what}: picking validation sent, no delivery validated with tracking ${shipment.trackingNumber}; ${held}`,
          });
        }
      } else if (SHIPPED.has(shipment.milestone) && age > policy.stuckAfterMs) {
        raise(summary, {
          ...base,
          class: DiscrepancyClass.Stuck,
          detail: `${what}: ${shipment.milestone}, its picking validation never sent`,
        });
      }
      if (!shipment.terminal && age > leg.deliverWithinMs) {
        raise(summary, {
          ...base,
          class: DiscrepancyClass.Stuck,
          detail: `${what}: ${shipment.milestone} for ${Math.round(age / 3_600_000)} h, not delivered within ${Math.round(leg.deliverWithinMs / 3_600_000)} h`,
        });
      }
      prove(
        summary,
        `${shipment.shipmentId}\t${order.poNumber}\t${shipment.milestone}\t${shipment.terminal ? 'terminal' : '-'}\t${shipment.proofOfDelivery ? 'pod' : '-'}\t${order.pickingValidation ?? '-'}\t${validated.map((d) => d.id).join(',') || '-'}`,
      );
    }
  }
  for (const delivery of [...unique.values()].sort((a, b) => a.id - b.id)) {
    if (claimed.has(delivery.id) || delivery.state !== 'done' || delivery.doneAt === null) continue;
    if (delivery.doneAt < leg.validatedFrom || delivery.doneAt >= leg.validatedTo) continue;
    const partnerId = delivery.customerId === null ? undefined : leg.customers.get(delivery.customerId);
    // Deliveries of customers no platform order names are the warehouse's, not ours to judge.
    if (partnerId === undefined || leg.knownOrigins?.(delivery) === true) continue;
    // Shipments and the validation it sends travel apart: the view may not have the shipment yet.
    if (now - delivery.doneAt <= policy.stuckAfterMs) continue;
    const summary = summaryOf(partnerId, SHIPMENT_WORKFLOW);
    raise(summary, {
      class: DiscrepancyClass.NoPlatformOrigin,
      orderId: null,
      odooIds: [delivery.id],
      detail: `${delivery.name} of ${delivery.clientOrderRef ?? 'no reference'} validated in Odoo (tracking ${delivery.trackingRef ?? 'none'}), no shipment names it`,
    });
    prove(summary, `odoo-picking:${delivery.id}\tno-origin\t${delivery.trackingRef ?? '-'}`);
  }
}

/** What a workflow's leg adds to the window: its summaries, discrepancies and proof lines. */
interface LegContext {
  readonly now: number;
  readonly policy: ReconciliationPolicy;
  readonly summaryOf: (partnerId: string, workflow: string) => MutableSummary;
  readonly raise: (summary: MutableSummary, discrepancy: Omit<Discrepancy, 'partnerId' | 'workflow'>) => void;
  readonly prove: (summary: MutableSummary, line: string) => void;
}

function isFinal(order: PlatformOrder): boolean {
  return order.status === OrderStatus.Acknowledged;
}

type MutableSummary = { -readonly [K in keyof PartnerSummary]: PartnerSummary[K] } & {
  discrepancies: Record<DiscrepancyClass, number>;
};

function emptySummary(partnerId: string, workflow: string): MutableSummary {
  return {
    partnerId,
    workflow,
    orders: 0,
    received: 0,
    expectedInOdoo: 0,
    matchedInOdoo: 0,
    amount: 0,
    odooAmount: 0,
    discrepancies: Object.fromEntries(DISCREPANCY_CLASSES.map((c) => [c, 0])) as Record<
      DiscrepancyClass,
      number
    >,
    verdict: 'complete',
    checksum: '',
  };
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

// Code-unit order, not the locale's: the checksum must not depend on the machine.
export const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
