// A payment gateway's payout as JSON: the money it pays out once, and the transactions it nets:
//   { "payoutId": "po_1", "currency": "USD", "arrivalDate": "2026-11-30", "amount": "950.10",
//     "transactions": [ { "id": "ch_1", "type": "charge", "amount": "100.00", "fee": "3.20",
//                         "reference": "INV/2026/00001", "customer": "Acme Retail Inc" },
//                       { "id": "re_1", "type": "refund", "amount": "-20.00", "reference": "RINV/2026/00003" },
//                       { "id": "fe_1", "type": "fee", "amount": "-15.00", "description": "monthly fee" } ] }
// A charge pays its invoice gross (amount) and the gateway keeps its fee; the payout amount must equal
// the sum of (amount - fee) over the transactions. Decimal strings only: a JSON number is refused
// (a float cannot carry money exactly).
import { DocumentFormat } from './document-format';
import { type DocumentProblem, DocumentProblemCode, jsonPointer, problem } from './document-problem';
import { isIsoDate } from './field-values';
import { readJsonDocument } from './json-structure';
import {
  fromMinorUnits,
  type ParsedSettlement,
  SETTLEMENT_LIMITS,
  SettlementDocumentType,
  type SettlementEntry,
  SettlementEntryKind,
  toMinorUnits,
} from './settlement-document';

const KINDS: Readonly<Record<string, SettlementEntryKind>> = {
  charge: SettlementEntryKind.Payment,
  refund: SettlementEntryKind.Refund,
  fee: SettlementEntryKind.Fee,
  adjustment: SettlementEntryKind.Other,
};

