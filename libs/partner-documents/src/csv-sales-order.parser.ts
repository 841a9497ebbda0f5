import { type CsvError, parse } from 'csv-parse/sync';

import { DocumentFormat } from './document-format';
import { type DocumentProblem, DocumentProblemCode, problem, type ProblemLocation } from './document-problem';
import { isIsoDate, isValidGtin, parseDecimal } from './field-values';
import {
  CustomerCodeRole,
  ItemIdQualifier,
  type ParsedSalesOrders,
  parsedSalesOrders,
  type PartnerItemId,
  type PartnerSalesOrderLine,
  type SalesOrderEntry,
} from './partner-sales-order';
import { decodeUtf8 } from './text-decoding';

/** Columns every marketplace file must have (header row, any order, case-insensitive). */
export const CSV_REQUIRED_COLUMNS = [
  'order_number',
  'order_date',
  'buyer_code',
  'currency',
  'line_number',
  'item_sku_or_gtin',
  'quantity',
  'uom',
  'unit_price',
] as const;

/** Optional columns: `item_qualifier` (sku | gtin) overrides the GTIN guess; others are copied through. */
export const CSV_OPTIONAL_COLUMNS = ['item_qualifier', 'description', 'ship_to_code'] as const;

type Column = (typeof CSV_REQUIRED_COLUMNS)[number] | (typeof CSV_OPTIONAL_COLUMNS)[number];

/** Columns whose value must be the same on every row of one order. */
const ORDER_COLUMNS = ['order_date', 'buyer_code', 'currency', 'ship_to_code'] as const;

export interface CsvReadResult {
  readonly parsed: ParsedSalesOrders;
  /** Per entry: the header row and that order's rows, as sent (line endings normalized to LF). */
  readonly slices: readonly Uint8Array[];
}

interface Row {
  readonly line: number;
  readonly raw: string;
  readonly cells: readonly string[];
}

export function parseCsvSalesOrders(bytes: Uint8Array): ParsedSalesOrders {
  return readCsvSalesOrders(bytes).parsed;
}

