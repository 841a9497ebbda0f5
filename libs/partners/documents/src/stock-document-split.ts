// Stock uploads split like order uploads (document-split.ts), so the gateway accepts them the same way:
// a webhook of several events gives one slice per event; a snapshot file is one slice, accepted whole.
import { readCsvStockSnapshot } from './csv-stock-snapshot.parser';
import { CONTENT_TYPES, DocumentFormat } from './document-format';
import { type DocumentProblem, DocumentProblemCode, problem } from './document-problem';
import type { DocumentSlice, DocumentSplit } from './document-split';
import { readJsonStockEvents } from './json-stock-event.parser';
import { type ParsedStockEvents, type ParsedStockSnapshot, StockDocumentType } from './stock-document';

/** The formats each stock document type is read in. */
export const STOCK_DOCUMENT_FORMATS: Readonly<Record<StockDocumentType, DocumentFormat>> = Object.freeze({
  [StockDocumentType.StockEvent]: DocumentFormat.Json,
  [StockDocumentType.StockSnapshot]: DocumentFormat.Csv,
});

export interface StockDocumentSplit extends DocumentSplit {
  readonly documentType: StockDocumentType;
  readonly parsed: ParsedStockEvents | ParsedStockSnapshot;
}

/** Validates a stock upload and splits it into slices; never throws for bad partner input. */
export function splitStockDocument(
  documentType: StockDocumentType,
  format: DocumentFormat,
  bytes: Uint8Array,
): StockDocumentSplit {
  if (format !== STOCK_DOCUMENT_FORMATS[documentType]) {
    const unsupported = problem(
      DocumentProblemCode.UnsupportedFormat,
      `A ${documentType} is read as ${STOCK_DOCUMENT_FORMATS[documentType]}, not ${format}.`,
      { kind: 'document' },
    );
    return Object.freeze({
      documentType,
      format,
      ok: false,
      slices: [],
      documentProblems: [unsupported],
      parsed: Object.freeze({
        format,
        ok: false,
        documentProblems: [unsupported],
        entries: [],
        records: [],
        problems: [unsupported],
      }),
    });
  }
  const read: { parsed: ParsedStockEvents | ParsedStockSnapshot; slices: readonly Uint8Array[] } =
    documentType === StockDocumentType.StockEvent ? readJsonStockEvents(bytes) : readCsvStockSnapshot(bytes);
  return Object.freeze({
    documentType,
    format,
    ok: read.parsed.ok,
    documentProblems: read.parsed.documentProblems,
    parsed: read.parsed,
    slices: Object.freeze(slicesOf(read.parsed.entries, read.slices, format)),
  });
}

function slicesOf(
  entries: readonly {
    index: number;
    businessRef: string | undefined;
    problems: readonly DocumentProblem[];
  }[],
  bytes: readonly Uint8Array[],
  format: DocumentFormat,
): DocumentSlice[] {
  return entries.map((entry, i) =>
    Object.freeze({
      index: entry.index,
      businessRef: entry.businessRef,
      bytes: bytes[i] ?? new Uint8Array(),
      contentType: CONTENT_TYPES[format],
      interchangeRef: undefined,
      problems: entry.problems,
    }),
  );
}