export function parseGatewayPayoutJson(bytes: Uint8Array): ParsedSettlement {
  const fail = (...problems: DocumentProblem[]): ParsedSettlement => ({ ok: false, problems });
  if (bytes.length > SETTLEMENT_LIMITS.maxBytes) {
    return fail(
      problem(DocumentProblemCode.DocumentTooLarge, `${bytes.length} bytes, over the limit`, {
        kind: 'document',
      }),
    );
  }
  const read = readJsonDocument(bytes);
  if (!read.ok) return fail(...read.problems);
  if (read.duplicateKeys.length > 0) return fail(...read.duplicateKeys);
  const { value } = read;
  const problems: DocumentProblem[] = [];
  const at = (...path: (string | number)[]) => ({ kind: 'json' as const, pointer: jsonPointer(...path) });
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return fail(problem(DocumentProblemCode.SchemaViolation, 'a payout is a JSON object', at()));
  }
  const payout = value as Record<string, unknown>;
  const text_ = (v: unknown, ...path: (string | number)[]): string | undefined => {
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') {
      problems.push(problem(DocumentProblemCode.SchemaViolation, 'must be a string', at(...path)));
      return undefined;
    }
    return v.slice(0, SETTLEMENT_LIMITS.textLength);
  };
  const payoutId = text_(payout.payoutId, 'payoutId');
  const currency = text_(payout.currency, 'currency');
  const arrival = text_(payout.arrivalDate, 'arrivalDate');
  if (payoutId === undefined || payoutId === '')
    problems.push(problem(DocumentProblemCode.MissingValue, 'required', at('payoutId')));
  if (currency === undefined || !/^[A-Z]{3}$/.test(currency))
    problems.push(
      problem(DocumentProblemCode.InvalidCode, 'an ISO 4217 currency is required', at('currency')),
    );
  if (arrival === undefined || !isIsoDate(arrival))
    problems.push(
      problem(DocumentProblemCode.InvalidDate, 'a date (YYYY-MM-DD) is required', at('arrivalDate')),
    );
  if (problems.length > 0) return fail(...problems);
  const money = (v: unknown, signed: boolean, ...path: (string | number)[]): number | undefined => {
    if (typeof v !== 'string') {
      problems.push(
        problem(
          DocumentProblemCode.InvalidAmount,
          'an amount is a decimal string ("12.34"), never a JSON number',
          at(...path),
        ),
      );
      return undefined;
    }
    const minor = toMinorUnits(v, currency!, { signed });
    if (minor === undefined)
      problems.push(
        problem(
          DocumentProblemCode.InvalidAmount,
          `${JSON.stringify(v)} is not an amount in ${currency}`,
          at(...path),
        ),
      );
    return minor;
  };
  const amount = money(payout.amount, true, 'amount');
  const transactions = payout.transactions;
  if (!Array.isArray(transactions) || transactions.length === 0) {
    return fail(
      ...problems,
      problem(DocumentProblemCode.NoEntries, 'a payout lists its transactions', at('transactions')),
    );
  }
  if (transactions.length > SETTLEMENT_LIMITS.entriesPerDocument) {
    return fail(
      problem(
        DocumentProblemCode.DocumentTooLarge,
        `${transactions.length} transactions, over the limit`,
        at('transactions'),
      ),
    );
  }
  const entries: SettlementEntry[] = [];
  const seen = new Set<string>();
  let net = 0;
  transactions.forEach((raw, i) => {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      problems.push(
        problem(DocumentProblemCode.SchemaViolation, 'a transaction is an object', at('transactions', i)),
      );
      return;
    }
    const tx = raw as Record<string, unknown>;
    const id = text_(tx.id, 'transactions', i, 'id');
    const type = text_(tx.type, 'transactions', i, 'type');
    const kind = type === undefined ? undefined : KINDS[type];
    if (id === undefined || id === '')
      problems.push(problem(DocumentProblemCode.MissingValue, 'required', at('transactions', i, 'id')));
    else if (seen.has(id))
      problems.push(
        problem(
          DocumentProblemCode.DuplicateEntry,
          `transaction ${JSON.stringify(id)} twice`,
          at('transactions', i, 'id'),
        ),
      );
    else seen.add(id);
    if (kind === undefined)
      problems.push(
        problem(
          DocumentProblemCode.InvalidCode,
          `type ${JSON.stringify(type)} is not charge, refund, fee or adjustment`,
          at('transactions', i, 'type'),
        ),
      );
    const gross = money(tx.amount, true, 'transactions', i, 'amount');
    const fee = tx.fee === undefined ? 0 : money(tx.fee, false, 'transactions', i, 'fee');
    if (id === undefined || kind === undefined || gross === undefined || fee === undefined) return;
    if (kind === SettlementEntryKind.Payment && gross <= 0) {
      problems.push(
        problem(DocumentProblemCode.InvalidAmount, 'a charge is positive', at('transactions', i, 'amount')),
      );
      return;
    }
    if (kind === SettlementEntryKind.Refund && gross >= 0) {
      problems.push(
        problem(DocumentProblemCode.InvalidAmount, 'a refund is negative', at('transactions', i, 'amount')),
      );
      return;
    }
    net += gross - fee;
    const reference = text_(tx.reference, 'transactions', i, 'reference');
    const customer = text_(tx.customer, 'transactions', i, 'customer');
    const description = text_(tx.description, 'transactions', i, 'description');
    entries.push({
      entryId: id,
      kind,
      // the money that reached the account for this line; its fee is what the invoice is short of
      amountMinor: kind === SettlementEntryKind.Payment ? gross - fee : gross,
      feeMinor: kind === SettlementEntryKind.Payment ? fee : 0,
      currency: currency!,
      bookingDate: arrival!,
      ...(customer ? { counterpartyName: customer } : {}),
      references: [reference, description].filter((r): r is string => r !== undefined && r !== ''),
      at: at('transactions', i),
    });
  });
  if (problems.length === 0 && amount !== undefined && net !== amount) {
    problems.push(
      problem(
        DocumentProblemCode.BalanceMismatch,
        `the transactions net ${fromMinorUnits(net, currency!)} (amounts less fees), but the payout is ${fromMinorUnits(amount, currency!)}`,
        at('amount'),
      ),
    );
  }
  if (problems.length > 0) return fail(...problems);
  return {
    ok: true,
    document: {
      type: SettlementDocumentType.GatewayPayout,
      format: DocumentFormat.Json,
      documentId: payoutId!,
      currency: currency!,
      openingMinor: 0,
      closingMinor: amount!,
      entries,
    },
  };
}
