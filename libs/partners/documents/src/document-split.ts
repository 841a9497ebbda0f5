import { readCsvSalesOrders } from './csv-sales-order.parser';
import { CONTENT_TYPES, DocumentFormat } from './document-format';
import { type DocumentProblem, DocumentProblemCode, problem } from './document-problem';
import { readJsonSalesOrders } from './json-sales-order.parser';
import { PartnerDocumentsErrorCode, PartnerDocumentsException } from './partner-documents.exception';
import type { ParsedSalesOrders } from './partner-sales-order';
import { type SalesOrderLayout, STANDARD_LAYOUT } from './sales-order-layout';
import type { X12InterchangeRead } from './x12-interchange.reader';
import { readX12SalesOrders } from './x12-sales-order.parser';

/** One order's part of an upload, ready to travel as one `ingress.documents` record. */
export interface DocumentSlice {
  /** 0-based position in the upload (`batchIndex`). */
  readonly index: number;
  /** The partner's PO number when readable (`businessRef`). */
  readonly businessRef: string | undefined;
  /**
   * The order alone, in the upload's format, parseable by the same parser: normalized JSON of the one
   * order; the CSV header plus that order's rows; the X12 set re-enveloped with the original ISA/GS.
   */
  readonly bytes: Uint8Array;
  readonly contentType: string;
  /** X12 only: `ISA13/GS06` (`interchangeRef`). */
  readonly interchangeRef: string | undefined;
  /** This order's own problems; the slice is publishable when empty and the upload has no document problems. */
  readonly problems: readonly DocumentProblem[];
}

/** An upload split into publishable slices, whatever its document type (orders, stock events, a snapshot). */
export interface DocumentSplit {
  readonly format: DocumentFormat;
  /** True when every record is valid and the upload as a whole is sound. */
  readonly ok: boolean;
  readonly slices: readonly DocumentSlice[];
  /** Problems of the upload as a whole (encoding, CSV header, X12 envelope). */
  readonly documentProblems: readonly DocumentProblem[];
}

export interface SplitDocument extends DocumentSplit {
  /** The full parse, for callers that want the orders too. */
  readonly parsed: ParsedSalesOrders;
  /** X12 only: the envelope as read, for functionalAckInput (the 997) without parsing twice. */
  readonly interchange: X12InterchangeRead | undefined;
}

/**
 * Validates an upload and splits it into per-order slices; never throws for bad partner input. The
 * layout is the sender's (PartnerCatalog.layoutOf); a slice must be read again with the same one.
 */
export function splitDocument(
  format: DocumentFormat,
  bytes: Uint8Array,
  layout: SalesOrderLayout = STANDARD_LAYOUT,
): SplitDocument {
  const { parsed, slices, refs, interchange } = read(format, bytes, layout);
  return Object.freeze({
    format,
    ok: parsed.ok,
    documentProblems: parsed.documentProblems,
    parsed,
    interchange,
    slices: Object.freeze(
      parsed.entries.map((entry, i) =>
        Object.freeze({
          index: entry.index,
          businessRef: entry.businessRef,
          bytes: slices[i] ?? new Uint8Array(),
          contentType: CONTENT_TYPES[format],
          interchangeRef: refs[i],
          problems: entry.problems,
        }),
      ),
    ),
  });
}

/** How much of an upload with problems is accepted (the partner's `documentPolicy` in the catalog). */
export enum DocumentPolicy {
  /** The sound orders are accepted; each bad one is refused with its own problems. */
  PerOrder = 'per-order',
  /** All or nothing: one bad order refuses the whole upload (a partner's contractual choice). */
  WholeDocument = 'whole-document',
}

/** An upload's slices sorted into what may be published and what is refused. */
export interface SliceSelection {
  readonly accepted: readonly DocumentSlice[];
  /** Refused slices, in document order; a sound slice is here only when the upload is refused whole. */
  readonly refused: readonly DocumentSlice[];
  /** True when nothing is accepted because of the upload as a whole (its own problems, or the policy). */
  readonly refusedWhole: boolean;
}

/**
 * Which orders of a split upload are accepted under a policy. A problem of the upload itself (encoding,
 * CSV header, X12 envelope) always refuses it whole: no order of it can be trusted.
 */
export function selectSlices(split: DocumentSplit, policy: DocumentPolicy): SliceSelection {
  const bad = split.slices.filter((s) => s.problems.length > 0);
  const whole =
    split.documentProblems.length > 0 ||
    split.slices.length === 0 ||
    (bad.length > 0 && policyRefusesWhole(policy));
  if (whole) return { accepted: [], refused: split.slices, refusedWhole: true };
  return {
    accepted: split.slices.filter((s) => s.problems.length === 0),
    refused: bad,
    refusedWhole: bad.length === split.slices.length,
  };
}

function policyRefusesWhole(policy: DocumentPolicy): boolean {
  switch (policy) {
    case DocumentPolicy.PerOrder:
      return false;
    case DocumentPolicy.WholeDocument:
      return true;
  }
}

/** Parses an upload of sales orders in the given format. */
export function parseSalesOrders(
  format: DocumentFormat,
  bytes: Uint8Array,
  layout: SalesOrderLayout = STANDARD_LAYOUT,
): ParsedSalesOrders {
  return read(format, bytes, layout).parsed;
}

function read(
  format: DocumentFormat,
  bytes: Uint8Array,
  layout: SalesOrderLayout,
): {
  parsed: ParsedSalesOrders;
  slices: readonly Uint8Array[];
  refs: readonly (string | undefined)[];
  interchange: X12InterchangeRead | undefined;
} {
  switch (format) {
    case DocumentFormat.Json: {
      const result = readJsonSalesOrders(bytes, layout.json);
      return { ...result, refs: [], interchange: undefined };
    }
    case DocumentFormat.Csv: {
      const result = readCsvSalesOrders(bytes, layout.csv);
      return { ...result, refs: [], interchange: undefined };
    }
    case DocumentFormat.X12: {
      const result = readX12SalesOrders(bytes, layout.x12);
      return { ...result, refs: result.interchangeRefs };
    }
    case DocumentFormat.Xml: {
      // XML is the settlements' format (camt.053): no sales-order layout reads it.
      const unsupported = problem(
        DocumentProblemCode.UnsupportedFormat,
        'Sales orders are read as JSON, CSV or X12, not XML.',
        { kind: 'document' },
      );
      const parsed = {
        format,
        ok: false,
        documentProblems: [unsupported],
        entries: [],
        orders: [],
        problems: [unsupported],
      };
      return { parsed, slices: [], refs: [], interchange: undefined };
    }
  }
  // Reachable only from untyped callers.
  throw new PartnerDocumentsException(
    PartnerDocumentsErrorCode.UnsupportedFormat,
    `Unsupported document format: ${String(format)}`,
  );
}
