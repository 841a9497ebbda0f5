// A WMS stock webhook: one event object, or `{ "events": [ ... ] }`. Every field is checked with the same
// hostile-input rules as orders (UTF-8, depth, duplicate keys, identifier characters, lengths, ranges), and
// every problem is located by its JSON pointer.
import { forbiddenCharacterAt, TextRule } from './canonical-fields';
import { DocumentFormat } from './document-format';
import { type DocumentProblem, DocumentProblemCode, jsonPointer, problem } from './document-problem';
import { readJsonDocument } from './json-structure';
import {
  parsedStockDocument,
  type ParsedStockEvents,
  parseEventTime,
  STOCK_LIMITS,
  type StockEntry,
  type StockEvent,
} from './stock-document';

/** The parse plus, per entry, that event alone as normalized JSON (what one ingress.documents record carries). */
export interface JsonStockEventsRead {
  readonly parsed: ParsedStockEvents;
  readonly slices: readonly Uint8Array[];
}

const EVENT_FIELDS = new Set(['eventId', 'sku', 'warehouse', 'onHand', 'eventTime', 'sequence', 'reason']);

export function parseJsonStockEvents(bytes: Uint8Array): ParsedStockEvents {
  return readJsonStockEvents(bytes).parsed;
}

export function readJsonStockEvents(bytes: Uint8Array): JsonStockEventsRead {
  const fail = (problems: DocumentProblem[]): JsonStockEventsRead => ({
    parsed: parsedStockDocument<StockEvent>(DocumentFormat.Json, problems, []),
    slices: [],
  });
  const read = readJsonDocument(bytes);
  if (!read.ok) return fail([...read.problems]);
  const { value: data, duplicateKeys: structure } = read;
  const batch = isObject(data) && 'events' in data ? data : undefined;
  const isBatch = batch !== undefined;
  const documentProblems: DocumentProblem[] = [];
  let raws: unknown[];
  if (batch !== undefined) {
    const { events, ...rest } = batch;
    for (const key of Object.keys(rest)) {
      documentProblems.push(schema(jsonPointer(key), 'is not a known field'));
    }
    if (!Array.isArray(events)) {
      documentProblems.push(schema('/events', 'must be an array of stock events'));
      raws = [];
    } else raws = events;
  } else raws = [data];
  if (raws.length === 0 && documentProblems.length === 0) {
    documentProblems.push(
      problem(DocumentProblemCode.NoStockRecords, 'The document holds no stock events.', {
        kind: 'document',
      }),
    );
  }
  if (raws.length > STOCK_LIMITS.eventsPerDocument) {
    documentProblems.push(
      problem(
        DocumentProblemCode.OutOfRange,
        `The document holds ${raws.length} events; at most ${STOCK_LIMITS.eventsPerDocument} are accepted in one upload.`,
        { kind: 'document' },
      ),
    );
  }
  const base = (i: number): string => (isBatch ? jsonPointer('events', i) : '');
  // Duplicate keys belong to the event their pointer falls in, or to the document.
  const byEvent = raws.map((): DocumentProblem[] => []);
  for (const p of structure) {
    const match = p.at.kind === 'json' ? /^\/events\/(\d+)(\/|$)/.exec(p.at.pointer) : null;
    const owner = !isBatch ? 0 : match === null ? undefined : Number(match[1]);
    if (owner === undefined || owner >= raws.length) documentProblems.push(p);
    else byEvent[owner].push(p);
  }
  const seen = new Map<string, number>();
  const entries: StockEntry<StockEvent>[] = raws.map((raw, index) => {
    const { event, problems, eventId } = readEvent(raw, base(index));
    if (eventId !== undefined) {
      const first = seen.get(eventId);
      if (first === undefined) seen.set(eventId, index);
      else
        problems.push(
          problem(
            DocumentProblemCode.DuplicateStockRecord,
            `Event ${eventId} is also event ${first} of this upload.`,
            { kind: 'json', pointer: `${base(index)}/eventId` },
          ),
        );
    }
    const own = [...byEvent[index], ...problems];
    return { index, businessRef: eventId, record: own.length === 0 ? event : undefined, problems: own };
  });
  return {
    parsed: parsedStockDocument(DocumentFormat.Json, documentProblems, entries),
    slices: raws.map((raw) => Buffer.from(JSON.stringify(raw), 'utf8')),
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function schema(pointer: string, message: string): DocumentProblem {
  return problem(
    DocumentProblemCode.SchemaViolation,
    `${pointer === '' ? 'The document' : pointer} ${message}.`,
    {
      kind: 'json',
      pointer,
    },
  );
}

function readEvent(
  raw: unknown,
  base: string,
): { event: StockEvent | undefined; problems: DocumentProblem[]; eventId: string | undefined } {
  const problems: DocumentProblem[] = [];
  const at = (field: string): string => `${base}/${field}`;
  if (!isObject(raw)) {
    return { event: undefined, problems: [schema(base, 'must be a stock event object')], eventId: undefined };
  }
  for (const key of Object.keys(raw)) {
    if (!EVENT_FIELDS.has(key)) problems.push(schema(base + jsonPointer(key), 'is not a known field'));
  }
  const text = (field: string, max: number, rule: TextRule, required: boolean): string | undefined => {
    const value = raw[field];
    if (value === undefined) {
      if (required)
        problems.push(
          problem(DocumentProblemCode.MissingValue, `${at(field)} is required.`, {
            kind: 'json',
            pointer: at(field),
          }),
        );
      return undefined;
    }
    if (typeof value !== 'string' || value === '') {
      problems.push(schema(at(field), 'must be a non-empty string'));
      return undefined;
    }
    const bad = forbiddenCharacterAt(value, rule);
    if (bad >= 0 || (rule === TextRule.Identifier && value.trim() !== value)) {
      problems.push(
        problem(
          DocumentProblemCode.InvalidCharacters,
          `${at(field)} holds a character an identifier cannot hold (control, format or bidi character, tab, or a space at either end).`,
          { kind: 'json', pointer: at(field) },
        ),
      );
      return undefined;
    }
    if (value.length > max) {
      problems.push(
        problem(
          DocumentProblemCode.ValueTooLong,
          `${at(field)} is ${value.length} characters long; at most ${max} are accepted.`,
          { kind: 'json', pointer: at(field) },
        ),
      );
      return undefined;
    }
    return value;
  };
  const eventId = text('eventId', STOCK_LIMITS.idLength, TextRule.Identifier, true);
  const sku = text('sku', STOCK_LIMITS.skuLength, TextRule.Identifier, true);
  const warehouse = text('warehouse', STOCK_LIMITS.warehouseLength, TextRule.Identifier, true);
  const reason = text('reason', STOCK_LIMITS.reasonLength, TextRule.Identifier, false);
  const eventTime = text('eventTime', 40, TextRule.Identifier, true);
  const eventTimeMs = eventTime === undefined ? undefined : parseEventTime(eventTime);
  if (eventTime !== undefined && eventTimeMs === undefined) {
    problems.push(
      problem(
        DocumentProblemCode.InvalidDate,
        `${at('eventTime')} must be an RFC 3339 date-time with an offset, e.g. 2026-12-01T10:15:00Z.`,
        { kind: 'json', pointer: at('eventTime') },
      ),
    );
  }
  const wholeNumber = (field: string, max: number, required: boolean): number | undefined => {
    const value = raw[field];
    if (value === undefined) {
      if (required)
        problems.push(
          problem(DocumentProblemCode.MissingValue, `${at(field)} is required.`, {
            kind: 'json',
            pointer: at(field),
          }),
        );
      return undefined;
    }
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      problems.push(
        problem(DocumentProblemCode.InvalidNumber, `${at(field)} must be a whole number.`, {
          kind: 'json',
          pointer: at(field),
        }),
      );
      return undefined;
    }
    if (value < 0 || value > max) {
      problems.push(
        problem(DocumentProblemCode.OutOfRange, `${at(field)} is ${value}; it must be 0 to ${max}.`, {
          kind: 'json',
          pointer: at(field),
        }),
      );
      return undefined;
    }
    return value;
  };
  const onHand = wholeNumber('onHand', STOCK_LIMITS.maxOnHand, true);
  const sequence = wholeNumber('sequence', Number.MAX_SAFE_INTEGER, false);
  if (
    problems.length > 0 ||
    eventId === undefined ||
    sku === undefined ||
    warehouse === undefined ||
    onHand === undefined ||
    eventTime === undefined ||
    eventTimeMs === undefined
  ) {
    return { event: undefined, problems, eventId };
  }
  const located = (field: string) => ({ kind: 'json' as const, pointer: at(field) });
  const event: StockEvent = Object.freeze({
    eventId,
    sku,
    warehouse,
    onHand,
    eventTime,
    eventTimeMs,
    ...(sequence === undefined ? {} : { sequence }),
    ...(reason === undefined ? {} : { reason }),
    locations: Object.freeze({
      event: { kind: 'json' as const, pointer: base },
      sku: located('sku'),
      warehouse: located('warehouse'),
      onHand: located('onHand'),
      eventTime: located('eventTime'),
    }),
  });
  return { event, problems, eventId };
}
