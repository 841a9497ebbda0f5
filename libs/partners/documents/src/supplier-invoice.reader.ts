// Readers of supplier invoices: the X12 810 a supplier sends us (BIG invoice date, number and PO number;
// CUR; IT1 per line: quantity, unit, unit price and the part numbers, BP our SKU and VP/VN the
// supplier's; TDS the total in cents; CTT the line count) and the JSON shape
//   { "type": "tradewind.supplier-invoice", "invoiceNumber": "BW-1001", "invoiceDate": "2026-12-01",
//     "poNumber": "P00012", "currency": "USD", "total": "2.52",
//     "lines": [ { "lineNumber": "1", "sku": "SKU-1001", "supplierPartNumber": "BW-SB-M8",
//                  "quantity": 12, "uom": "EA", "unitPrice": "0.21" } ] }
// and the CSV `invoice_number,invoice_date,po_number,currency,line_number,sku,supplier_part_number,
// quantity,uom,unit_price` (any column order, one row per line, several invoices per file).
// Money is decimal text (a JSON number is refused for it). Every problem carries its location; no
// function throws for bad partner input. A credit memo (BIG07 CR) is refused: supplier credit notes
// are not taken yet.
import { type CsvRecord, readCsvTable } from './csv-sales-order.parser';
import { type DocumentProblem, DocumentProblemCode, jsonPointer, problem } from './document-problem';
import { isIsoDate, x12DateToIso } from './field-values';
import { readJsonDocument } from './json-structure';
import { toMinorUnits } from './settlement-document';
import {
  type ParsedSupplierInvoices,
  SUPPLIER_INVOICE_LIMITS,
  type SupplierInvoice,
  type SupplierInvoiceLine,
} from './supplier-invoice-document';
import { at, readSets } from './supplier-responses.reader';

export const JSON_SUPPLIER_INVOICE_TYPE = 'tradewind.supplier-invoice';

const PRICE = /^\d{1,10}(\.\d{1,6})?$/;
const QUANTITY = /^\d{1,9}(\.\d{1,4})?$/;
const REFERENCE = /^[A-Za-z0-9][A-Za-z0-9 ._/-]*$/;
const CURRENCY = /^[A-Z]{3}$/;

function reference(text: string): boolean {
  return text.length <= SUPPLIER_INVOICE_LIMITS.referenceLength && REFERENCE.test(text);
}

