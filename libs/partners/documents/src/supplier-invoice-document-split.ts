// Supplier invoice uploads split like settlement uploads (settlement-document-split.ts): the upload is
// one slice, accepted whole or refused whole with every problem located, its invoice numbers the
// business reference. The invoices service reads the slice again with the same readers. An 810's
// interchange is kept (its envelope), so the gateway answers it with a 997 as it does a customer's 850.
import { CONTENT_TYPES, DocumentFormat } from './document-format';
import { DocumentProblemCode, problem } from './document-problem';
import type { DocumentSplit } from './document-split';
import { x12EnvelopeOf } from './purchasing-document-split';
import {
  readCsvSupplierInvoices,
  readJsonSupplierInvoice,
  readX12SupplierInvoices,
} from './supplier-invoice.reader';
import {
  InvoicingDocumentType,
  type ParsedSupplierInvoices,
  SUPPLIER_INVOICE_LIMITS,
} from './supplier-invoice-document';
import type { X12InterchangeRead } from './x12-interchange.reader';

export interface InvoicingDocumentSplit extends DocumentSplit {
  /** An X12 upload's interchange as read (for its 997), undefined for JSON and CSV or when unreadable. */
  readonly interchange: X12InterchangeRead | undefined;
}

/** The formats each invoicing document type is read in. */
export const INVOICING_DOCUMENT_FORMATS: Readonly<Record<InvoicingDocumentType, readonly DocumentFormat[]>> =
  Object.freeze({
    [InvoicingDocumentType.SupplierInvoice]: [DocumentFormat.X12, DocumentFormat.Json, DocumentFormat.Csv],
  });

/** Reads a supplier invoice upload in its format (X12 810, JSON or CSV). */
export function readSupplierInvoices(format: DocumentFormat, bytes: Uint8Array): ParsedSupplierInvoices {
  if (bytes.length > SUPPLIER_INVOICE_LIMITS.maxBytes) {
    return {
      ok: false,
      problems: [
        problem(DocumentProblemCode.DocumentTooLarge, `${bytes.length} bytes, over the limit`, {
          kind: 'document',
        }),
      ],
    };
  }
  switch (format) {
    case DocumentFormat.X12:
      return readX12SupplierInvoices(bytes);
    case DocumentFormat.Csv:
      return readCsvSupplierInvoices(bytes);
    case DocumentFormat.Json:
      return readJsonSupplierInvoice(bytes);
    case DocumentFormat.Xml:
      return {
        ok: false,
        problems: [
          problem(DocumentProblemCode.UnsupportedFormat, 'A supplier invoice is X12 810, JSON or CSV.', {
            kind: 'document',
          }),
        ],
      };
  }
}

/** Validates an invoicing upload into one slice; never throws for bad partner input. */
export function splitInvoicingDocument(
  documentType: InvoicingDocumentType,
  format: DocumentFormat,
  bytes: Uint8Array,
): InvoicingDocumentSplit {
  const formats = INVOICING_DOCUMENT_FORMATS[documentType];
  if (!formats.includes(format)) {
    const unsupported = problem(
      DocumentProblemCode.UnsupportedFormat,
      `A ${documentType} is read as ${formats.join(' or ')}, not ${format}.`,
      { kind: 'document' },
    );
    return Object.freeze({
      format,
      ok: false,
      slices: [],
      documentProblems: [unsupported],
      interchange: undefined,
    });
  }
  const parsed = readSupplierInvoices(format, bytes);
  return Object.freeze({
    format,
    interchange: format === DocumentFormat.X12 ? x12EnvelopeOf(bytes) : undefined,
    ok: parsed.ok,
    documentProblems: parsed.ok ? [] : parsed.problems,
    slices: parsed.ok
      ? [
          Object.freeze({
            index: 0,
            businessRef: parsed.invoices
              .map((i) => i.invoiceNumber)
              .join(',')
              .slice(0, 200),
            bytes,
            contentType: CONTENT_TYPES[format],
            interchangeRef: undefined,
            problems: [],
          }),
        ]
      : [],
  });
}
