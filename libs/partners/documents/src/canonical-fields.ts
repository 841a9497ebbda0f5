// The one set of field rules every order meets, whatever format it came in: the text rule of each field,
// its length and its range. The parsers read syntax; this checks the order they read, so a JSON, CSV and
// X12 order are held to the same limits, in one place. X12 elements add their own (smaller) maximum
// lengths from the 004010 element dictionary, looked up by the location the value was read from.
import {
  type DocumentProblem,
  DocumentProblemCode,
  formatLocation,
  problem,
  type ProblemLocation,
} from './document-problem';
import type { PartnerSalesOrder, SalesOrderEntry } from './partner-sales-order';

/**
 * Identifiers (PO number, party codes, item ids, unit, currency, line number) are matched, stored as keys
 * and echoed back: printable characters only — no control (NUL, TAB, ESC), no format character (bidi
 * overrides such as U+202E, zero-width characters), no whitespace but the plain space and none at either
 * end. Free text (a line description) is shown to people: any character but controls, lone surrogates and
 * the bidi embedding/override/isolate controls, which could make it display as something else.
 */
export enum TextRule {
  Identifier = 'identifier',
  FreeText = 'free-text',
}

const IDENTIFIER_FORBIDDEN = /[\p{C}\p{Zl}\p{Zp}]|[^\S ]/u;
const FREE_TEXT_FORBIDDEN = /[\p{Cc}\p{Cs}\u202A-\u202E\u2066-\u2069\u2028\u2029]/u;

interface TextField {
  readonly rule: TextRule;
  readonly maxLength: number;
}

/** Text fields of the canonical sales order and their limits (the portal's JSON schema uses the same). */
export const TEXT_FIELDS = Object.freeze({
  poNumber: { rule: TextRule.Identifier, maxLength: 64 },
  customerCode: { rule: TextRule.Identifier, maxLength: 64 },
  shipToCode: { rule: TextRule.Identifier, maxLength: 64 },
  currency: { rule: TextRule.Identifier, maxLength: 3 },
  lineNumber: { rule: TextRule.Identifier, maxLength: 6 },
  itemId: { rule: TextRule.Identifier, maxLength: 64 },
  uom: { rule: TextRule.Identifier, maxLength: 10 },
  description: { rule: TextRule.FreeText, maxLength: 500 },
} satisfies Record<string, TextField>);

/** Numeric ranges of the canonical sales order (quantity > 0, prices >= 0, both at most a billion). */
export const NUMBER_LIMITS = Object.freeze({
  quantity: { exclusiveMinimum: 0, maximum: 1_000_000_000 },
  unitPrice: { minimum: 0, maximum: 1_000_000_000 },
});

/** Lines per order, orders per upload. */
export const COUNT_LIMITS = Object.freeze({ linesPerOrder: 10_000, ordersPerDocument: 1_000 });

/** Maximum lengths of the X12 004010 data elements we read (element dictionary). */
export const X12_ELEMENT_MAX_LENGTH: Readonly<Record<string, number>> = Object.freeze({
  BEG03: 22, // 324 Purchase Order Number, AN 1/22
  CUR02: 3, // 100 Currency Code, ID 3/3
  N104: 80, // 67 Identification Code, AN 2/80
  PO101: 20, // 350 Assigned Identification, AN 1/20
  PO103: 2, // 355 Unit or Basis for Measurement Code, ID 2/2
  PO107: 48, // 234 Product/Service ID, AN 1/48 (and every later id of PO1)
  PO109: 48,
  PO111: 48,
  PO113: 48,
  PO115: 48,
  PO117: 48,
  PO119: 48,
  PO121: 48,
  PO123: 48,
  PID05: 80, // 352 Description, AN 1/80
});

/** The first character of `text` its rule forbids, as an index, or -1. */
export function forbiddenCharacterAt(text: string, rule: TextRule): number {
  const match = (rule === TextRule.Identifier ? IDENTIFIER_FORBIDDEN : FREE_TEXT_FORBIDDEN).exec(text);
  return match?.index ?? -1;
}

/** True when the text meets the rule of the field and its canonical length (for references kept as keys). */
export function isAcceptableText(text: string, field: keyof typeof TEXT_FIELDS): boolean {
  const spec = TEXT_FIELDS[field];
  return forbiddenCharacterAt(text, spec.rule) < 0 && text.length <= spec.maxLength && text.trim() === text;
}

function maxLengthAt(field: TextField, at: ProblemLocation | undefined): { max: number; by: string } {
  if (at?.kind === 'x12' && at.element !== undefined) {
    const element = `${at.tag}${String(at.element).padStart(2, '0')}`;
    const x12 = X12_ELEMENT_MAX_LENGTH[element];
    if (x12 !== undefined && x12 < field.maxLength) return { max: x12, by: element };
  }
  return { max: field.maxLength, by: 'the canonical order' };
}

