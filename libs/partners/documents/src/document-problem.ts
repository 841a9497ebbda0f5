// Problems found in partner documents are data: parsers collect every one they can find and return them,
// so a partner gets the complete list in one acknowledgement instead of fixing one error per round trip.

/** Format-level problem codes (syntax, structure, envelope). Business codes live in @tradewind/partner-catalog. */
export enum DocumentProblemCode {
  EncodingInvalidUtf8 = 'ENCODING_INVALID_UTF8',
  EmptyDocument = 'EMPTY_DOCUMENT',
  UnsupportedFormat = 'UNSUPPORTED_FORMAT',
  NoOrders = 'NO_ORDERS',
  JsonSyntax = 'JSON_SYNTAX',
  SchemaViolation = 'SCHEMA_VIOLATION',
  CsvSyntax = 'CSV_SYNTAX',
  CsvMissingColumn = 'CSV_MISSING_COLUMN',
  CsvDuplicateColumn = 'CSV_DUPLICATE_COLUMN',
  CsvFieldCount = 'CSV_FIELD_COUNT',
  CsvInconsistentOrder = 'CSV_INCONSISTENT_ORDER',
  MissingValue = 'MISSING_VALUE',
  InvalidNumber = 'INVALID_NUMBER',
  InvalidDate = 'INVALID_DATE',
  OutOfRange = 'OUT_OF_RANGE',
  X12Syntax = 'X12_SYNTAX',
  X12MultipleInterchanges = 'X12_MULTIPLE_INTERCHANGES',
  X12TrailingData = 'X12_TRAILING_DATA',
  X12MissingTrailer = 'X12_MISSING_TRAILER',
  X12ControlNumberMismatch = 'X12_CONTROL_NUMBER_MISMATCH',
  X12ControlCountMismatch = 'X12_CONTROL_COUNT_MISMATCH',
  X12DuplicateControlNumber = 'X12_DUPLICATE_CONTROL_NUMBER',
  X12UnsupportedGroup = 'X12_UNSUPPORTED_GROUP',
  X12UnsupportedTransaction = 'X12_UNSUPPORTED_TRANSACTION',
  X12UnexpectedSegment = 'X12_UNEXPECTED_SEGMENT',
  X12MissingSegment = 'X12_MISSING_SEGMENT',
  X12MissingElement = 'X12_MISSING_ELEMENT',
  X12InvalidCode = 'X12_INVALID_CODE',
  X12LineCountMismatch = 'X12_LINE_COUNT_MISMATCH',
  /** A control character, bidi override, lone surrogate... where the field's text rule forbids it. */
  InvalidCharacters = 'INVALID_CHARACTERS',
  ValueTooLong = 'VALUE_TOO_LONG',
  JsonDuplicateKey = 'JSON_DUPLICATE_KEY',
  JsonTooDeep = 'JSON_TOO_DEEP',
  /** The same PO number twice in one upload. */
  DuplicateOrder = 'DUPLICATE_ORDER',
  /** The same line number twice in one order. */
  DuplicateLine = 'DUPLICATE_LINE',
  // Envelope governance: readable interchanges we must not process.
  X12UnknownReceiver = 'X12_UNKNOWN_RECEIVER',
  X12UnsupportedVersion = 'X12_UNSUPPORTED_VERSION',
  X12UsageNotAccepted = 'X12_USAGE_NOT_ACCEPTED',
  X12DuplicateInterchange = 'X12_DUPLICATE_INTERCHANGE',
  // Stock documents (WMS events and snapshots).
  /** A stock event document without events, or a snapshot without rows. */
  NoStockRecords = 'NO_STOCK_RECORDS',
  /** The same event id twice in one upload, or the same SKU and warehouse twice in one snapshot. */
  DuplicateStockRecord = 'DUPLICATE_STOCK_RECORD',
  /** Snapshot rows that disagree on the snapshot's id or time. */
  CsvInconsistentSnapshot = 'CSV_INCONSISTENT_SNAPSHOT',
  // Settlement documents (bank statements, payment-gateway payouts).
  /** Not well-formed XML (the parser's message, with its line and column). */
  XmlSyntax = 'XML_SYNTAX',
  /** A DOCTYPE or ENTITY declaration: refused, never expanded (billion laughs, external entities). */
  XmlDoctypeRefused = 'XML_DOCTYPE_REFUSED',
  /** Elements nested deeper than the limit, or a document larger than it. */
  XmlTooDeep = 'XML_TOO_DEEP',
  DocumentTooLarge = 'DOCUMENT_TOO_LARGE',
  /** Root element or namespace of another message than the one expected (e.g. not camt.053). */
  XmlUnexpectedMessage = 'XML_UNEXPECTED_MESSAGE',
  /** Opening balance plus the entries is not the closing balance (or a payout's lines not its amount). */
  BalanceMismatch = 'BALANCE_MISMATCH',
  /** An amount with more decimals than its currency has, or another currency than the statement's. */
  InvalidAmount = 'INVALID_AMOUNT',
  InvalidCode = 'INVALID_CODE',
  /** The same entry (bank reference, transaction id) twice in one document. */
  DuplicateEntry = 'DUPLICATE_ENTRY',
  NoEntries = 'NO_ENTRIES',
}

const DOCUMENT_PROBLEM_CODES: ReadonlySet<string> = new Set(Object.values(DocumentProblemCode));

/** True for the format-level codes (a business code from the catalog is not one). */
export function isDocumentProblemCode(code: string): code is DocumentProblemCode {
  return DOCUMENT_PROBLEM_CODES.has(code);
}

