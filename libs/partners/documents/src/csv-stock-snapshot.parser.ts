// A WMS stock snapshot file: one snapshot per file, one row per SKU and warehouse, columns
// `snapshot_id,as_of,warehouse,sku,on_hand` in any order (more columns are ignored). The snapshot is one
// record: a partial count would reconcile the wrong way, so one bad row refuses the file.
import { forbiddenCharacterAt, TextRule } from './canonical-fields';
import { type CsvRecord, readCsvTable } from './csv-sales-order.parser';
import { DocumentFormat } from './document-format';
import { type DocumentProblem, DocumentProblemCode, problem, type ProblemLocation } from './document-problem';
import {
  parsedStockDocument,
  type ParsedStockSnapshot,
  parseEventTime,
  STOCK_LIMITS,
  type StockSnapshot,
  type StockSnapshotLine,
} from './stock-document';

/** Column names of the snapshot template. */
export const STOCK_SNAPSHOT_COLUMNS = Object.freeze([
  'snapshot_id',
  'as_of',
  'warehouse',
  'sku',
  'on_hand',
] as const);
type SnapshotColumn = (typeof STOCK_SNAPSHOT_COLUMNS)[number];

export interface CsvStockSnapshotRead {
  readonly parsed: ParsedStockSnapshot;
  /** The file as one slice (line endings normalized to LF). */
  readonly slices: readonly Uint8Array[];
}

const WHOLE_NUMBER = /^\d{1,10}$/;

export function parseCsvStockSnapshot(bytes: Uint8Array): ParsedStockSnapshot {
  return readCsvStockSnapshot(bytes).parsed;
}

export function readCsvStockSnapshot(bytes: Uint8Array): CsvStockSnapshotRead {
  const fail = (problems: DocumentProblem[]): CsvStockSnapshotRead => ({
    parsed: parsedStockDocument<StockSnapshot>(DocumentFormat.Csv, problems, []),
    slices: [],
  });
  const table = readCsvTable(bytes);
  if (!table.ok) return fail(table.problems);
  const { text, header, columns, records, problems: documentProblems } = table;
  for (const column of STOCK_SNAPSHOT_COLUMNS) {
    if (!columns.has(column)) {
      documentProblems.push(
        problem(DocumentProblemCode.CsvMissingColumn, `The header has no "${column}" column.`, {
          kind: 'csv',
          line: header.line,
        }),
      );
    }
  }
  if (documentProblems.length > 0) return fail(documentProblems);
  if (records.length === 0) {
    return fail([
      problem(DocumentProblemCode.NoStockRecords, 'The snapshot has a header but no rows.', {
        kind: 'document',
      }),
    ]);
  }
  if (records.length > STOCK_LIMITS.rowsPerSnapshot) {
    return fail([
      problem(
        DocumentProblemCode.OutOfRange,
        `The snapshot has ${records.length} rows; at most ${STOCK_LIMITS.rowsPerSnapshot} are accepted in one file.`,
        { kind: 'document' },
      ),
    ]);
  }

  const problems: DocumentProblem[] = [];
  const cell = (row: CsvRecord, column: SnapshotColumn): { value: string; at: ProblemLocation } => {
    const index = columns.get(column)!;
    return {
      value: row.cells[index] ?? '',
      at: { kind: 'csv', line: row.line, column: index + 1, header: column },
    };
  };
  const identifier = (row: CsvRecord, column: SnapshotColumn, max: number): string | undefined => {
    const { value, at } = cell(row, column);
    if (value === '') {
      problems.push(problem(DocumentProblemCode.MissingValue, `${column} is empty.`, at));
      return undefined;
    }
    if (forbiddenCharacterAt(value, TextRule.Identifier) >= 0) {
      problems.push(
        problem(
          DocumentProblemCode.InvalidCharacters,
          `${column} holds a character an identifier cannot hold (control, format or bidi character, tab).`,
          at,
        ),
      );
      return undefined;
    }
    if (value.length > max) {
      problems.push(
        problem(
          DocumentProblemCode.ValueTooLong,
          `${column} is ${value.length} characters long; at most ${max} are accepted.`,
          at,
        ),
      );
      return undefined;
    }
    return value;
  };

  let snapshotId: string | undefined;
  let asOf: string | undefined;
  let asOfMs: number | undefined;
  const lines: StockSnapshotLine[] = [];
  const seen = new Map<string, number>();
  for (const row of records) {
    const id = identifier(row, 'snapshot_id', STOCK_LIMITS.idLength);
    const time = identifier(row, 'as_of', 40);
    const warehouse = identifier(row, 'warehouse', STOCK_LIMITS.warehouseLength);
    const sku = identifier(row, 'sku', STOCK_LIMITS.skuLength);
    if (id !== undefined) {
      if (snapshotId === undefined) snapshotId = id;
      else if (id !== snapshotId)
        problems.push(
          problem(
            DocumentProblemCode.CsvInconsistentSnapshot,
            `snapshot_id differs from the first row's; a file holds one snapshot.`,
            cell(row, 'snapshot_id').at,
          ),
        );
    }
    if (time !== undefined) {
      const ms = parseEventTime(time);
      if (ms === undefined) {
        problems.push(
          problem(
            DocumentProblemCode.InvalidDate,
            'as_of must be an RFC 3339 date-time with an offset, e.g. 2026-12-01T06:00:00Z.',
            cell(row, 'as_of').at,
          ),
        );
      } else if (asOf === undefined) {
        asOf = time;
        asOfMs = ms;
      } else if (ms !== asOfMs) {
        problems.push(
          problem(
            DocumentProblemCode.CsvInconsistentSnapshot,
            `as_of differs from the first row's; a snapshot is counted at one time.`,
            cell(row, 'as_of').at,
          ),
        );
      }
    }
    const quantity = cell(row, 'on_hand');
    let onHand: number | undefined;
    if (quantity.value === '') {
      problems.push(problem(DocumentProblemCode.MissingValue, 'on_hand is empty.', quantity.at));
    } else if (!WHOLE_NUMBER.test(quantity.value)) {
      problems.push(
        problem(
          DocumentProblemCode.InvalidNumber,
          'on_hand must be a whole number of units (digits only).',
          quantity.at,
        ),
      );
    } else if (Number(quantity.value) > STOCK_LIMITS.maxOnHand) {
      problems.push(
        problem(
          DocumentProblemCode.OutOfRange,
          `on_hand is ${quantity.value}; it must be 0 to ${STOCK_LIMITS.maxOnHand}.`,
          quantity.at,
        ),
      );
    } else onHand = Number(quantity.value);
    if (sku !== undefined && warehouse !== undefined) {
      const key = `${sku}\u0000${warehouse}`;
      const first = seen.get(key);
      if (first !== undefined) {
        problems.push(
          problem(
            DocumentProblemCode.DuplicateStockRecord,
            `${sku} in ${warehouse} is also counted on line ${first}.`,
            { kind: 'csv', line: row.line },
          ),
        );
      } else seen.set(key, row.line);
      if (onHand !== undefined) lines.push({ sku, warehouse, onHand, at: { kind: 'csv', line: row.line } });
    }
  }
  const snapshot: StockSnapshot | undefined =
    problems.length === 0 && snapshotId !== undefined && asOf !== undefined && asOfMs !== undefined
      ? Object.freeze({ snapshotId, asOf, asOfMs, lines: Object.freeze(lines) })
      : undefined;
  return {
    parsed: parsedStockDocument(DocumentFormat.Csv, documentProblems, [
      { index: 0, businessRef: snapshotId, record: snapshot, problems },
    ]),
    slices: [Buffer.from(text, 'utf8')],
  };
}