/** Reads every 810 of an interchange a supplier sent. */
export function readX12SupplierInvoices(bytes: Uint8Array): ParsedSupplierInvoices {
  const read = readSets(bytes, '810');
  if (!read.ok) return read;
  const problems: DocumentProblem[] = [];
  const invoices: SupplierInvoice[] = [];
  for (const set of read.documents) {
    const big = set.body.find((s) => s.tag === 'BIG');
    if (big === undefined) {
      problems.push(
        problem(
          DocumentProblemCode.X12MissingSegment,
          'The 810 has no BIG segment.',
          at(set.header, undefined, set),
        ),
      );
      continue;
    }
    const invoiceDate = x12DateToIso(big.elements[0] ?? '');
    if (invoiceDate === undefined)
      problems.push(
        problem(
          DocumentProblemCode.InvalidDate,
          `BIG01 "${big.elements[0] ?? ''}" is not a date (CCYYMMDD).`,
          at(big, 1, set),
        ),
      );
    const invoiceNumber = big.elements[1] ?? '';
    if (!reference(invoiceNumber))
      problems.push(
        problem(
          DocumentProblemCode.X12MissingElement,
          `BIG02 (invoice number) "${invoiceNumber}" is empty or not a reference.`,
          at(big, 2, set),
        ),
      );
    const poNumber = big.elements[3] ?? '';
    if (!reference(poNumber))
      problems.push(
        problem(
          DocumentProblemCode.X12MissingElement,
          `BIG04 (purchase order number) "${poNumber}" is empty or not a reference.`,
          at(big, 4, set),
        ),
      );
    if ((big.elements[6] ?? '') === 'CR')
      problems.push(
        problem(
          DocumentProblemCode.X12InvalidCode,
          'BIG07 CR: a credit memo from a supplier is not taken (send it to accounts payable).',
          at(big, 7, set),
        ),
      );
    let currency: string | null = null;
    let totalMinor: number | null = null;
    let declaredLines: { count: string; segment: (typeof set.body)[number] } | undefined;
    const lines: SupplierInvoiceLine[] = [];
    const seen = new Set<string>();
    for (const segment of set.body) {
      switch (segment.tag) {
        case 'CUR': {
          const code = segment.elements[1] ?? '';
          if (CURRENCY.test(code)) currency = code;
          else
            problems.push(
              problem(
                DocumentProblemCode.X12InvalidCode,
                `CUR02 "${code}" is not an ISO 4217 currency.`,
                at(segment, 2, set),
              ),
            );
          break;
        }
        case 'IT1': {
          const lineNumber = segment.elements[0] ?? '';
          if (lineNumber === '')
            problems.push(
              problem(
                DocumentProblemCode.X12MissingElement,
                'IT101 (line number) is empty.',
                at(segment, 1, set),
              ),
            );
          else if (seen.has(lineNumber))
            problems.push(
              problem(
                DocumentProblemCode.DuplicateLine,
                `Line ${lineNumber} twice in one invoice.`,
                at(segment, 1, set),
              ),
            );
          seen.add(lineNumber);
          const quantity = segment.elements[1] ?? '';
          if (!QUANTITY.test(quantity) || Number(quantity) <= 0)
            problems.push(
              problem(
                DocumentProblemCode.InvalidNumber,
                `IT102 "${quantity}" is not a quantity above 0.`,
                at(segment, 2, set),
              ),
            );
          const price = segment.elements[3] ?? '';
          if (!PRICE.test(price))
            problems.push(
              problem(
                DocumentProblemCode.InvalidNumber,
                `IT104 "${price}" is not a unit price (at most 6 decimals).`,
                at(segment, 4, set),
              ),
            );
          let sku: string | null = null;
          let part: string | null = null;
          for (let i = 5; i + 1 < segment.elements.length; i += 2) {
            const qualifier = segment.elements[i];
            const value = segment.elements[i + 1] ?? '';
            if (value === '') continue;
            if (qualifier === 'BP' || qualifier === 'IN') sku = value;
            else if (qualifier === 'VP' || qualifier === 'VN') part = value;
          }
          if (sku === null && part === null)
            problems.push(
              problem(
                DocumentProblemCode.X12MissingElement,
                `IT1 line ${lineNumber}: neither our SKU (BP) nor the part number (VP) is given.`,
                at(segment, 6, set),
              ),
            );
          lines.push({
            lineNumber,
            quantity: Number(quantity),
            uom: segment.elements[2] || null,
            unitPrice: price,
            sku,
            supplierPartNumber: part,
            at: at(segment, undefined, set),
          });
          break;
        }
        case 'TDS': {
          const text = segment.elements[0] ?? '';
          if (/^\d{1,15}$/.test(text)) totalMinor = Number(text);
          else
            problems.push(
              problem(
                DocumentProblemCode.InvalidNumber,
                `TDS01 "${text}" is not an amount in cents.`,
                at(segment, 1, set),
              ),
            );
          break;
        }
        case 'CTT':
          declaredLines = { count: segment.elements[0] ?? '', segment };
          break;
        default:
          break;
      }
    }
    if (lines.length === 0)
      problems.push(
        problem(
          DocumentProblemCode.X12MissingSegment,
          'The 810 has no IT1 line.',
          at(set.header, undefined, set),
        ),
      );
    if (lines.length > SUPPLIER_INVOICE_LIMITS.linesPerInvoice)
      problems.push(
        problem(
          DocumentProblemCode.OutOfRange,
          `${lines.length} lines, over the limit.`,
          at(set.header, undefined, set),
        ),
      );
    if (declaredLines !== undefined && declaredLines.count !== String(lines.length))
      problems.push(
        problem(
          DocumentProblemCode.X12LineCountMismatch,
          `CTT01 says ${declaredLines.count} lines, the 810 has ${lines.length}.`,
          at(declaredLines.segment, 1, set),
        ),
      );
    invoices.push({
      invoiceNumber,
      invoiceDate: invoiceDate ?? '',
      poNumber,
      currency,
      lines,
      totalMinor,
      at: at(set.header, undefined, set),
    });
  }
  return finish(invoices, problems);
}