export function readCsvSalesOrders(bytes: Uint8Array): CsvReadResult {
  const fail = (problems: DocumentProblem[]): CsvReadResult => ({
    parsed: parsedSalesOrders(DocumentFormat.Csv, problems, []),
    slices: [],
  });
  const decoded = decodeUtf8(bytes);
  if (!decoded.ok) return fail([...decoded.problems]);
  // Line numbers survive CRLF → LF, and csv-parse then sees one record delimiter.
  const text = decoded.text.replace(/\r\n?/g, '\n');
  if (text.trim() === '')
    return fail([problem(DocumentProblemCode.EmptyDocument, 'The file is empty.', { kind: 'document' })]);

  const documentProblems: DocumentProblem[] = [];
  const records = readRecords(text, documentProblems);
  const header = records.shift();
  if (header === undefined) return fail(documentProblems);

  const columns = new Map<string, number>();
  header.cells.forEach((name, i) => {
    const key = name.trim().toLowerCase();
    if (columns.has(key)) {
      documentProblems.push(
        problem(
          DocumentProblemCode.CsvDuplicateColumn,
          `Column "${name}" appears more than once in the header.`,
          {
            kind: 'csv',
            line: header.line,
            column: i + 1,
            header: name,
          },
        ),
      );
    } else {
      columns.set(key, i);
    }
  });
  const missing = CSV_REQUIRED_COLUMNS.filter((c) => !columns.has(c));
  for (const column of missing) {
    documentProblems.push(
      problem(DocumentProblemCode.CsvMissingColumn, `The header has no "${column}" column.`, {
        kind: 'csv',
        line: header.line,
      }),
    );
  }
  if (missing.length > 0) return fail(documentProblems);

  const cellAt = (row: Row, column: Column): { value: string; at: ProblemLocation } => {
    const index = columns.get(column);
    return {
      value: index === undefined ? '' : (row.cells[index] ?? ''),
      at: {
        kind: 'csv',
        line: row.line,
        column: (index ?? 0) + 1,
        header: header.cells[index ?? 0] ?? column,
      },
    };
  };

  // Group rows by order number, keeping the order in which order numbers first appear.
  const groups = new Map<string, Row[]>();
  for (const row of records) {
    const { value, at } = cellAt(row, 'order_number');
    if (value === '') {
      documentProblems.push(
        problem(DocumentProblemCode.MissingValue, 'order_number is empty; the row belongs to no order.', at),
      );
      continue;
    }
    const group = groups.get(value);
    if (group === undefined) groups.set(value, [row]);
    else group.push(row);
  }

  const entries: SalesOrderEntry[] = [];
  const slices: Uint8Array[] = [];
  for (const [poNumber, rows] of groups) {
    const problems: DocumentProblem[] = [];
    const first = rows[0];
    for (const column of ORDER_COLUMNS) {
      const expected = cellAt(first, column).value;
      for (const row of rows.slice(1)) {
        const cell = cellAt(row, column);
        if (cell.value !== expected) {
          problems.push(
            problem(
              DocumentProblemCode.CsvInconsistentOrder,
              `${column} "${cell.value}" differs from "${expected}" on line ${first.line} of the same order ${poNumber}.`,
              cell.at,
            ),
          );
        }
      }
    }
    const orderDate = cellAt(first, 'order_date');
    const buyer = cellAt(first, 'buyer_code');
    const currency = cellAt(first, 'currency');
    const shipTo = cellAt(first, 'ship_to_code');
    requireValue(orderDate, problems);
    requireValue(buyer, problems);
    requireValue(currency, problems);
    if (orderDate.value !== '' && !isIsoDate(orderDate.value)) {
      problems.push(
        problem(
          DocumentProblemCode.InvalidDate,
          `order_date "${orderDate.value}" is not a date (YYYY-MM-DD).`,
          orderDate.at,
        ),
      );
    }
    if (currency.value !== '' && !/^[A-Z]{3}$/.test(currency.value)) {
      problems.push(
        problem(
          DocumentProblemCode.SchemaViolation,
          `currency "${currency.value}" is not an ISO 4217 code.`,
          currency.at,
        ),
      );
    }
    const lines = rows.map((row) => readLine(row, cellAt, problems));

    entries.push({
      index: entries.length,
      businessRef: poNumber,
      problems,
      order:
        problems.length > 0
          ? undefined
          : {
              format: DocumentFormat.Csv,
              poNumber,
              orderDate: orderDate.value,
              customerCode: buyer.value,
              customerCodeRole: CustomerCodeRole.Buyer,
              ...(shipTo.value === '' ? {} : { shipToCode: shipTo.value }),
              currency: currency.value,
              lines: lines.filter((l): l is PartnerSalesOrderLine => l !== undefined),
              locations: {
                order: { kind: 'csv', line: first.line },
                poNumber: cellAt(first, 'order_number').at,
                orderDate: orderDate.at,
                customer: buyer.at,
                ...(shipTo.value === '' ? {} : { shipTo: shipTo.at }),
                currency: currency.at,
              },
            },
    });
    slices.push(Buffer.from([header, ...rows].map((r) => r.raw).join(''), 'utf8'));
  }
  if (entries.length === 0 && documentProblems.length === 0) {
    documentProblems.push(
      problem(DocumentProblemCode.NoOrders, 'The file has a header but no order rows.', {
        kind: 'csv',
        line: header.line,
      }),
    );
  }
  return { parsed: parsedSalesOrders(DocumentFormat.Csv, documentProblems, entries), slices };
}

function requireValue(
  cell: { value: string; at: ProblemLocation },
  problems: DocumentProblem[],
  lineNumber?: string,
): boolean {
  if (cell.value !== '') return true;
  const name = cell.at.kind === 'csv' ? (cell.at.header ?? 'value') : 'value';
  problems.push(problem(DocumentProblemCode.MissingValue, `${name} is empty.`, cell.at, lineNumber));
  return false;
}

