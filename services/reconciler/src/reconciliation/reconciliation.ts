// The comparison itself, pure (no I/O): the platform's view of one window's orders against what Odoo holds,
// per partner and workflow, into classified discrepancies, counts and amounts, a verdict and a checksum.
import { createHash } from 'node:crypto';

import { OrderStatus } from '@tradewind/contracts';

/** orders.state carries partner sales orders only; other workflows join as their state topics land. */
export const SALES_ORDER_WORKFLOW = 'sales-order';

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
  /** The platform order; null for an Odoo record with no origin. */
  readonly orderId: string | null;
  readonly odooIds: readonly number[];
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

const round2 = (value: number) => Math.round(value * 100) / 100;

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
    for (const document of [...input.gateway.documents].sort((a, b) => compare(a.documentId, b.documentId))) {
      const summary = summaryOf(document.partnerId, SALES_ORDER_WORKFLOW);
      summary.received += 1;
      const onPlatform = input.gateway.onPlatform.has(document.documentId);
      if (!onPlatform && now - document.receivedAt > policy.stuckAfterMs) {
        raise(summary, {
          class: DiscrepancyClass.NotOnPlatform,
          orderId: null,
          odooIds: [],
          detail: `document ${document.documentId} (${document.businessRef ?? 'no reference'}) accepted by the gateway, no order on the platform`,
        });
      }
      prove(
        summary,
        `gateway:${document.documentId}\t${onPlatform ? 'on-platform' : 'absent'}\t${document.acknowledged ? 'acknowledged' : '-'}`,
      );
    }
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
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
