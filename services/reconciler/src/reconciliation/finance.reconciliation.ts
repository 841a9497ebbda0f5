// The finance workflows of a window, pure (no I/O): finance.state's customer invoices, supplier invoices and
// settlement entries against Odoo's account.move, into the window's summaries with the sales path's classes.
import { FinanceStatus, FinanceSubject } from '@tradewind/contracts';

import {
  compare,
  type Discrepancy,
  DiscrepancyClass,
  type PartnerSummary,
  type ReconciliationPolicy,
  round2,
} from './reconciliation';

/**
 * The ops console's money workflows (four-eyes), as the invoices service names its exceptions: customer
 * and supplier invoices are `invoice`, settlement entries `payment`.
 */
export const INVOICE_WORKFLOW = 'invoice';
export const PAYMENT_WORKFLOW = 'payment';
export const FINANCE_WORKFLOWS: ReadonlySet<string> = new Set([INVOICE_WORKFLOW, PAYMENT_WORKFLOW]);

/** What the reconciler keeps of one finance.state record (the latest of its key). */
export interface PlatformFinanceRecord {
  /** `invoice/<odooId>`, `settlement/<partner>/<document>/<entry>`, `supplier-invoice/<partner>/<number>[/duplicate/<document>]`. */
  readonly key: string;
  readonly subject: FinanceSubject;
  readonly status: FinanceStatus;
  readonly partnerId: string | null;
  /** The invoice number, the supplier's invoice number or the bank's entry reference. */
  readonly reference: string;
  readonly currency: string;
  readonly amountMinor: number;
  readonly residualMinor: number | null;
  /** Supplier invoice billed, refused or posted: its vendor bill's external id. */
  readonly billExternalId: string | null;
  readonly reason: string | null;
  /** When the reconciler first saw the key (its window), epoch ms. */
  readonly receivedAt: number;
}

/** One account.move as the reconciler reads it, amounts in minor units (as the invoices service's book). */
export interface OdooMove {
  readonly id: number;
  readonly name: string;
  /** out_invoice, out_refund, in_invoice, in_refund, entry. */
  readonly moveType: string;
  /** draft, posted, cancel. */
  readonly state: string;
  /** not_paid, in_payment, paid, partial, reversed, blocked, invoicing_legacy. */
  readonly paymentState: string;
  readonly partnerId: number | null;
  /** A vendor bill's supplier invoice number. */
  readonly ref: string | null;
  /** `tradewind.bill_…` for a bill the odoo-writer made; null for one entered by hand. */
  readonly externalId: string | null;
  readonly amountUntaxedMinor: number;
  readonly amountTotalMinor: number;
  readonly amountResidualMinor: number;
  /** Odoo's write_date, epoch ms. */
  readonly writtenAt: number;
}

/** The finance workflows of a window: finance.state's records first seen in it, and what Odoo holds. */
export interface FinanceLeg {
  readonly records: readonly PlatformFinanceRecord[];
  /** The moves of those records, and the posted invoices and bills written in the window for the catalog's partners. */
  readonly odoo: readonly OdooMove[];
  /** Odoo customer (res.partner id) → the invoiced catalog partner whose mapping set names it. */
  readonly customers: ReadonlyMap<number, string>;
  /** Odoo vendor (res.partner id) → the catalog's supplier (`purchasing.odooVendorRef`). */
  readonly vendors: ReadonlyMap<number, string>;
  /** How long after Odoo posts an invoice the customer's export has run: its batch window and the SLA, ms. */
  readonly exportWithinMs: (partnerId: string) => number;
  /** finance.state keys the view has in another window (an Odoo move written now of an older record). */
  readonly knownKeys?: (key: string) => boolean;
}

/** The counts and amounts of one partner's summary this leg adds to (the window's own mutable summaries). */
type Tally = {
  -readonly [K in 'orders' | 'expectedInOdoo' | 'matchedInOdoo' | 'amount' | 'odooAmount']: number;
} & Pick<PartnerSummary, 'partnerId' | 'workflow'>;

/** Minor units as the summaries' amounts (the invoices service's book counts cents). */
const major = (minor: number) => Math.round(minor) / 100;
const money = (minor: number) => major(minor).toFixed(2);