/** Every field rule the order breaks, each located where the value was read. */
export function checkCanonicalFields(order: PartnerSalesOrder): DocumentProblem[] {
  const problems: DocumentProblem[] = [];
  const text = (
    name: string,
    field: keyof typeof TEXT_FIELDS,
    value: string | undefined,
    at: ProblemLocation,
    lineNumber?: string,
  ): void => {
    if (value === undefined) return;
    const spec = TEXT_FIELDS[field];
    const bad = forbiddenCharacterAt(value, spec.rule);
    if (bad >= 0) {
      const code = value.codePointAt(bad) ?? 0;
      const shown = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
      problems.push(
        problem(
          DocumentProblemCode.InvalidCharacters,
          `${name} holds ${shown} at character ${bad + 1}; ${spec.rule === TextRule.Identifier ? 'an identifier takes printable characters only (no control, format or bidi characters, no tab)' : 'free text takes no control characters, lone surrogates or bidi overrides'}.`,
          at,
          lineNumber,
        ),
      );
    } else if (spec.rule === TextRule.Identifier && value.trim() !== value) {
      problems.push(
        problem(
          DocumentProblemCode.InvalidCharacters,
          `${name} starts or ends with a space.`,
          at,
          lineNumber,
        ),
      );
    }
    const { max, by } = maxLengthAt(spec, at);
    if (value.length > max) {
      problems.push(
        problem(
          DocumentProblemCode.ValueTooLong,
          `${name} is ${value.length} characters long; ${by} allows at most ${max}.`,
          at,
          lineNumber,
        ),
      );
    }
  };
  const range = (
    name: string,
    value: number | undefined,
    limits: { exclusiveMinimum?: number; minimum?: number; maximum: number },
    at: ProblemLocation,
    lineNumber: string,
  ): void => {
    if (value === undefined) return;
    const low =
      limits.exclusiveMinimum !== undefined
        ? value > limits.exclusiveMinimum
        : value >= (limits.minimum ?? -Infinity);
    if (low && value <= limits.maximum) return;
    const bounds =
      limits.exclusiveMinimum !== undefined
        ? `greater than ${limits.exclusiveMinimum}`
        : `at least ${limits.minimum ?? 0}`;
    problems.push(
      problem(
        DocumentProblemCode.OutOfRange,
        `${name} ${value} is out of range: it must be ${bounds} and at most ${limits.maximum}.`,
        at,
        lineNumber,
      ),
    );
  };

  const { locations } = order;
  text('The PO number', 'poNumber', order.poNumber, locations.poNumber ?? locations.order);
  text('The customer code', 'customerCode', order.customerCode, locations.customer ?? locations.order);
  text('The ship-to code', 'shipToCode', order.shipToCode, locations.shipTo ?? locations.order);
  text('The currency', 'currency', order.currency, locations.currency ?? locations.order);
  if (order.lines.length > COUNT_LIMITS.linesPerOrder) {
    problems.push(
      problem(
        DocumentProblemCode.OutOfRange,
        `The order has ${order.lines.length} lines; at most ${COUNT_LIMITS.linesPerOrder} are allowed per order.`,
        locations.order,
      ),
    );
  }
  const seenLines = new Map<string, ProblemLocation>();
  for (const line of order.lines) {
    const n = line.lineNumber;
    const at = line.locations.line;
    text('The line number', 'lineNumber', n, line.locations.lineNumber ?? at, n);
    const first = seenLines.get(n);
    if (first === undefined) seenLines.set(n, at);
    else {
      problems.push(
        problem(
          DocumentProblemCode.DuplicateLine,
          `Line number ${n} is used twice in order ${order.poNumber} (first at ${formatLocation(first)}).`,
          line.locations.lineNumber ?? at,
          n,
        ),
      );
    }
    for (const id of line.itemIds) text('The item id', 'itemId', id.value, id.at ?? at, n);
    text('The unit of measure', 'uom', line.uom, line.locations.uom ?? at, n);
    text('The description', 'description', line.description, line.locations.description ?? at, n);
    range('The quantity', line.quantity, NUMBER_LIMITS.quantity, line.locations.quantity ?? at, n);
    range('The unit price', line.unitPrice, NUMBER_LIMITS.unitPrice, line.locations.unitPrice ?? at, n);
  }
  return problems;
}

/**
 * Applies the canonical field rules to every order read, and refuses a PO number that appears more than
 * once in the upload (each copy is refused, pointing at the others: which one is meant cannot be known).
 * A reference that breaks the identifier rule is not kept as the entry's businessRef.
 */
export function checkEntries(entries: readonly SalesOrderEntry[]): SalesOrderEntry[] {
  const checked = entries.map((entry) => {
    const businessRef =
      entry.businessRef === undefined || !isAcceptableText(entry.businessRef, 'poNumber')
        ? undefined
        : entry.businessRef;
    const own = entry.order === undefined ? [] : checkCanonicalFields(entry.order);
    return own.length === 0 && businessRef === entry.businessRef
      ? entry
      : {
          ...entry,
          businessRef,
          order: own.length === 0 ? entry.order : undefined,
          problems: [...entry.problems, ...own],
        };
  });
  const byPo = new Map<string, number[]>();
  checked.forEach((entry, i) => {
    const po = entry.order?.poNumber ?? entry.businessRef;
    if (po === undefined) return;
    byPo.set(po, [...(byPo.get(po) ?? []), i]);
  });
  for (const [po, indexes] of byPo) {
    if (indexes.length < 2) continue;
    for (const i of indexes) {
      const entry = checked[i];
      const others = indexes.filter((j) => j !== i).map((j) => j + 1);
      const at = entry.order?.locations.poNumber ??
        entry.order?.locations.order ?? { kind: 'document' as const };
      checked[i] = {
        ...entry,
        order: undefined,
        problems: [
          ...entry.problems,
          problem(
            DocumentProblemCode.DuplicateOrder,
            `PO number ${po} appears ${indexes.length} times in this upload (orders ${[i + 1, ...others].sort((a, b) => a - b).join(', ')}); send each order once.`,
            at,
          ),
        ],
      };
    }
  }
  return checked;
}