/** Where a problem is, in the terms of the document's own format. */
export type ProblemLocation =
  | { readonly kind: 'document' }
  | { readonly kind: 'bytes'; readonly byteOffset: number }
  | { readonly kind: 'json'; readonly pointer: string }
  | { readonly kind: 'csv'; readonly line: number; readonly column?: number; readonly header?: string }
  | {
      readonly kind: 'x12';
      /** 1-based position of the segment in the interchange (ISA = 1). */
      readonly segment: number;
      readonly tag: string;
      /** 1-based element position within the segment. */
      readonly element?: number;
      readonly byteOffset?: number;
      /** Control number (ST02) of the transaction set holding the segment. */
      readonly setControlNumber?: string;
      /** 1-based position of the segment within its transaction set (ST = 1), as AK3 reports it. */
      readonly setPosition?: number;
      /** The element's value as received, for AK404. */
      readonly value?: string;
    }
  | { readonly kind: 'order'; readonly lineNumber?: string; readonly field?: string }
  /** An element by its path (`/Document/BkToCstmrStmt/Stmt[1]/Ntry[3]/Amt`), or a line and column. */
  | { readonly kind: 'xml'; readonly path?: string; readonly line?: number; readonly column?: number };

export interface DocumentProblem<C extends string = DocumentProblemCode> {
  readonly code: C;
  readonly message: string;
  /** Human-readable and precise: `/lines/2/quantity`, `line 3, column 7 (quantity)`, `segment 9 (PO1), element 02, byte offset 250`. */
  readonly location: string;
  readonly at: ProblemLocation;
  /** The partner's line number the problem concerns, when it concerns one line. */
  readonly lineNumber?: string;
}

/** Any problem, format or business, as acknowledgement builders consume it. */
export type AnyDocumentProblem = DocumentProblem<string>;

const pad2 = (n: number): string => String(n).padStart(2, '0');

export function formatLocation(at: ProblemLocation): string {
  switch (at.kind) {
    case 'document':
      return 'document';
    case 'bytes':
      return `byte offset ${at.byteOffset}`;
    case 'json':
      return at.pointer === '' ? '(root)' : at.pointer;
    case 'csv': {
      if (at.column === undefined) return `line ${at.line}`;
      return `line ${at.line}, column ${at.column}${at.header === undefined ? '' : ` (${at.header})`}`;
    }
    case 'x12': {
      const parts = [`segment ${at.segment}${at.tag === '' ? '' : ` (${at.tag})`}`];
      if (at.element !== undefined) parts.push(`element ${pad2(at.element)}`);
      if (at.byteOffset !== undefined) parts.push(`byte offset ${at.byteOffset}`);
      return parts.join(', ');
    }
    case 'xml': {
      const parts: string[] = [];
      if (at.path !== undefined) parts.push(at.path);
      if (at.line !== undefined)
        parts.push(`line ${at.line}${at.column === undefined ? '' : `, column ${at.column}`}`);
      return parts.length === 0 ? 'document' : parts.join(', ');
    }
    case 'order': {
      const parts: string[] = [];
      if (at.lineNumber !== undefined) parts.push(`line ${at.lineNumber}`);
      if (at.field !== undefined) parts.push(at.field);
      return parts.length === 0 ? 'order' : parts.join(', ');
    }
  }
}

/**
 * Problems quote what the partner sent, and they are stored (PostgreSQL text and jsonb refuse NUL and lone
 * surrogates) and shown to people (an ESC or a bidi override would rewrite a terminal or a page). So every
 * text a problem carries is made printable here, once: invisible and control code points become `\uXXXX`.
 */
export function printable(text: string): string {
  return text.replace(
    UNPRINTABLE,
    (c) => `\\u${c.codePointAt(0)?.toString(16).toUpperCase().padStart(4, '0')}`,
  );
}

// Controls, format characters (bidi, zero-width), surrogates, private use, unassigned; line/paragraph separators.
const UNPRINTABLE = /[\p{C}\p{Zl}\p{Zp}]/gu;

function printableLocation(at: ProblemLocation): ProblemLocation {
  switch (at.kind) {
    case 'document':
    case 'bytes':
      return at;
    case 'json':
      return { ...at, pointer: printable(at.pointer) };
    case 'csv':
      return at.header === undefined ? at : { ...at, header: printable(at.header) };
    case 'x12':
      return {
        ...at,
        tag: printable(at.tag),
        ...(at.value === undefined ? {} : { value: printable(at.value) }),
        ...(at.setControlNumber === undefined ? {} : { setControlNumber: printable(at.setControlNumber) }),
      };
    case 'xml':
      return at.path === undefined ? at : { ...at, path: printable(at.path) };
    case 'order':
      return {
        ...at,
        ...(at.lineNumber === undefined ? {} : { lineNumber: printable(at.lineNumber) }),
        ...(at.field === undefined ? {} : { field: printable(at.field) }),
      };
  }
}

export function problem<C extends string>(
  code: C,
  message: string,
  at: ProblemLocation,
  lineNumber?: string,
): DocumentProblem<C> {
  const safeAt = printableLocation(at);
  // A message is one line: line breaks and tabs in it (a quoted value's, a library's) read as spaces.
  const oneLine = printable(message.replace(/[\r\n\t]+/g, ' '));
  const base = { code, message: oneLine, location: formatLocation(safeAt), at: safeAt };
  return Object.freeze(lineNumber === undefined ? base : { ...base, lineNumber: printable(lineNumber) });
}

/** Escapes one JSON pointer reference token (RFC 6901). */
export function pointerToken(token: string | number): string {
  return String(token).replace(/~/g, '~0').replace(/\//g, '~1');
}

export function jsonPointer(...tokens: (string | number)[]): string {
  return tokens.map((t) => `/${pointerToken(t)}`).join('');
}
