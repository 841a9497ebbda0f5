// The canonical stock shapes a WMS partner's documents are read into, whatever their format: a stock event
// (JSON webhook: the on-hand quantity of one SKU in one warehouse after something happened) and a stock
// snapshot (CSV file: the on-hand quantity of every SKU and warehouse the WMS counted at one time). Odoo's
// stock-quant-event (its webhook on stock.quant) is a hint only, read by odoo-webhook.reader.ts.
import type { DocumentFormat } from './document-format';
import type { DocumentProblem, ProblemLocation } from './document-problem';

/** The stock document types of the API (`POST /v1/documents/<type>`, `documentType` on ingress.documents). */
export enum StockDocumentType {
  StockEvent = 'stock-event',
  StockSnapshot = 'stock-snapshot',
  /** Odoo (the internal partner): a stock.quant changed; inventory-sync reads it with the read-only key. */
  StockQuantEvent = 'stock-quant-event',
}

const STOCK_DOCUMENT_TYPES: ReadonlySet<string> = new Set(Object.values(StockDocumentType));

export function isStockDocumentType(type: string): type is StockDocumentType {
  return STOCK_DOCUMENT_TYPES.has(type);
}

/** Limits of the stock documents (on hand in canonical Units, whole units). */
export const STOCK_LIMITS = Object.freeze({
  maxOnHand: 1_000_000_000,
  eventsPerDocument: 1_000,
  rowsPerSnapshot: 100_000,
  /** Text lengths: event and snapshot ids, SKU, warehouse code, reason. */
  idLength: 64,
  skuLength: 64,
  warehouseLength: 16,
  reasonLength: 32,
});

/**
 * One WMS stock event: after it, `onHand` units of `sku` are physically in `warehouse`. Absolute, not a
 * delta, so a lost or repeated event never leaves the ledger wrong; order by (`eventTime`, `sequence`).
 */
export interface StockEvent {
  /** The WMS's id of the event; the same id twice is the same event (`businessRef`). */
  readonly eventId: string;
  /** Canonical SKU (masterdata sku, Odoo `default_code`). */
  readonly sku: string;
  /** Warehouse code (masterdata warehouses[].code, Odoo `stock.warehouse.code`). */
  readonly warehouse: string;
  /** Units on hand after the event (>= 0, whole units). */
  readonly onHand: number;
  /** When the WMS observed it, RFC 3339 with offset, as sent. */
  readonly eventTime: string;
  /** `eventTime` as epoch milliseconds. */
  readonly eventTimeMs: number;
  /** The WMS's per SKU and warehouse counter when it sends one: orders events with the same eventTime. */
  readonly sequence?: number;
  /** Why it moved (receipt, pick, count, adjustment...), free vocabulary of the WMS, for people. */
  readonly reason?: string;
  readonly locations: {
    readonly event: ProblemLocation;
    readonly sku: ProblemLocation;
    readonly warehouse: ProblemLocation;
    readonly onHand: ProblemLocation;
    readonly eventTime: ProblemLocation;
  };
}

/** One row of a snapshot: what the WMS counted for one SKU in one warehouse. */
export interface StockSnapshotLine {
  readonly sku: string;
  readonly warehouse: string;
  readonly onHand: number;
  readonly at: ProblemLocation;
}

/**
 * A full count from the WMS at `asOf`: every SKU and warehouse it holds. A SKU and warehouse the platform
 * knows but the snapshot does not list is not implied to be zero: the snapshot says what it says.
 */
export interface StockSnapshot {
  readonly snapshotId: string;
  readonly asOf: string;
  readonly asOfMs: number;
  readonly lines: readonly StockSnapshotLine[];
}

/** One record of a stock document: its reference when readable, the record when sound, its problems. */
export interface StockEntry<T> {
  readonly index: number;
  /** eventId / snapshotId when readable. */
  readonly businessRef: string | undefined;
  readonly record: T | undefined;
  readonly problems: readonly DocumentProblem[];
}

export interface ParsedStockDocument<T> {
  readonly format: DocumentFormat;
  /** True when the document and every record are free of problems. */
  readonly ok: boolean;
  readonly documentProblems: readonly DocumentProblem[];
  readonly entries: readonly StockEntry<T>[];
  /** The sound records, in document order. */
  readonly records: readonly T[];
  /** Every problem: document problems first, then each record's. */
  readonly problems: readonly DocumentProblem[];
}

export type ParsedStockEvents = ParsedStockDocument<StockEvent>;
export type ParsedStockSnapshot = ParsedStockDocument<StockSnapshot>;

/** RFC 3339 date-time with seconds and an offset (Z or ±hh:mm); fractional seconds allowed. */
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-](\d{2}):(\d{2}))$/;

/** Epoch milliseconds of an RFC 3339 date-time, or undefined when it is not one (or not a real time). */
export function parseEventTime(text: string): number | undefined {
  const match = RFC3339.exec(text);
  if (match === null) return undefined;
  const [, y, mo, d, h, mi, s, , zone, zh, zm] = match;
  const [month, day, hour, minute, second] = [mo, d, h, mi, s].map(Number);
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
  if (zone !== 'Z' && (Number(zh) > 23 || Number(zm) > 59)) return undefined;
  const days = new Date(Date.UTC(Number(y), month, 0)).getUTCDate();
  if (day > days) return undefined;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : undefined;
}

export function parsedStockDocument<T>(
  format: DocumentFormat,
  documentProblems: readonly DocumentProblem[],
  entries: readonly StockEntry<T>[],
): ParsedStockDocument<T> {
  const problems = [...documentProblems, ...entries.flatMap((e) => e.problems)];
  return Object.freeze({
    format,
    ok: problems.length === 0 && entries.length > 0,
    documentProblems: Object.freeze([...documentProblems]),
    entries: Object.freeze([...entries]),
    records: Object.freeze(entries.flatMap((e) => (e.record === undefined ? [] : [e.record]))),
    problems: Object.freeze(problems),
  });
}
