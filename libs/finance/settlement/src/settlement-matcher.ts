// Matching money received (bank statement entries, gateway payout lines) to open customer invoices.
// Rules in order, each match with its rule and a confidence:
//   1. reference: the payer quoted invoice numbers (or payment references) → those invoices; equal →
//      paid in full (one invoice or several), less → a partial payment, more → ambiguous (overpaid).
//   2. amount + partner: no usable reference; the payer is a known partner and exactly one of its open
//      invoices is due for exactly that amount → matched at a lower confidence; several → ambiguous.
//   Otherwise unmatched, with the nearest candidates (same partner, or same amount) for a person.
// Amounts are integer minor units; residuals held here go down as entries are matched, so two entries
// of one statement never pay the same cents twice. Indexed: O(references) per entry, not O(invoices).

/** An open (posted, not fully paid) customer invoice or credit note, as read from Odoo. */
export interface OpenInvoice {
  readonly odooId: number;
  /** INV/2026/00001 */
  readonly name: string;
  /** What Odoo asks the customer to quote (payment_reference); often the name. */
  readonly paymentReference?: string;
  readonly partnerId: number;
  readonly partnerName: string;
  readonly currency: string;
  readonly moveType: 'out_invoice' | 'out_refund';
  readonly residualMinor: number;
  readonly totalMinor: number;
  /** YYYY-MM-DD; allocation of a partial payment over several invoices goes oldest due first. */
  readonly dueDate?: string;
}

/** One movement of money to match (a camt.053 entry, a bank CSV row, a gateway charge or refund). */
export interface SettlementLine {
  readonly entryId: string;
  /** Signed minor units the account moved: + received, - paid out (a refund). */
  readonly amountMinor: number;
  /** What a gateway kept from a charge (>= 0): the invoice is paid gross, the fee written off. */
  readonly feeMinor: number;
  readonly currency: string;
  readonly counterpartyName?: string;
  readonly references: readonly string[];
}

export enum MatchRule {
  Reference = 'reference',
  ReferenceSeveral = 'reference-several',
  ReferencePartial = 'reference-partial',
  AmountPartner = 'amount-partner',
}

export interface Allocation {
  readonly invoice: OpenInvoice;
  /** Minor units of the payment applied to the invoice (the fee not included). */
  readonly amountMinor: number;
}

export type MatchDecision =
  | {
      readonly kind: 'matched';
      readonly rule: MatchRule;
      /** 0..1: how sure the rule is (a reference and the exact amount: 1). */
      readonly confidence: number;
      /** In allocation order; one payment covers them all. */
      readonly allocations: readonly Allocation[];
      /** What the payment pays in money (minor units, > 0). */
      readonly paidMinor: number;
      /** A fee closed as paid on the invoices (gateway charges), 0 otherwise. */
      readonly writeoffMinor: number;
      /** True when the invoices stay partly open. */
      readonly partial: boolean;
    }
  | {
      readonly kind: 'ambiguous' | 'unmatched';
      readonly reason: string;
      readonly candidates: readonly OpenInvoice[];
    };

const MAX_CANDIDATES = 10;

/** Invoice numbers as payers write them: `INV/2026/00042`, `inv 2026 00042`, `INV-2026-00042`. */
const INVOICE_NUMBER = /\b([A-Z]{2,6})[\s/_-]*(\d{4})[\s/_-]*(\d{3,8})\b/gi;

