// Tax integrity of an invoice before it is sent: what the customer receives must add up. Checked on the
// amounts as Odoo holds them (integer minor units): the lines' subtotals are the untaxed amount, untaxed
// plus tax is the total, each line's tax is its rates times its base (rounded per line, within one minor
// unit per tax), the lines' taxes are the invoice's tax, the currency is the customer's, and the invoice
// names a customer the partner is. Pure: returns every failure, never throws.
import Decimal from 'decimal.js';

export enum IntegrityCheck {
  Totals = 'totals',
  TaxRate = 'tax_rate',
  Currency = 'currency',
  Partner = 'partner',
}

export interface IntegrityLine {
  readonly lineNumber: number;
  readonly subtotalMinor: number;
  readonly totalMinor: number;
  readonly taxes: readonly { readonly name: string; readonly amountType: string; readonly rate: string }[];
}

export interface IntegrityInvoice {
  readonly number: string;
  readonly currency: string;
  readonly customerId: string | null;
  readonly untaxedMinor: number;
  readonly taxMinor: number;
  readonly totalMinor: number;
  readonly lines: readonly IntegrityLine[];
}

export interface IntegrityFailure {
  readonly check: IntegrityCheck;
  readonly message: string;
  /** `line 3` or `invoice`. */
  readonly where: string;
}

const text = (minor: number): string => new Decimal(minor).div(100).toFixed(2);

export function checkInvoiceIntegrity(
  invoice: IntegrityInvoice,
  expected: { readonly currency: string; readonly customerIds: ReadonlySet<string> },
): IntegrityFailure[] {
  const failures: IntegrityFailure[] = [];
  const fail = (check: IntegrityCheck, where: string, message: string) =>
    failures.push({ check, where, message });
  if (invoice.currency !== expected.currency) {
    fail(
      IntegrityCheck.Currency,
      'invoice',
      `in ${invoice.currency}, but the partner is invoiced in ${expected.currency}`,
    );
  }
  if (invoice.customerId === null || !expected.customerIds.has(invoice.customerId)) {
    fail(
      IntegrityCheck.Partner,
      'invoice',
      `customer ${invoice.customerId ?? '(none)'} is not one of the partner's customers`,
    );
  }
  const subtotals = invoice.lines.reduce((sum, line) => sum + line.subtotalMinor, 0);
  const lineTaxes = invoice.lines.reduce((sum, line) => sum + (line.totalMinor - line.subtotalMinor), 0);
  if (subtotals !== invoice.untaxedMinor) {
    fail(
      IntegrityCheck.Totals,
      'invoice',
      `the lines add up to ${text(subtotals)}, the untaxed amount is ${text(invoice.untaxedMinor)}`,
    );
  }
  if (invoice.untaxedMinor + invoice.taxMinor !== invoice.totalMinor) {
    fail(
      IntegrityCheck.Totals,
      'invoice',
      `untaxed ${text(invoice.untaxedMinor)} + tax ${text(invoice.taxMinor)} = ${text(invoice.untaxedMinor + invoice.taxMinor)}, but the total is ${text(invoice.totalMinor)}`,
    );
  }
  if (lineTaxes !== invoice.taxMinor) {
    fail(
      IntegrityCheck.Totals,
      'invoice',
      `the lines' taxes add up to ${text(lineTaxes)}, the invoice's tax is ${text(invoice.taxMinor)}`,
    );
  }
  for (const line of invoice.lines) {
    const percent = line.taxes.filter((tax) => tax.amountType === 'percent');
    if (percent.length !== line.taxes.length) continue; // fixed / division taxes: the totals checks hold them
    const expectedTax = percent.reduce(
      (sum, tax) => sum.plus(new Decimal(line.subtotalMinor).mul(tax.rate).div(100).toDecimalPlaces(0)),
      new Decimal(0),
    );
    const actual = line.totalMinor - line.subtotalMinor;
    if (expectedTax.minus(actual).abs().gt(Math.max(1, percent.length))) {
      fail(
        IntegrityCheck.TaxRate,
        `line ${line.lineNumber}`,
        `tax ${text(actual)} on ${text(line.subtotalMinor)} is not ${percent.map((t) => `${t.rate}%`).join(' + ') || 'untaxed'} (${text(expectedTax.toNumber())})`,
      );
    }
  }
  return failures;
}
