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
import {
  CSV_MANDATORY_FIELDS,
  CSV_ORDER_FIELDS,
  CsvField,
  CsvItemIdType,
  type CsvLayout,
  STANDARD_CSV_LAYOUT,
} from './sales-order-layout';
import { decodeUtf8 } from './text-decoding';

type Cell = { readonly value: string; readonly at: ProblemLocation };
type Row = CsvRecord;
type CellAt = (row: Row, field: CsvField) => Cell;

export interface CsvReadResult {
  readonly parsed: ParsedSalesOrders;
  /** Per entry: the header row and that order's rows, as sent (line endings normalized to LF). */
  readonly slices: readonly Uint8Array[];
}

/** One CSV record: its first line (1-based), its text as sent, its cells. */
export interface CsvRecord {
  readonly line: number;
  readonly raw: string;
  readonly cells: readonly string[];
}

export function parseCsvSalesOrders(
  bytes: Uint8Array,
  layout: CsvLayout = STANDARD_CSV_LAYOUT,
): ParsedSalesOrders {
  return readCsvSalesOrders(bytes, layout).parsed;
}

/** Reads a CSV file whose columns the partner's layout names (see sales-order-layout.ts). */
export function readCsvSalesOrders(
  bytes: Uint8Array,
  layout: CsvLayout = STANDARD_CSV_LAYOUT,
): CsvReadResult {
  const fail = (problems: DocumentProblem[]): CsvReadResult => ({
    parsed: parsedSalesOrders(DocumentFormat.Csv, problems, []),
    slices: [],
  });
  const table = readCsvTable(bytes);
  if (!table.ok) return fail(table.problems);
  const { header, columns, records, problems: documentProblems } = table;
  const fields = Object.entries(layout.columns) as [CsvField, NonNullable<CsvLayout['columns'][CsvField]>][];
  const missing = fields.filter(
    ([, spec]) => spec.required && spec.column !== undefined && !columns.has(spec.column.toLowerCase()),
  );
  for (const [, spec] of missing) {
    documentProblems.push(
      problem(DocumentProblemCode.CsvMissingColumn, `The header has no "${spec.column}" column.`, {
        kind: 'csv',
        line: header.line,
      }),
    );
  }
  if (missing.length > 0) return fail(documentProblems);

  const indexOf = new Map(
    fields.flatMap(([field, spec]) => {
      const index = spec.column === undefined ? undefined : columns.get(spec.column.toLowerCase());
      return index === undefined ? [] : [[field, index] as const];
    }),
  );
  // A field without a column in this file is located at the row, under its configured name.
  const cellAt: CellAt = (row, field) => {
    const index = indexOf.get(field);
    const spec = layout.columns[field];
    const sent = index === undefined ? '' : (row.cells[index] ?? '');
    return {
      value: sent === '' ? (spec?.default ?? '') : sent,
      at:
        index === undefined
          ? { kind: 'csv', line: row.line, header: spec?.column ?? field }
          : { kind: 'csv', line: row.line, column: index + 1, header: header.cells[index] ?? field },
    };
  };
  const mustHave = (field: CsvField): boolean =>
    layout.columns[field]?.required === true || CSV_MANDATORY_FIELDS.includes(field);

  // Group rows by order number, keeping the order in which order numbers first appear.
  const groups = new Map<string, Row[]>();
  for (const row of records) {
    const { value, at } = cellAt(row, CsvField.PoNumber);
    if (value === '') {
      documentProblems.push(
        problem(DocumentProblemCode.MissingValue, `${nameOf(at)} is empty; the row belongs to no order.`, at),
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
    for (const field of CSV_ORDER_FIELDS) {
      const expected = cellAt(first, field).value;
      for (const row of rows.slice(1)) {
        const cell = cellAt(row, field);
        if (cell.value !== expected) {
          problems.push(
            problem(
              DocumentProblemCode.CsvInconsistentOrder,
              `${nameOf(cell.at)} "${cell.value}" differs from "${expected}" on line ${first.line} of the same order ${poNumber}.`,
              cell.at,
            ),
          );
        }
      }
    }
    const orderDate = cellAt(first, CsvField.OrderDate);
    const buyer = cellAt(first, CsvField.CustomerCode);
    const currency = cellAt(first, CsvField.Currency);
    const shipTo = cellAt(first, CsvField.ShipToCode);
    if (mustHave(CsvField.OrderDate)) requireValue(orderDate, problems);
    if (mustHave(CsvField.CustomerCode)) requireValue(buyer, problems);
    if (mustHave(CsvField.Currency)) requireValue(currency, problems);
    if (orderDate.value !== '' && !isIsoDate(orderDate.value)) {
      problems.push(
        problem(
          DocumentProblemCode.InvalidDate,
          `${nameOf(orderDate.at)} "${orderDate.value}" is not a date (YYYY-MM-DD).`,
          orderDate.at,
        ),
      );
    }
    if (currency.value !== '' && !/^[A-Z]{3}$/.test(currency.value)) {
      problems.push(
        problem(
          DocumentProblemCode.SchemaViolation,
          `${nameOf(currency.at)} "${currency.value}" is not an ISO 4217 code.`,
          currency.at,
        ),
      );
    }
    const lines = rows.map((row, position) => readLine(row, position, layout, cellAt, mustHave, problems));

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
              currency: currency.value === '' ? undefined : currency.value,
              lines: lines.filter((l): l is PartnerSalesOrderLine => l !== undefined),
              locations: {
                order: { kind: 'csv', line: first.line },
                poNumber: cellAt(first, CsvField.PoNumber).at,
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

function nameOf(at: ProblemLocation): string {
  return at.kind === 'csv' ? (at.header ?? 'value') : 'value';
}

function requireValue(cell: Cell, problems: DocumentProblem[], lineNumber?: string): boolean {
  if (cell.value !== '') return true;
  problems.push(
    problem(DocumentProblemCode.MissingValue, `${nameOf(cell.at)} is empty.`, cell.at, lineNumber),
  );
  return false;
}

function readLine(
  row: Row,
  position: number,
  layout: CsvLayout,
  cellAt: CellAt,
  mustHave: (field: CsvField) => boolean,
  problems: DocumentProblem[],
): PartnerSalesOrderLine | undefined {
  const before = problems.length;
  const lineNo = cellAt(row, CsvField.LineNumber);
  // Without a line number column a row is known by its position in the order.
  const lineNumber =
    lineNo.value !== '' ? lineNo.value : mustHave(CsvField.LineNumber) ? undefined : String(position + 1);
  if (lineNo.value === '') {
    if (mustHave(CsvField.LineNumber)) requireValue(lineNo, problems);
  } else if (!/^[1-9]\d{0,5}$/.test(lineNo.value)) {
    problems.push(
      problem(
        DocumentProblemCode.InvalidNumber,
        `${nameOf(lineNo.at)} "${lineNo.value}" is not a positive whole number.`,
        lineNo.at,
        lineNumber,
      ),
    );
  }
  const item = cellAt(row, CsvField.Item);
  requireValue(item, problems, lineNumber);
  const qualifierCell = cellAt(row, CsvField.ItemQualifier);
  const qualifier = qualifierCell.value.toLowerCase();
  if (qualifier !== '' && qualifier !== 'sku' && qualifier !== 'gtin') {
    problems.push(
      problem(
        DocumentProblemCode.SchemaViolation,
        `${nameOf(qualifierCell.at)} "${qualifierCell.value}" must be "sku" or "gtin".`,
        qualifierCell.at,
        lineNumber,
      ),
    );
  }
  const idType = itemIdType(layout.columns[CsvField.Item]?.idType ?? CsvItemIdType.SkuOrGtin, qualifier);
  if (idType === CsvItemIdType.Gtin && item.value !== '' && !isValidGtin(item.value)) {
    problems.push(
      problem(
        DocumentProblemCode.SchemaViolation,
        `"${item.value}" is not a GTIN with a valid check digit.`,
        item.at,
        lineNumber,
      ),
    );
  }
  const quantityCell = cellAt(row, CsvField.Quantity);
  const quantity = readNumber(
    quantityCell,
    true,
    problems,
    lineNumber,
    (n) => n > 0,
    'must be greater than 0',
  );
  const uom = cellAt(row, CsvField.Uom);
  if (requireValue(uom, problems, lineNumber) && !/^[A-Za-z0-9]{1,10}$/.test(uom.value)) {
    problems.push(
      problem(
        DocumentProblemCode.SchemaViolation,
        `${nameOf(uom.at)} "${uom.value}" is not a unit code.`,
        uom.at,
        lineNumber,
      ),
    );
  }
  const priceCell = cellAt(row, CsvField.UnitPrice);
  const price = readNumber(
    priceCell,
    mustHave(CsvField.UnitPrice),
    problems,
    lineNumber,
    (n) => n >= 0,
    'must not be negative',
  );
  if (problems.length > before || quantity === undefined || lineNumber === undefined) return undefined;

  const itemIds = itemIdsOf(item, idType);
  const { value: description, at: descriptionAt } = cellAt(row, CsvField.Description);
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
      quantity: quantityCell.at,
      uom: uom.at,
      ...(priceCell.value === '' ? {} : { unitPrice: priceCell.at }),
    },
  };
}

/** An item_qualifier cell, when the layout has one, overrides a sku-or-gtin column's guess. */
function itemIdType(configured: CsvItemIdType, qualifier: string): CsvItemIdType {
  if (configured !== CsvItemIdType.SkuOrGtin) return configured;
  if (qualifier === 'gtin') return CsvItemIdType.Gtin;
  if (qualifier === 'sku') return CsvItemIdType.PartnerSku;
  return CsvItemIdType.SkuOrGtin;
}

function itemIdsOf(item: Cell, idType: CsvItemIdType): PartnerItemId[] {
  const id = (qualifier: ItemIdQualifier, sourceQualifier: string): PartnerItemId => ({
    qualifier,
    value: item.value,
    sourceQualifier,
    at: item.at,
  });
  switch (idType) {
    case CsvItemIdType.Gtin:
      return [id(ItemIdQualifier.Gtin, 'gtin')];
    case CsvItemIdType.PartnerSku:
      return [id(ItemIdQualifier.PartnerSku, 'sku')];
    case CsvItemIdType.VendorSku:
      return [id(ItemIdQualifier.VendorSku, 'vendor-sku')];
    case CsvItemIdType.SkuOrGtin:
      // A digits-only partner SKU can pass the GTIN check by chance: also try it as a SKU.
      return isValidGtin(item.value)
        ? [id(ItemIdQualifier.Gtin, 'gtin'), id(ItemIdQualifier.PartnerSku, 'sku')]
        : [id(ItemIdQualifier.PartnerSku, 'sku')];
  }
}

function readNumber(
  cell: Cell,
  required: boolean,
  problems: DocumentProblem[],
  lineNumber: string | undefined,
  inRange: (n: number) => boolean,
  rangeMessage: string,
): number | undefined {
  if (cell.value === '' && !required) return undefined;
  if (!requireValue(cell, problems, lineNumber)) return undefined;
  const name = nameOf(cell.at);
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

/**
 * Malformed records reported before reading stops. csv-parse reports each bad quote on its own, with the
 * field read so far: a hostile file of a few kilobytes would otherwise yield thousands of ever longer
 * problems (quadratic time for one request) and an answer nobody can read.
 */
const MAX_CSV_SYNTAX_PROBLEMS = 50;
const MAX_CSV_MESSAGE_LENGTH = 240;

/** A CSV upload read up to its header: the records after it and the header's columns (lower-cased names). */
export type CsvTable =
  | { ok: false; problems: DocumentProblem[] }
  | {
      ok: true;
      /** The decoded text with LF line ends. */
      text: string;
      header: CsvRecord;
      columns: Map<string, number>;
      records: CsvRecord[];
      /** Problems so far (malformed records, duplicate columns); the caller adds its own. */
      problems: DocumentProblem[];
    };

/** Decodes UTF-8, reads the records and the header's columns; an empty file or no header is not ok. */
export function readCsvTable(bytes: Uint8Array): CsvTable {
  const decoded = decodeUtf8(bytes);
  if (!decoded.ok) return { ok: false, problems: [...decoded.problems] };
  // Line numbers survive CRLF → LF, and csv-parse then sees one record delimiter.
  const text = decoded.text.replace(/\r\n?/g, '\n');
  if (text.trim() === '') {
    return {
      ok: false,
      problems: [problem(DocumentProblemCode.EmptyDocument, 'The file is empty.', { kind: 'document' })],
    };
  }
  const problems: DocumentProblem[] = [];
  const records = readCsvRecords(text, problems);
  const header = records.shift();
  if (header === undefined) return { ok: false, problems };
  const columns = new Map<string, number>();
  header.cells.forEach((name, i) => {
    const key = name.trim().toLowerCase();
    if (columns.has(key)) {
      problems.push(
        problem(
          DocumentProblemCode.CsvDuplicateColumn,
          `Column "${name}" appears more than once in the header.`,
          { kind: 'csv', line: header.line, column: i + 1, header: name },
        ),
      );
    } else {
      columns.set(key, i);
    }
  });
  return { ok: true, text, header, columns, records, problems };
}

class TooManyCsvProblems extends Error {}

/** The records of an LF-separated CSV text; malformed ones are skipped and reported into `problems`. */
export function readCsvRecords(text: string, problems: DocumentProblem[]): CsvRecord[] {
  const rows: Row[] = [];
  let skipped = 0;
  const onSkip = (error: CsvError | undefined): undefined => {
    if (error === undefined) return undefined;
    const line = typeof error.lines === 'number' ? error.lines : 1;
    if (++skipped > MAX_CSV_SYNTAX_PROBLEMS) throw new TooManyCsvProblems(String(line));
    const code =
      error.code === 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH'
        ? DocumentProblemCode.CsvFieldCount
        : DocumentProblemCode.CsvSyntax;
    const detail =
      error.message.length > MAX_CSV_MESSAGE_LENGTH
        ? `${error.message.slice(0, MAX_CSV_MESSAGE_LENGTH)}…`
        : error.message;
    const message =
      code === DocumentProblemCode.CsvFieldCount
        ? `The row does not have as many fields as the header (${detail}).`
        : detail;
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
    if (error instanceof TooManyCsvProblems) {
      problems.push(
        problem(
          DocumentProblemCode.CsvSyntax,
          `More than ${MAX_CSV_SYNTAX_PROBLEMS} malformed records: reading stopped at line ${error.message}.`,
          { kind: 'csv', line: Number(error.message) },
        ),
      );
      return [];
    }
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
