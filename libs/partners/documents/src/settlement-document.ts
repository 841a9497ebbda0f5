// The canonical shape every settlement document is read into, whatever its format: a bank statement
// (ISO 20022 camt.053 XML, a bank's CSV) or a payment-gateway payout (JSON). Amounts are integer minor
// units of the currency (cents), never floats; the matching engine and the odoo-writer work on them.
import type { DocumentFormat } from './document-format';
import type { DocumentProblem, ProblemLocation } from './document-problem';

/** The settlement document types of the API (`POST /v1/documents/<type>`, `documentType` on ingress.documents). */
export enum SettlementDocumentType {
  BankStatement = 'bank-statement',
  GatewayPayout = 'gateway-payout',
}

const SETTLEMENT_DOCUMENT_TYPES: ReadonlySet<string> = new Set(Object.values(SettlementDocumentType));

export function isSettlementDocumentType(type: string): type is SettlementDocumentType {
  return SETTLEMENT_DOCUMENT_TYPES.has(type);
}

export const SETTLEMENT_LIMITS = Object.freeze({
  /** Bytes of one document (a month of a busy account in camt.053 is a few MB). */
  maxBytes: 20 * 1024 * 1024,
  /** Element nesting of an XML document (camt.053 needs about 12). */
  maxXmlDepth: 32,
  entriesPerDocument: 100_000,
  /** Any text value (names, references, remittance lines). */
  textLength: 512,
  /** |amount| in minor units: 10^13 cents, far beyond any statement and exact in a double. */
  maxMinor: 10_000_000_000_000,
});

/** ISO 4217 minor-unit exponents that are not 2 (the currencies Tradewind's banks use). */
const CURRENCY_EXPONENT: Readonly<Record<string, number>> = { JPY: 0, KRW: 0, BHD: 3, KWD: 3 };

export function currencyExponent(currency: string): number {
  return CURRENCY_EXPONENT[currency] ?? 2;
}

/**
 * A decimal text (`1234.5`, `-0.07`) in minor units of `currency`; undefined when it is not a decimal,
 * has more decimals than the currency, or is out of range. Exact: no float arithmetic.
 */
export function toMinorUnits(
  text: string,
  currency: string,
  options: { signed?: boolean } = {},
): number | undefined {
  const match = (options.signed ? /^(-?)(\d{1,14})(?:\.(\d{1,5}))?$/ : /^()(\d{1,14})(?:\.(\d{1,5}))?$/).exec(
    text.trim(),
  );
  if (!match) return undefined;
  const [, sign, whole, fraction = ''] = match;
  const exponent = currencyExponent(currency);
  const trimmed = fraction.replace(/0+$/, '');
  if (trimmed.length > exponent) return undefined;
  const minor = Number(whole) * 10 ** exponent + Number(trimmed.padEnd(exponent, '0') || '0');
  if (!Number.isSafeInteger(minor) || minor > SETTLEMENT_LIMITS.maxMinor) return undefined;
  return sign === '-' ? -minor : minor;
}

/** Minor units back to a decimal text (`123456` USD → `1234.56`). */
export function fromMinorUnits(minor: number, currency: string): string {
  const exponent = currencyExponent(currency);
  const sign = minor < 0 ? '-' : '';
  const digits = String(Math.abs(minor)).padStart(exponent + 1, '0');
  return exponent === 0
    ? `${sign}${digits}`
    : `${sign}${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}

export enum SettlementEntryKind {
  /** Money a customer paid (a bank credit, a gateway charge). */
  Payment = 'payment',
  /** Money paid back to a customer (a gateway refund, a bank debit to a customer). */
  Refund = 'refund',
  /** What the bank or gateway kept (a gateway's fee line, bank charges). */
  Fee = 'fee',
  /** Anything else the account moved (transfers, vendor payments): not matched to customer invoices. */
  Other = 'other',
}

/** One movement of money to match against open invoices. */
export interface SettlementEntry {
  /** Unique within the document and stable across re-sends: the bank's or gateway's reference. */
  readonly entryId: string;
  readonly kind: SettlementEntryKind;
  /** Signed minor units as the account moved: + credit (received), - debit. */
  readonly amountMinor: number;
  /** A gateway charge's fee, kept from the gross (minor units, >= 0); 0 for bank entries. */
  readonly feeMinor: number;
  readonly currency: string;
  /** Booking date, YYYY-MM-DD. */
  readonly bookingDate: string;
  readonly valueDate?: string;
  readonly counterpartyName?: string;
  readonly counterpartyAccount?: string;
  /** Every reference the payer gave: end-to-end id, structured creditor reference, remittance lines. */
  readonly references: readonly string[];
  readonly at: ProblemLocation;
}

export interface SettlementDocument {
  readonly type: SettlementDocumentType;
  readonly format: DocumentFormat | 'camt053';
  /** The statement or payout id (camt.053 Stmt/Id, the payout id): with the partner, the document's identity. */
  readonly documentId: string;
  readonly currency: string;
  readonly account?: string;
  /** Opening and closing balances (statements) or the payout amount as closing (payouts), minor units. */
  readonly openingMinor: number;
  readonly closingMinor: number;
  readonly entries: readonly SettlementEntry[];
}

export type ParsedSettlement =
  | { readonly ok: true; readonly document: SettlementDocument }
  | { readonly ok: false; readonly problems: readonly DocumentProblem[] };