export function normalizeReference(text: string): string {
  return text.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

/** Names as banks print them: case, punctuation and legal suffixes do not count. */
export function normalizeName(text: string): string {
  return text
    .toUpperCase()
    .replace(/&/g, ' AND ')
    .replace(/[^A-Z0-9 ]/g, ' ')
    .replace(/\b(INC|LTD|LLC|GMBH|SA|SAS|BV|PLC|CO|CORP|LIMITED)\b/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Every normalized token of a line's references that could name an invoice. */
export function referenceTokens(references: readonly string[]): string[] {
  const tokens = new Set<string>();
  for (const reference of references) {
    const whole = normalizeReference(reference);
    if (whole.length >= 4) tokens.add(whole);
    for (const match of reference.matchAll(INVOICE_NUMBER)) {
      tokens.add(normalizeReference(`${match[1]}${match[2]}${match[3]}`));
    }
  }
  return [...tokens];
}

const byDue = (a: OpenInvoice, b: OpenInvoice): number =>
  (a.dueDate ?? '').localeCompare(b.dueDate ?? '') || a.odooId - b.odooId;

/** The matching rules over any way of finding invoices: indexed here, scanned by the naive baseline. */
abstract class MatcherRules {
  protected readonly residuals = new Map<number, number>();

  protected abstract byReference(token: string): readonly OpenInvoice[];
  protected abstract byPartner(partnerName: string): readonly OpenInvoice[];
  protected abstract byAmount(currency: string, amountMinor: number): readonly OpenInvoice[];

  /** Residual still open here (after the matches made so far). */
  residualOf(invoice: OpenInvoice): number {
    return this.residuals.get(invoice.odooId) ?? invoice.residualMinor;
  }

  /** Decides one line and, when matched, takes the allocated amounts off the residuals. */
  match(line: SettlementLine): MatchDecision {
    const decision = this.decide(line);
    if (decision.kind === 'matched') {
      for (const { invoice, amountMinor } of decision.allocations) {
        const fee = decision.writeoffMinor > 0 ? this.residualOf(invoice) - amountMinor : 0;
        this.residuals.set(invoice.odooId, this.residualOf(invoice) - amountMinor - fee);
      }
    }
    return decision;
  }

  private decide(line: SettlementLine): MatchDecision {
    const refund = line.amountMinor < 0;
    const moveType = refund ? 'out_refund' : 'out_invoice';
    const gross = Math.abs(line.amountMinor) + (refund ? 0 : line.feeMinor);
    const fits = (invoice: OpenInvoice): boolean =>
      invoice.currency === line.currency && invoice.moveType === moveType;

    const referenced = new Map<number, OpenInvoice>();
    for (const token of referenceTokens(line.references)) {
      for (const invoice of this.byReference(token))
        if (fits(invoice)) referenced.set(invoice.odooId, invoice);
    }
    if (referenced.size > 0) return this.byReferenceRule(line, [...referenced.values()].sort(byDue), gross);

    const partner = line.counterpartyName ? normalizeName(line.counterpartyName) : '';
    const partnerInvoices =
      partner === '' ? [] : this.byPartner(partner).filter((i) => fits(i) && this.residualOf(i) > 0);
    const exact = partnerInvoices.filter((invoice) => this.residualOf(invoice) === gross);
    if (exact.length === 1) {
      return this.matched(
        MatchRule.AmountPartner,
        0.75,
        [{ invoice: exact[0], amountMinor: gross - line.feeMinor }],
        line,
        false,
      );
    }
    if (exact.length > 1) {
      return {
        kind: 'ambiguous',
        reason: `${exact.length} open invoices of ${line.counterpartyName} are due for exactly this amount and no reference says which`,
        candidates: exact.slice(0, MAX_CANDIDATES),
      };
    }
    const sameAmount = this.byAmount(line.currency, gross).filter(
      (i) => fits(i) && this.residualOf(i) === gross,
    );
    return {
      kind: 'unmatched',
      reason:
        partnerInvoices.length > 0
          ? `no reference, and none of ${line.counterpartyName}'s ${partnerInvoices.length} open invoices is due for this amount`
          : line.counterpartyName
            ? `no reference, and ${line.counterpartyName} is no customer with open invoices`
            : 'no reference and no payer name',
      candidates: [...partnerInvoices.sort(byDue), ...sameAmount].slice(0, MAX_CANDIDATES),
    };
  }

  private byReferenceRule(line: SettlementLine, invoices: OpenInvoice[], gross: number): MatchDecision {
    const open = invoices.filter((invoice) => this.residualOf(invoice) > 0);
    if (open.length === 0) {
      return {
        kind: 'ambiguous',
        reason: `the referenced invoices ${invoices.map((i) => i.name).join(', ')} are already paid`,
        candidates: invoices.slice(0, MAX_CANDIDATES),
      };
    }
    if (new Set(open.map((invoice) => invoice.partnerId)).size > 1) {
      return {
        kind: 'ambiguous',
        reason: `the references name invoices of different customers (${[...new Set(open.map((i) => i.partnerName))].join(', ')})`,
        candidates: open.slice(0, MAX_CANDIDATES),
      };
    }
    const due = open.reduce((sum, invoice) => sum + this.residualOf(invoice), 0);
    if (gross > due) {
      return {
        kind: 'ambiguous',
        reason: `overpaid: ${gross} received for ${due} still due on ${open.map((i) => i.name).join(', ')} (minor units)`,
        candidates: open.slice(0, MAX_CANDIDATES),
      };
    }
    const several = open.length > 1;
    if (gross === due) {
      return this.matched(
        several ? MatchRule.ReferenceSeveral : MatchRule.Reference,
        several ? 0.98 : 1,
        open.map((invoice) => ({ invoice, amountMinor: this.residualOf(invoice) })),
        line,
        false,
      );
    }
    // A partial payment: oldest due first; a gateway fee is never written off on a partial
    let left = Math.abs(line.amountMinor);
    const allocations: Allocation[] = [];
    for (const invoice of open) {
      if (left <= 0) break;
      const applied = Math.min(left, this.residualOf(invoice));
      allocations.push({ invoice, amountMinor: applied });
      left -= applied;
    }
    return this.matched(MatchRule.ReferencePartial, several ? 0.7 : 0.9, allocations, line, true);
  }

  private matched(
    rule: MatchRule,
    confidence: number,
    allocations: Allocation[],
    line: SettlementLine,
    partial: boolean,
  ): MatchDecision {
    const writeoffMinor = partial || line.amountMinor < 0 ? 0 : line.feeMinor;
    if (writeoffMinor > 0) {
      // the fee is taken off the last invoice's share: the payment is the net money received
      const last = allocations[allocations.length - 1];
      allocations[allocations.length - 1] = { ...last, amountMinor: last.amountMinor - writeoffMinor };
    }
    return {
      kind: 'matched',
      rule,
      confidence,
      allocations,
      paidMinor: Math.abs(line.amountMinor),
      writeoffMinor,
      partial,
    };
  }
}

/** The matcher over indexes of the open invoices: what the invoices service runs. */
export class SettlementMatcher extends MatcherRules {
  private readonly references = new Map<string, OpenInvoice[]>();
  private readonly partners = new Map<string, OpenInvoice[]>();
  private readonly amounts = new Map<string, OpenInvoice[]>();

  constructor(invoices: Iterable<OpenInvoice>) {
    super();
    const add = (map: Map<string, OpenInvoice[]>, key: string, invoice: OpenInvoice): void => {
      const list = map.get(key);
      if (list) list.push(invoice);
      else map.set(key, [invoice]);
    };
    for (const invoice of invoices) {
      add(this.references, normalizeReference(invoice.name), invoice);
      if (
        invoice.paymentReference &&
        normalizeReference(invoice.paymentReference) !== normalizeReference(invoice.name)
      ) {
        add(this.references, normalizeReference(invoice.paymentReference), invoice);
      }
      add(this.partners, normalizeName(invoice.partnerName), invoice);
      add(this.amounts, `${invoice.currency}|${invoice.residualMinor}`, invoice);
    }
  }

  protected byReference(token: string): readonly OpenInvoice[] {
    return this.references.get(token) ?? [];
  }

  protected byPartner(partnerName: string): readonly OpenInvoice[] {
    return this.partners.get(partnerName) ?? [];
  }

  protected byAmount(currency: string, amountMinor: number): readonly OpenInvoice[] {
    return this.amounts.get(`${currency}|${amountMinor}`) ?? [];
  }
}

/**
 * The same rules scanning every invoice for every line, as a first implementation would: the
 * benchmark's baseline (tools/bench/settlement-matching.ts), and a cross-check in the tests.
 */
export class NaiveSettlementMatcher extends MatcherRules {
  private readonly invoices: readonly OpenInvoice[];

  constructor(invoices: Iterable<OpenInvoice>) {
    super();
    this.invoices = [...invoices];
  }

  protected byReference(token: string): readonly OpenInvoice[] {
    return this.invoices.filter(
      (invoice) =>
        normalizeReference(invoice.name) === token ||
        (invoice.paymentReference !== undefined && normalizeReference(invoice.paymentReference) === token),
    );
  }

  protected byPartner(partnerName: string): readonly OpenInvoice[] {
    return this.invoices.filter((invoice) => normalizeName(invoice.partnerName) === partnerName);
  }

  protected byAmount(currency: string, amountMinor: number): readonly OpenInvoice[] {
    return this.invoices.filter(
      (invoice) => invoice.currency === currency && invoice.residualMinor === amountMinor,
    );
  }
}