const INVOICE_MOVES = new Set(['out_invoice', 'out_refund']);
const PAID = new Set(['paid', 'in_payment']);
/** The platform's invoice states that say Odoo holds the move posted (exported: sent to the customer). */
const INVOICE_IN_ODOO = new Set<FinanceStatus>([
  FinanceStatus.Open,
  FinanceStatus.PartiallyPaid,
  FinanceStatus.Paid,
  FinanceStatus.Exported,
]);

export const invoiceKey = (odooId: number) => `invoice/${odooId}`;
export const supplierInvoiceKey = (supplierId: string, invoiceNumber: string) =>
  `supplier-invoice/${supplierId}/${invoiceNumber}`;

/** `invoice/<odooId>` → the account.move id, or null for another key. */
export function invoiceIdOf(key: string): number | null {
  const match = /^invoice\/(\d+)$/.exec(key);
  return match === null ? null : Number(match[1]);
}

/**
 * Why Odoo's customer invoice differs from what the platform says of it, or undefined when equal: posted,
 * its total the platform's, and when the platform says it is paid (or partly), Odoo's payment state and
 * residual. An exported or open invoice's residual is not compared: a payment after the export moves it.
 */
export function invoiceDifferences(record: PlatformFinanceRecord, move: OdooMove): string | undefined {
  const problems: string[] = [];
  if (move.state !== 'posted')
    problems.push(`${move.name} ${move.state} in Odoo, ${record.status} on the platform`);
  if (move.amountTotalMinor !== record.amountMinor)
    problems.push(
      `total ${money(record.amountMinor)} on the platform, ${money(move.amountTotalMinor)} in Odoo`,
    );
  if (record.status === FinanceStatus.Paid && !PAID.has(move.paymentState))
    problems.push(`paid on the platform, ${move.paymentState} in Odoo`);
  if (record.status === FinanceStatus.PartiallyPaid && move.paymentState !== 'partial')
    problems.push(`partially paid on the platform, ${move.paymentState} in Odoo`);
  if (
    (record.status === FinanceStatus.Paid || record.status === FinanceStatus.PartiallyPaid) &&
    move.amountResidualMinor !== (record.residualMinor ?? 0)
  )
    problems.push(
      `residual ${money(record.residualMinor ?? 0)} on the platform, ${money(move.amountResidualMinor)} in Odoo`,
    );
  return problems.length === 0 ? undefined : problems.join('; ');
}

/**
 * Why Odoo's vendor bill differs from the supplier invoice posted, or undefined: posted, and its untaxed
 * amount what was billed (the invoices service bills quantity × the invoiced price, no taxes).
 */
export function billDifferences(record: PlatformFinanceRecord, bill: OdooMove): string | undefined {
  const problems: string[] = [];
  if (bill.state !== 'posted')
    problems.push(`${bill.name} ${bill.state} in Odoo, ${record.status} on the platform`);
  if (bill.amountUntaxedMinor !== record.amountMinor)
    problems.push(
      `billed ${money(record.amountMinor)} on the platform, ${money(bill.amountUntaxedMinor)} in Odoo`,
    );
  return problems.length === 0 ? undefined : problems.join('; ');
}

/**
 * The finance workflows into the window's summaries, per partner: customer invoices (the customer
 * exported to) and supplier invoices (the supplier) as workflow `invoice`, settlement entries (the bank or
 * gateway) as `payment`. Classes (docs/decisions/0031-reconciling-finance.md):
 * - missing_in_odoo: an invoice exported/open/paid whose move is gone or cancelled; a supplier invoice
 *   posted (or billed past the SLA) whose vendor bill is gone or cancelled;
 * - fields_differ: that move not posted, or its total (a bill's untaxed amount) not the platform's; an
 *   invoice paid (partly) whose payment state or residual in Odoo is not;
 * - not_on_platform: a supplier invoice held or refused whose bill is posted in Odoo; an invoice or bill
 *   posted in Odoo for a catalog partner that finance.state never had, past the export's window (invoices)
 *   or the SLA (bills);
 * - stuck: an invoice export_blocked, a supplier invoice held or billed (never posted), a settlement entry
 *   unmatched or ambiguous, past the SLA.
 */
