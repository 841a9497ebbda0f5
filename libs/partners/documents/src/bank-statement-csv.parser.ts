// A bank's statement as CSV: one statement per file, columns
// `statement_id,record_type,booking_date,amount,currency,counterparty_name,counterparty_account,reference,bank_reference`
// in any order. `record_type` is `opening`, `entry` or `closing`; amounts are signed decimals (+ credit).
// Opening balance plus the entries must equal the closing balance; one bad row refuses the file (a
// partial statement would leave cash unmatched for no reason anyone could see).
import { type CsvRecord, readCsvTable } from './csv-sales-order.parser';
import { DocumentFormat } from './document-format';
import { type DocumentProblem, DocumentProblemCode, problem } from './document-problem';
import { isIsoDate } from './field-values';
import {
  fromMinorUnits,
  type ParsedSettlement,
  SETTLEMENT_LIMITS,
  SettlementDocumentType,
  type SettlementEntry,
  SettlementEntryKind,
  toMinorUnits,
} from './settlement-document';

export const BANK_STATEMENT_COLUMNS = Object.freeze([
  'statement_id',
  'record_type',
  'booking_date',
  'amount',
  'currency',
  'counterparty_name',
  'counterparty_account',
  'reference',
  'bank_reference',
] as const);
const REQUIRED = ['statement_id', 'record_type', 'booking_date', 'amount', 'currency', 'bank_reference'];

export function parseBankStatementCsv(bytes: Uint8Array): ParsedSettlement {
  if (bytes.length > SETTLEMENT_LIMITS.maxBytes) {
    return {
      ok: false,
      problems: [
        problem(
          DocumentProblemCode.DocumentTooLarge,
          `${bytes.length} bytes, over the ${SETTLEMENT_LIMITS.maxBytes} limit`,
          {
            kind: 'document',
          },
        ),
      ],
    };
  }
  const table = readCsvTable(bytes);
  if (!table.ok) return { ok: false, problems: table.problems };
  const { header, columns, records } = table;
  const problems: DocumentProblem[] = [...table.problems];
  for (const column of REQUIRED) {
    if (!columns.has(column)) {
      problems.push(
        problem(DocumentProblemCode.CsvMissingColumn, `The header has no "${column}" column.`, {
          kind: 'csv',
          line: header.line,
        }),
      );
    }
  }
  if (problems.length > 0) return { ok: false, problems };
  if (records.length > SETTLEMENT_LIMITS.entriesPerDocument + 2) {
    return {
      ok: false,
      problems: [
        problem(DocumentProblemCode.DocumentTooLarge, `${records.length} rows, over the limit`, {
          kind: 'document',
        }),
      ],
    };
  }
  const cell = (record: CsvRecord, name: string): string => {
    const index = columns.get(name);
    return index === undefined
      ? ''
      : (record.cells[index] ?? '').trim().slice(0, SETTLEMENT_LIMITS.textLength);
  };
  const at = (record: CsvRecord, name: string) => ({
    kind: 'csv' as const,
    line: record.line,
    column: (columns.get(name) ?? 0) + 1,
    header: name,
  });
  let statementId: string | undefined;
  let currency: string | undefined;
  let opening: number | undefined;
  let closing: number | undefined;
  let sum = 0;
  const seen = new Set<string>();
  const entries: SettlementEntry[] = [];
  for (const record of records) {
    const id = cell(record, 'statement_id');
    statementId ??= id;
    if (id !== statementId) {
      problems.push(
        problem(
          DocumentProblemCode.CsvInconsistentOrder,
          `statement ${JSON.stringify(id)}, but the file is ${JSON.stringify(statementId)}`,
          at(record, 'statement_id'),
        ),
      );
      continue;
    }
    const ccy = cell(record, 'currency');
    currency ??= ccy;
    if (!/^[A-Z]{3}$/.test(ccy) || ccy !== currency) {
      problems.push(
        problem(
          DocumentProblemCode.InvalidAmount,
          `currency ${JSON.stringify(ccy)}: the statement is in ${currency}`,
          at(record, 'currency'),
        ),
      );
      continue;
    }
    const minor = toMinorUnits(cell(record, 'amount'), ccy, { signed: true });
    if (minor === undefined) {
      problems.push(
        problem(
          DocumentProblemCode.InvalidAmount,
          `${JSON.stringify(cell(record, 'amount'))} is not an amount in ${ccy}`,
          at(record, 'amount'),
        ),
      );
      continue;
    }
    const type = cell(record, 'record_type').toLowerCase();
    if (type === 'opening') opening = minor;
    else if (type === 'closing') closing = minor;
    else if (type === 'entry') {
      const date = cell(record, 'booking_date');
      const ref = cell(record, 'bank_reference');
      if (!isIsoDate(date)) {
        problems.push(
          problem(
            DocumentProblemCode.InvalidDate,
            `${JSON.stringify(date)} is not a date (YYYY-MM-DD)`,
            at(record, 'booking_date'),
          ),
        );
        continue;
      }
      if (ref === '') {
        problems.push(
          problem(
            DocumentProblemCode.MissingValue,
            'every entry needs the bank reference',
            at(record, 'bank_reference'),
          ),
        );
        continue;
      }
      if (seen.has(ref)) {
        problems.push(
          problem(
            DocumentProblemCode.DuplicateEntry,
            `bank reference ${JSON.stringify(ref)} twice`,
            at(record, 'bank_reference'),
          ),
        );
        continue;
      }
      seen.add(ref);
      sum += minor;
      const name = cell(record, 'counterparty_name');
      const account = cell(record, 'counterparty_account');
      const reference = cell(record, 'reference');
      entries.push({
        entryId: ref,
        kind: minor > 0 ? SettlementEntryKind.Payment : SettlementEntryKind.Other,
        amountMinor: minor,
        feeMinor: 0,
        currency: ccy,
        bookingDate: date,
        ...(name ? { counterpartyName: name } : {}),
        ...(account ? { counterpartyAccount: account } : {}),
        references: reference ? [reference] : [],
        at: { kind: 'csv', line: record.line },
      });
    } else {
      problems.push(
        problem(
          DocumentProblemCode.InvalidCode,
          `record_type ${JSON.stringify(type)} is not opening, entry or closing`,
          at(record, 'record_type'),
        ),
      );
    }
  }
  if (opening === undefined || closing === undefined) {
    problems.push(
      problem(DocumentProblemCode.MissingValue, 'the statement needs an opening and a closing row', {
        kind: 'document',
      }),
    );
  }
  if (problems.length === 0 && opening !== undefined && closing !== undefined && opening + sum !== closing) {
    problems.push(
      problem(
        DocumentProblemCode.BalanceMismatch,
        `opening balance ${fromMinorUnits(opening, currency!)} + entries ${fromMinorUnits(sum, currency!)} = ${fromMinorUnits(opening + sum, currency!)}, but the closing balance is ${fromMinorUnits(closing, currency!)}`,
        { kind: 'document' },
      ),
    );
  }
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    document: {
      type: SettlementDocumentType.BankStatement,
      format: DocumentFormat.Csv,
      documentId: statementId!,
      currency: currency!,
      openingMinor: opening!,
      closingMinor: closing!,
      entries,
    },
  };
}