function readLine(
  row: Row,
  cellAt: (row: Row, column: Column) => { value: string; at: ProblemLocation },
  problems: DocumentProblem[],
): PartnerSalesOrderLine | undefined {
  const before = problems.length;
  const lineNo = cellAt(row, 'line_number');
  const lineNumber = lineNo.value === '' ? undefined : lineNo.value;
  if (requireValue(lineNo, problems) && !/^[1-9]\d{0,5}$/.test(lineNo.value)) {
    problems.push(
      problem(
        DocumentProblemCode.InvalidNumber,
        `line_number "${lineNo.value}" is not a positive whole number.`,
        lineNo.at,
        lineNumber,
      ),
    );
  }
  const item = cellAt(row, 'item_sku_or_gtin');
  requireValue(item, problems, lineNumber);
  const qualifierCell = cellAt(row, 'item_qualifier');
  const qualifier = qualifierCell.value.toLowerCase();
  if (qualifier !== '' && qualifier !== 'sku' && qualifier !== 'gtin') {
    problems.push(
      problem(
        DocumentProblemCode.SchemaViolation,
        `item_qualifier "${qualifierCell.value}" must be "sku" or "gtin".`,
        qualifierCell.at,
        lineNumber,
      ),
    );
  }
  if (qualifier === 'gtin' && item.value !== '' && !isValidGtin(item.value)) {
    problems.push(
      problem(
        DocumentProblemCode.SchemaViolation,
        `"${item.value}" is not a GTIN with a valid check digit.`,
        item.at,
        lineNumber,
      ),
    );
  }
  const quantity = readNumber(
    cellAt(row, 'quantity'),
    problems,
    lineNumber,
    (n) => n > 0,
    'must be greater than 0',
  );
  const uom = cellAt(row, 'uom');
  if (requireValue(uom, problems, lineNumber) && !/^[A-Za-z0-9]{1,10}$/.test(uom.value)) {
    problems.push(
      problem(
        DocumentProblemCode.SchemaViolation,
        `uom "${uom.value}" is not a unit code.`,
        uom.at,
        lineNumber,
      ),
    );
  }
  const price = readNumber(
    cellAt(row, 'unit_price'),
    problems,
    lineNumber,
    (n) => n >= 0,
    'must not be negative',
  );
  if (problems.length > before || quantity === undefined || price === undefined || lineNumber === undefined)
    return undefined;

  const itemIds: PartnerItemId[] = [];
  const asGtin = qualifier === 'gtin' || (qualifier === '' && isValidGtin(item.value));
  if (asGtin)
    itemIds.push({
      qualifier: ItemIdQualifier.Gtin,
      value: item.value,
      sourceQualifier: 'gtin',
      at: item.at,
    });
  // A digits-only partner SKU can pass the GTIN check by chance: unless told, also try it as a SKU.
  if (qualifier !== 'gtin') {
    itemIds.push({
      qualifier: ItemIdQualifier.PartnerSku,
      value: item.value,
      sourceQualifier: 'sku',
      at: item.at,
    });
  }
  const { value: description, at: descriptionAt } = cellAt(row, 'description');
  return {
    lineNumber,
    itemIds,
    quantity,
    uom: uom.value,
    unitPrice: price,
    ...(description === '' ? {} : { description }),
    locations: {
      line: { kind: 'csv', line: row.line },
      lineNumber: lineNo.at,
      ...(description === '' ? {} : { description: descriptionAt }),
      quantity: cellAt(row, 'quantity').at,
      uom: uom.at,
      unitPrice: cellAt(row, 'unit_price').at,
    },
  };
}

function readNumber(
  cell: { value: string; at: ProblemLocation },
  problems: DocumentProblem[],
  lineNumber: string | undefined,
  inRange: (n: number) => boolean,
  rangeMessage: string,
): number | undefined {
  if (!requireValue(cell, problems, lineNumber)) return undefined;
  const name = cell.at.kind === 'csv' ? cell.at.header : 'value';
  const value = parseDecimal(cell.value);
  if (value === undefined) {
    problems.push(
      problem(
        DocumentProblemCode.InvalidNumber,
        `${name} "${cell.value}" is not a number.`,
        cell.at,
        lineNumber,
      ),
    );
    return undefined;
  }
  if (!inRange(value)) {
    problems.push(
      problem(DocumentProblemCode.OutOfRange, `${name} ${cell.value} ${rangeMessage}.`, cell.at, lineNumber),
    );
    return undefined;
  }
  return value;
}

function readRecords(text: string, problems: DocumentProblem[]): Row[] {
  const rows: Row[] = [];
  const onSkip = (error: CsvError | undefined): undefined => {
    if (error === undefined) return undefined;
    const line = typeof error.lines === 'number' ? error.lines : 1;
    const code =
      error.code === 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH'
        ? DocumentProblemCode.CsvFieldCount
        : DocumentProblemCode.CsvSyntax;
    const message =
      code === DocumentProblemCode.CsvFieldCount
        ? `The row does not have as many fields as the header (${error.message}).`
        : error.message;
    problems.push(problem(code, message, { kind: 'csv', line }));
    return undefined;
  };
  try {
    const records = parse(text, {
      info: true,
      raw: true,
      record_delimiter: '\n',
      skip_empty_lines: true,
      trim: true,
      skip_records_with_error: true,
      on_skip: onSkip,
    }) as unknown as { record: string[]; raw: string; info: { lines: number } }[];
    for (const { record, raw, info } of records) {
      // `raw` may start with skipped blank lines; the record starts after them.
      const own = raw.replace(/^\n+/, '');
      const newlinesInside = (own.endsWith('\n') ? own.slice(0, -1) : own).split('\n').length - 1;
      rows.push({
        line: info.lines - newlinesInside,
        raw: own.endsWith('\n') ? own : `${own}\n`,
        cells: record,
      });
    }
  } catch (error) {
    // With skip_records_with_error csv-parse only throws for option errors; keep it a problem anyway.
    const line = (error as { lines?: unknown }).lines;
    problems.push(
      problem(DocumentProblemCode.CsvSyntax, error instanceof Error ? error.message : String(error), {
        kind: 'csv',
        line: typeof line === 'number' ? line : 1,
      }),
    );
  }
  return rows;
}
