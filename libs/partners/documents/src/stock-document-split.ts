// Stock uploads split like order uploads (document-split.ts), so the gateway accepts them the same way:
// a webhook of several events gives one slice per event; a snapshot file is one slice, accepted whole; Odoo's
// webhook on stock.quant is one slice naming the quant (`stock.quant/<id>`).
import { readCsvStockSnapshot } from './csv-stock-snapshot.parser';
import { CONTENT_TYPES, DocumentFormat } from './document-format';
import { type DocumentProblem, DocumentProblemCode, problem } from './document-problem';
import type { DocumentSlice, DocumentSplit } from './document-split';
import { readJsonStockEvents } from './json-stock-event.parser';
import { type OdooStockQuantEvent, readStockQuantEvent } from './odoo-webhook.reader';
import {
  type ParsedStockDocument,
  parsedStockDocument,
  type ParsedStockEvents,
  type ParsedStockSnapshot,
  StockDocumentType,
} from './stock-document';

/** The formats each stock document type is read in. */
export const STOCK_DOCUMENT_FORMATS: Readonly<Record<StockDocumentType, DocumentFormat>> = Object.freeze({
  [StockDocumentType.StockEvent]: DocumentFormat.Json,
  [StockDocumentType.StockSnapshot]: DocumentFormat.Csv,
  [StockDocumentType.StockQuantEvent]: DocumentFormat.Json,
});

export type ParsedStockQuantEvent = ParsedStockDocument<OdooStockQuantEvent>;

export interface StockDocumentSplit extends DocumentSplit {
  readonly documentType: StockDocumentType;
  readonly parsed: ParsedStockEvents | ParsedStockSnapshot | ParsedStockQuantEvent;
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
  const read = readStock(documentType, format, bytes);
  return Object.freeze({
    documentType,
    format,
    ok: read.parsed.ok,
    documentProblems: read.parsed.documentProblems,
    parsed: read.parsed,
    slices: Object.freeze(slicesOf(read.parsed.entries, read.slices, format)),
  });
}

function readStock(
  documentType: StockDocumentType,
  format: DocumentFormat,
  bytes: Uint8Array,
): {
  parsed: ParsedStockEvents | ParsedStockSnapshot | ParsedStockQuantEvent;
  slices: readonly Uint8Array[];
} {
  switch (documentType) {
    case StockDocumentType.StockEvent:
      return readJsonStockEvents(bytes);
    case StockDocumentType.StockSnapshot:
      return readCsvStockSnapshot(bytes);
    case StockDocumentType.StockQuantEvent: {
      const read = readStockQuantEvent(bytes);
      const parsed = read.ok
        ? parsedStockDocument(
            format,
            [],
            [
              {
                index: 0,
                businessRef: `stock.quant/${read.documents[0].quantId}`,
                record: read.documents[0],
                problems: [],
              },
            ],
          )
        : parsedStockDocument<OdooStockQuantEvent>(format, read.problems, []);
      return { parsed, slices: read.ok ? [bytes] : [] };
    }
  }
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