/** Reads the JSON supplier invoice (one invoice per document). */
export function readJsonSupplierInvoice(bytes: Uint8Array): ParsedSupplierInvoices {
  const fail = (...problems: DocumentProblem[]): ParsedSupplierInvoices => ({ ok: false, problems });
  const read = readJsonDocument(bytes);
  if (!read.ok) return { ok: false, problems: read.problems };
  // A key given twice is refused: which of the two would the supplier mean?
  if (read.duplicateKeys.length > 0) return fail(...read.duplicateKeys);
  const { value } = read;
  const pointer = (...path: (string | number)[]) => ({
    kind: 'json' as const,
    pointer: jsonPointer(...path),
  });
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return fail(
      problem(DocumentProblemCode.SchemaViolation, 'A supplier invoice is a JSON object.', pointer()),
    );
  const doc = value as Record<string, unknown>;
  const problems: DocumentProblem[] = [];
  if (doc.type !== JSON_SUPPLIER_INVOICE_TYPE)
    problems.push(
      problem(
        DocumentProblemCode.SchemaViolation,
        `type must be "${JSON_SUPPLIER_INVOICE_TYPE}".`,
        pointer('type'),
      ),
    );
  const ref = (field: string): string => {
    const v = doc[field];
    if (typeof v !== 'string' || !reference(v)) {
      problems.push(
        problem(
          DocumentProblemCode.SchemaViolation,
          `${field} must be a reference (letters, digits, . _ / -; at most ${SUPPLIER_INVOICE_LIMITS.referenceLength}).`,
          pointer(field),
        ),
      );
      return '';
    }
    return v;
  };
  const invoiceNumber = ref('invoiceNumber');
  const poNumber = ref('poNumber');
  const invoiceDate =
    typeof doc.invoiceDate === 'string' && isIsoDate(doc.invoiceDate) ? doc.invoiceDate : '';
  if (invoiceDate === '')
    problems.push(
      problem(
        DocumentProblemCode.InvalidDate,
        'invoiceDate must be an ISO date (YYYY-MM-DD).',
        pointer('invoiceDate'),
      ),
    );
  let currency: string | null = null;
  if (doc.currency !== undefined && doc.currency !== null) {
    if (typeof doc.currency === 'string' && CURRENCY.test(doc.currency)) currency = doc.currency;
    else
      problems.push(
        problem(DocumentProblemCode.InvalidCode, 'currency must be an ISO 4217 code.', pointer('currency')),
      );
  }
  let totalMinor: number | null = null;
  if (doc.total !== undefined && doc.total !== null) {
    const minor = typeof doc.total === 'string' ? toMinorUnits(doc.total, currency ?? 'USD') : undefined;
    if (minor === undefined)
      problems.push(
        problem(
          DocumentProblemCode.InvalidAmount,
          'total must be a decimal text in the currency (a JSON number cannot carry money exactly).',
          pointer('total'),
        ),
      );
    else totalMinor = minor;
  }
  const lines: SupplierInvoiceLine[] = [];
  if (!Array.isArray(doc.lines) || doc.lines.length === 0) {
    problems.push(
      problem(DocumentProblemCode.SchemaViolation, 'lines must be a non-empty array.', pointer('lines')),
    );
  } else if (doc.lines.length > SUPPLIER_INVOICE_LIMITS.linesPerInvoice) {
    problems.push(
      problem(DocumentProblemCode.OutOfRange, `${doc.lines.length} lines, over the limit.`, pointer('lines')),
    );
  } else {
    const seen = new Set<string>();
    doc.lines.forEach((raw: unknown, index) => {
      const line = (raw ?? {}) as Record<string, unknown>;
      const lineNumber =
        typeof line.lineNumber === 'string' && line.lineNumber !== '' ? line.lineNumber : String(index + 1);
      if (seen.has(lineNumber))
        problems.push(
          problem(
            DocumentProblemCode.DuplicateLine,
            `Line ${lineNumber} twice in one invoice.`,
            pointer('lines', index, 'lineNumber'),
          ),
        );
      seen.add(lineNumber);
      const quantity = line.quantity;
      if (typeof quantity !== 'number' || !QUANTITY.test(String(quantity)) || quantity <= 0)
        problems.push(
          problem(
            DocumentProblemCode.InvalidNumber,
            'quantity must be a number above 0 (at most 4 decimals).',
            pointer('lines', index, 'quantity'),
          ),
        );
      const price = line.unitPrice;
      if (typeof price !== 'string' || !PRICE.test(price))
        problems.push(
          problem(
            DocumentProblemCode.InvalidAmount,
            'unitPrice must be a decimal text (at most 6 decimals).',
            pointer('lines', index, 'unitPrice'),
          ),
        );
      const text = (field: string): string | null => {
        const v = line[field];
        if (v === undefined || v === null) return null;
        if (typeof v !== 'string' || !reference(v)) {
          problems.push(
            problem(
              DocumentProblemCode.SchemaViolation,
              `${field} must be a reference.`,
              pointer('lines', index, field),
            ),
          );
          return null;
        }
        return v;
      };
      const sku = text('sku');
      const part = text('supplierPartNumber');
      if (sku === null && part === null && line.sku === undefined && line.supplierPartNumber === undefined)
        problems.push(
          problem(
            DocumentProblemCode.MissingValue,
            'a line names its product by sku or supplierPartNumber.',
            pointer('lines', index),
          ),
        );
      lines.push({
        lineNumber,
        quantity: typeof quantity === 'number' ? quantity : 0,
        uom: typeof line.uom === 'string' && /^[A-Z0-9]{2}$/.test(line.uom) ? line.uom : null,
        unitPrice: typeof price === 'string' ? price : '',
        sku,
        supplierPartNumber: part,
        at: pointer('lines', index),
      });
    });
  }
  return finish(
    [{ invoiceNumber, invoiceDate, poNumber, currency, lines, totalMinor, at: pointer() }],
    problems,
  );
}