export function reconcileFinance<S extends Tally>(
  leg: FinanceLeg,
  context: {
    readonly now: number;
    readonly policy: ReconciliationPolicy;
    readonly summaryOf: (partnerId: string, workflow: string) => S;
    readonly raise: (summary: S, discrepancy: Omit<Discrepancy, 'partnerId' | 'workflow'>) => void;
    readonly prove: (summary: S, line: string) => void;
  },
): void {
  const { now, policy, summaryOf, raise, prove } = context;
  const byId = new Map(leg.odoo.map((move) => [move.id, move]));
  const byXid = new Map<string, OdooMove>();
  // A bill by its supplier and number (Odoo's `ref`): how one entered by hand is found.
  const billsByRef = new Map<string, OdooMove[]>();
  for (const move of [...byId.values()].sort((a, b) => a.id - b.id)) {
    if (move.externalId !== null) byXid.set(move.externalId, move);
    const supplierId = move.partnerId === null ? undefined : leg.vendors.get(move.partnerId);
    if (move.moveType === 'in_invoice' && supplierId !== undefined && move.ref !== null) {
      const key = supplierInvoiceKey(supplierId, move.ref);
      billsByRef.set(key, [...(billsByRef.get(key) ?? []), move]);
    }
  }
  const claimed = new Set<number>();
  const stale = (since: number) => now - since > policy.stuckAfterMs;
  const age = (since: number) => `${Math.round((now - since) / 1000)} s`;

  for (const record of [...leg.records].sort((a, b) => compare(a.key, b.key))) {
    if (record.partnerId === null) continue;
    const workflow = record.subject === FinanceSubject.SettlementEntry ? PAYMENT_WORKFLOW : INVOICE_WORKFLOW;
    const summary = summaryOf(record.partnerId, workflow);
    summary.orders += 1;
    summary.amount = round2(summary.amount + major(record.amountMinor));
    let found: OdooMove | undefined;
    const base = (moves: readonly OdooMove[]) => ({ orderId: record.key, odooIds: moves.map((m) => m.id) });

    if (record.subject === FinanceSubject.Invoice) {
      const odooId = invoiceIdOf(record.key);
      found = odooId === null ? undefined : byId.get(odooId);
      if (odooId !== null) claimed.add(odooId);
      const moves = found === undefined ? [] : [found];
      if (INVOICE_IN_ODOO.has(record.status)) {
        summary.expectedInOdoo += 1;
        if (found === undefined || found.state === 'cancel') {
          raise(summary, {
            ...base(moves),
            class: DiscrepancyClass.MissingInOdoo,
            detail: `${record.reference} ${record.status} on the platform, ${found === undefined ? 'no invoice in Odoo' : `${found.name} cancelled in Odoo`}`,
          });
        } else {
          summary.odooAmount = round2(summary.odooAmount + major(found.amountTotalMinor));
          const differences = invoiceDifferences(record, found);
          if (differences !== undefined)
            raise(summary, { ...base(moves), class: DiscrepancyClass.FieldsDiffer, detail: differences });
          else summary.matchedInOdoo += 1;
        }
      } else if (record.status === FinanceStatus.ExportBlocked && stale(record.receivedAt)) {
        // Held back by the tax integrity check: nothing was sent until Odoo's invoice is corrected.
        raise(summary, {
          ...base(moves),
          class: DiscrepancyClass.Stuck,
          detail: `${record.reference} export_blocked for ${age(record.receivedAt)}: ${record.reason ?? 'integrity check failed'}`,
        });
      }
    } else if (record.subject === FinanceSubject.SupplierInvoice) {
      const byRef = (billsByRef.get(supplierInvoiceKey(record.partnerId, record.reference)) ?? []).filter(
        (bill) => bill.state !== 'cancel',
      );
      const byExternalId = record.billExternalId === null ? undefined : byXid.get(record.billExternalId);
      found = byExternalId;
      // A duplicate's key is its document's: the first invoice's key owns the number's bill.
      if (record.status !== FinanceStatus.Duplicate) {
        for (const bill of byRef) claimed.add(bill.id);
        if (byExternalId !== undefined) claimed.add(byExternalId.id);
      }
      const moves = found === undefined ? [] : [found];
      const billed = record.status === FinanceStatus.Billed;
      if (record.status === FinanceStatus.Posted || (billed && stale(record.receivedAt))) {
        summary.expectedInOdoo += 1;
        if (found === undefined || found.state === 'cancel') {
          raise(summary, {
            ...base(moves),
            class: DiscrepancyClass.MissingInOdoo,
            detail: `${record.reference} ${record.status} on the platform, ${found === undefined ? `no vendor bill ${record.billExternalId ?? ''} in Odoo` : `${found.name} cancelled in Odoo`}`,
          });
        } else {
          summary.odooAmount = round2(summary.odooAmount + major(found.amountUntaxedMinor));
          const differences = billDifferences(record, found);
          if (differences !== undefined)
            raise(summary, { ...base(moves), class: DiscrepancyClass.FieldsDiffer, detail: differences });
          else summary.matchedInOdoo += 1;
        }
      } else if (record.status === FinanceStatus.Held || record.status === FinanceStatus.Refused) {
        const posted = [...byRef, ...moves].filter(
          (bill, index, all) => bill.state === 'posted' && all.findIndex((b) => b.id === bill.id) === index,
        );
        if (posted.length > 0) {
          found = posted[0];
          raise(summary, {
            ...base(posted),
            class: DiscrepancyClass.NotOnPlatform,
            detail: `${record.reference} ${record.status} on the platform, vendor bill ${posted.map((b) => b.name).join(', ')} posted in Odoo`,
          });
        }
      }
      if ((record.status === FinanceStatus.Held || billed) && stale(record.receivedAt)) {
        raise(summary, {
          ...base(moves),
          class: DiscrepancyClass.Stuck,
          detail: `${record.reference} ${record.status} for ${age(record.receivedAt)}, never posted`,
        });
      }
    } else if (
      record.subject === FinanceSubject.SettlementEntry &&
      (record.status === FinanceStatus.Unmatched || record.status === FinanceStatus.Ambiguous) &&
      stale(record.receivedAt)
    ) {
      // Money received that no invoice took: it waits on a person (SETTLEMENT_UNMATCHED / _AMBIGUOUS).
      raise(summary, {
        ...base([]),
        class: DiscrepancyClass.Stuck,
        detail: `${record.reference} ${record.status} for ${age(record.receivedAt)}: ${record.reason ?? 'no invoice'}`,
      });
    }
    prove(
      summary,
      `${record.key}\t${record.status}\t${money(record.amountMinor)}\t${found === undefined ? '-' : `${found.state}/${found.paymentState}`}`,
    );
  }

  // Posted in Odoo for a catalog partner and never on finance.state (in any window).
  for (const move of [...byId.values()].sort((a, b) => a.id - b.id)) {
    if (claimed.has(move.id) || move.state !== 'posted' || move.partnerId === null) continue;
    if (INVOICE_MOVES.has(move.moveType)) {
      const partnerId = leg.customers.get(move.partnerId);
      if (partnerId === undefined || leg.knownKeys?.(invoiceKey(move.id)) === true) continue;
      if (now - move.writtenAt <= leg.exportWithinMs(partnerId)) continue;
      const summary = summaryOf(partnerId, INVOICE_WORKFLOW);
      raise(summary, {
        class: DiscrepancyClass.NotOnPlatform,
        orderId: invoiceKey(move.id),
        odooIds: [move.id],
        detail: `${move.name} posted in Odoo, never exported (not on finance.state)`,
      });
      prove(summary, `odoo-move:${move.id}\tnot-on-platform\t${money(move.amountTotalMinor)}`);
    } else if (move.moveType === 'in_invoice') {
      const supplierId = leg.vendors.get(move.partnerId);
      if (supplierId === undefined) continue;
      const key = move.ref === null ? null : supplierInvoiceKey(supplierId, move.ref);
      if ((key !== null && leg.knownKeys?.(key) === true) || now - move.writtenAt <= policy.stuckAfterMs)
        continue;
      const summary = summaryOf(supplierId, INVOICE_WORKFLOW);
      raise(summary, {
        class: DiscrepancyClass.NotOnPlatform,
        orderId: key ?? `odoo-move/${move.id}`,
        odooIds: [move.id],
        detail: `vendor bill ${move.name} (${move.ref ?? 'no reference'}) posted in Odoo, no supplier invoice on finance.state`,
      });
      prove(summary, `odoo-move:${move.id}\tnot-on-platform\t${money(move.amountUntaxedMinor)}`);
    }
  }
}