export const SUPPLIER_INVOICE_CSV_COLUMNS = Object.freeze([
  'invoice_number',
  'invoice_date',
  'po_number',
  'currency',
  'line_number',
  'sku',
  'supplier_part_number',
  'quantity',
  'uom',
  'unit_price',
] as const);
const CSV_REQUIRED = ['invoice_number', 'invoice_date', 'po_number', 'quantity', 'unit_price'];

/** Reads a CSV of supplier invoices: one row per line, the invoice's fields repeated on each. */
export function readCsvSupplierInvoices(bytes: Uint8Array): ParsedSupplierInvoices {
  const table = readCsvTable(bytes);
  if (!table.ok) return { ok: false, problems: table.problems };
  const { header, columns, records } = table;
  const problems: DocumentProblem[] = [...table.problems];
  for (const column of CSV_REQUIRED) {
    if (!columns.has(column))
      problems.push(
        problem(DocumentProblemCode.CsvMissingColumn, `The header has no "${column}" column.`, {
          kind: 'csv',
          line: header.line,
        }),
      );
  }
  if (!columns.has('sku') && !columns.has('supplier_part_number'))
    problems.push(
      problem(
        DocumentProblemCode.CsvMissingColumn,
        'The header has neither "sku" nor "supplier_part_number".',
        {
          kind: 'csv',
          line: header.line,
        },
      ),
    );
  if (problems.length > 0) return { ok: false, problems };
  const cell = (record: CsvRecord, name: string): string => {
    const index = columns.get(name);
    return index === undefined ? '' : (record.cells[index] ?? '').trim();
  };
  const at = (record: CsvRecord, name: string) => ({
    kind: 'csv' as const,
    line: record.line,
    column: (columns.get(name) ?? 0) + 1,
    header: name,
  });
  const invoices = new Map<
    string,
    { invoice: SupplierInvoice; lines: SupplierInvoiceLine[]; seen: Set<string> }
  >();
  for (const record of records) {
    const number = cell(record, 'invoice_number');
    if (!reference(number)) {
      problems.push(
        problem(
          DocumentProblemCode.MissingValue,
          `invoice_number "${number}" is empty or not a reference.`,
          at(record, 'invoice_number'),
        ),
      );
      continue;
    }
    const date = cell(record, 'invoice_date');
    const poNumber = cell(record, 'po_number');
    const currency = cell(record, 'currency') || null;
    let entry = invoices.get(number);
    if (entry === undefined) {
      if (!isIsoDate(date))
        problems.push(
          problem(
            DocumentProblemCode.InvalidDate,
            `invoice_date "${date}" is not a date (YYYY-MM-DD).`,
            at(record, 'invoice_date'),
          ),
        );
      if (!reference(poNumber))
        problems.push(
          problem(
            DocumentProblemCode.MissingValue,
            `po_number "${poNumber}" is empty or not a reference.`,
            at(record, 'po_number'),
          ),
        );
      if (currency !== null && !CURRENCY.test(currency))
        problems.push(
          problem(
            DocumentProblemCode.InvalidCode,
            `currency "${currency}" is not an ISO 4217 code.`,
            at(record, 'currency'),
          ),
        );
      const lines: SupplierInvoiceLine[] = [];
      entry = {
        invoice: {
          invoiceNumber: number,
          invoiceDate: date,
          poNumber,
          currency,
          lines,
          totalMinor: null,
          at: { kind: 'csv', line: record.line },
        },
        lines,
        seen: new Set(),
      };
      invoices.set(number, entry);
    } else if (
      date !== entry.invoice.invoiceDate ||
      poNumber !== entry.invoice.poNumber ||
      currency !== entry.invoice.currency
    ) {
      problems.push(
        problem(
          DocumentProblemCode.CsvInconsistentOrder,
          `invoice ${number}: its date, PO number and currency must be the same on every row.`,
          at(record, 'invoice_number'),
        ),
      );
    }
    const lineNumber = cell(record, 'line_number') || String(entry.lines.length + 1);
    if (entry.seen.has(lineNumber))
      problems.push(
        problem(
          DocumentProblemCode.DuplicateLine,
          `Line ${lineNumber} twice in invoice ${number}.`,
          at(record, 'line_number'),
        ),
      );
    entry.seen.add(lineNumber);
    const quantity = cell(record, 'quantity');
    if (!QUANTITY.test(quantity) || Number(quantity) <= 0)
      problems.push(
        problem(
          DocumentProblemCode.InvalidNumber,
          `quantity "${quantity}" is not a quantity above 0.`,
          at(record, 'quantity'),
        ),
      );
    const price = cell(record, 'unit_price');
    if (!PRICE.test(price))
      problems.push(
        problem(
          DocumentProblemCode.InvalidAmount,
          `unit_price "${price}" is not a unit price (at most 6 decimals).`,
          at(record, 'unit_price'),
        ),
      );
    const sku = cell(record, 'sku') || null;
    const part = cell(record, 'supplier_part_number') || null;
    if (sku === null && part === null)
      problems.push(
        problem(
          DocumentProblemCode.MissingValue,
          'a line names its product by sku or supplier_part_number.',
          at(record, 'sku'),
        ),
      );
    for (const [name, value] of [
      ['sku', sku],
      ['supplier_part_number', part],
    ] as const) {
      if (value !== null && !reference(value))
        problems.push(
          problem(
            DocumentProblemCode.SchemaViolation,
            `${name} "${value}" is not a reference.`,
            at(record, name),
          ),
        );
    }
    const uom = cell(record, 'uom');
    entry.lines.push({
      lineNumber,
      quantity: Number(quantity),
      uom: /^[A-Z0-9]{2}$/.test(uom) ? uom : null,
      unitPrice: price,
      sku,
      supplierPartNumber: part,
      at: { kind: 'csv', line: record.line },
    });
  }
  if (invoices.size === 0 && problems.length === 0)
    problems.push(
      problem(DocumentProblemCode.EmptyDocument, 'The file has no invoice line.', { kind: 'document' }),
    );
  return finish(
    [...invoices.values()].map((e) => e.invoice),
    problems,
  );
}

function finish(invoices: SupplierInvoice[], problems: DocumentProblem[]): ParsedSupplierInvoices {
  const numbers = new Set<string>();
  for (const invoice of invoices) {
    if (invoice.invoiceNumber !== '' && numbers.has(invoice.invoiceNumber))
      problems.push(
        problem(
          DocumentProblemCode.DuplicateOrder,
          `Invoice ${invoice.invoiceNumber} twice in one upload.`,
          invoice.at,
        ),
      );
    numbers.add(invoice.invoiceNumber);
  }
  if (invoices.length > SUPPLIER_INVOICE_LIMITS.invoicesPerDocument)
    problems.push(
      problem(DocumentProblemCode.OutOfRange, `${invoices.length} invoices in one upload, over the limit.`, {
        kind: 'document',
      }),
    );
  return problems.length > 0 ? { ok: false, problems } : { ok: true, invoices };
}
