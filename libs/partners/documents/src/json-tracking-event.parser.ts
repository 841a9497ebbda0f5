// A carrier's JSON tracking webhook: one event object, or `{ "events": [ ... ] }`. Held to the same
// hostile-input rules as orders and stock events (UTF-8, depth, duplicate keys, identifier characters,
// lengths, ranges), every problem located by its JSON pointer. A proof-of-delivery document travels base64 in
// the webhook; the slice of an event (what ingress.documents carries) names it by hash and size instead, and
// its bytes are handed back apart (`attachments`) for the platform's store: a claim check.
import { forbiddenCharacterAt, TextRule } from './canonical-fields';
import { DocumentFormat } from './document-format';
import { type DocumentProblem, DocumentProblemCode, jsonPointer, problem } from './document-problem';
import { isIsoDate } from './field-values';
import { readJsonDocument } from './json-structure';
import {
  type CarrierEvent,
  type ProofAttachment,
  type ProofOfDelivery,
  sha256Of,
  SHIPMENT_LIMITS,
  TRACKING_STATUSES,
} from './shipment-document';
import { parseEventTime } from './stock-document';

export interface ShipmentEntry<T> {
  readonly index: number;
  readonly businessRef: string | undefined;
  readonly record: T | undefined;
  readonly problems: readonly DocumentProblem[];
}

export interface ShipmentEventsRead {
  readonly format: DocumentFormat;
  readonly ok: boolean;
  readonly documentProblems: readonly DocumentProblem[];
  readonly entries: readonly ShipmentEntry<CarrierEvent>[];
  readonly records: readonly CarrierEvent[];
  readonly problems: readonly DocumentProblem[];
  /** Per entry: the event alone as normalized JSON, its proof document replaced by its hash. */
  readonly slices: readonly Uint8Array[];
  /** Per entry: the proof-of-delivery document's bytes, when it sent one. */
  readonly attachments: readonly (ProofAttachment | undefined)[];
}

const EVENT_FIELDS = new Set([
  'eventId',
  'carrier',
  'trackingNumber',
  'shipDate',
  'shipmentRef',
  'status',
  'statusDetail',
  'occurredAt',
  'location',
  'proofOfDelivery',
]);
const LOCATION_FIELDS = new Set(['city', 'region', 'country']);
const PROOF_FIELDS = new Set(['signedBy', 'signedAt', 'place', 'document']);
const DOCUMENT_FIELDS = new Set(['contentType', 'data']);
const CLAIM_CHECKED_FIELDS = new Set(['contentType', 'sha256', 'sizeBytes']);
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * `inline`: a partner's webhook, proof documents as base64 `data`. `claim-checked`: a slice as
 * ingress.documents carries it, proof documents as `sha256` and `sizeBytes` (their bytes in the store).
 */
export type ProofDocumentForm = 'inline' | 'claim-checked';

export function readJsonTrackingEvents(
  bytes: Uint8Array,
  form: ProofDocumentForm = 'inline',
): ShipmentEventsRead {
  const done = (
    documentProblems: DocumentProblem[],
    entries: ShipmentEntry<CarrierEvent>[] = [],
    slices: Uint8Array[] = [],
    attachments: (ProofAttachment | undefined)[] = [],
  ): ShipmentEventsRead => {
    const problems = [...documentProblems, ...entries.flatMap((e) => e.problems)];
    return Object.freeze({
      format: DocumentFormat.Json,
      ok: problems.length === 0 && entries.length > 0,
      documentProblems,
      entries,
      records: entries.flatMap((e) => (e.record === undefined ? [] : [e.record])),
      problems,
      slices,
      attachments,
    });
  };
  const read = readJsonDocument(bytes);
  if (!read.ok) return done([...read.problems]);
  const { value: data, duplicateKeys: structure } = read;
  const batch = isObject(data) && 'events' in data ? data : undefined;
  const isBatch = batch !== undefined;
  const documentProblems: DocumentProblem[] = [];
  let raws: unknown[] = [data];
  if (batch !== undefined) {
    const { events, ...rest } = batch;
    for (const key of Object.keys(rest))
      documentProblems.push(schema(jsonPointer(key), 'is not a known field'));
    if (Array.isArray(events)) raws = events;
    else {
      documentProblems.push(schema('/events', 'must be an array of tracking events'));
      raws = [];
    }
  }
  if (raws.length === 0 && documentProblems.length === 0) {
    documentProblems.push(
      problem(DocumentProblemCode.NoStockRecords, 'The document holds no tracking events.', {
        kind: 'document',
      }),
    );
  }
  if (raws.length > SHIPMENT_LIMITS.eventsPerDocument) {
    documentProblems.push(
      problem(
        DocumentProblemCode.OutOfRange,
        `The document holds ${raws.length} events; at most ${SHIPMENT_LIMITS.eventsPerDocument} are accepted in one upload.`,
        { kind: 'document' },
      ),
    );
    raws = raws.slice(0, SHIPMENT_LIMITS.eventsPerDocument);
  }
  const base = (i: number): string => (isBatch ? jsonPointer('events', i) : '');
  const byEvent = raws.map((): DocumentProblem[] => []);
  for (const p of structure) {
    const match = p.at.kind === 'json' ? /^\/events\/(\d+)(\/|$)/.exec(p.at.pointer) : null;
    const owner = !isBatch ? 0 : match === null ? undefined : Number(match[1]);
    if (owner === undefined || owner >= raws.length) documentProblems.push(p);
    else byEvent[owner].push(p);
  }
  const seen = new Map<string, number>();
  const slices: Uint8Array[] = [];
  const attachments: (ProofAttachment | undefined)[] = [];
  const entries = raws.map((raw, index): ShipmentEntry<CarrierEvent> => {
    const read = readEvent(raw, base(index), form);
    const problems = [...byEvent[index], ...read.problems];
    if (read.eventId !== undefined) {
      const first = seen.get(read.eventId);
      if (first === undefined) seen.set(read.eventId, index);
      else
        problems.push(
          problem(
            DocumentProblemCode.DuplicateStockRecord,
            `Event ${read.eventId} is also event ${first} of this upload.`,
            {
              kind: 'json',
              pointer: `${base(index)}/eventId`,
            },
          ),
        );
    }
    slices.push(Buffer.from(JSON.stringify(read.slice ?? raw), 'utf8'));
    attachments.push(read.attachment);
    return {
      index,
      businessRef: read.eventId,
      record: problems.length === 0 ? read.event : undefined,
      problems,
    };
  });
  return done(documentProblems, entries, slices, attachments);
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

interface EventRead {
  event: CarrierEvent | undefined;
  eventId: string | undefined;
  problems: DocumentProblem[];
  slice: unknown;
  attachment: ProofAttachment | undefined;
}

/** Field readers over one JSON object, collecting located problems. */
class Fields {
  constructor(
    readonly raw: Record<string, unknown>,
    readonly base: string,
    readonly problems: DocumentProblem[],
    known: ReadonlySet<string>,
  ) {
    for (const key of Object.keys(raw)) {
      if (!known.has(key)) problems.push(schema(base + jsonPointer(key), 'is not a known field'));
    }
  }

  pointer(field: string): string {
    return `${this.base}/${field}`;
  }

  text(field: string, max: number, rule: TextRule, required: boolean): string | undefined {
    const value = this.raw[field];
    const pointer = this.pointer(field);
    if (value === undefined || value === null) {
      if (required)
        this.problems.push(
          problem(DocumentProblemCode.MissingValue, `${pointer} is required.`, { kind: 'json', pointer }),
        );
      return undefined;
    }
    if (typeof value !== 'string' || value === '') {
      this.problems.push(schema(pointer, 'must be a non-empty string'));
      return undefined;
    }
    const bad = forbiddenCharacterAt(value, rule);
    if (bad >= 0 || (rule === TextRule.Identifier && value.trim() !== value)) {
      this.problems.push(
        problem(
          DocumentProblemCode.InvalidCharacters,
          `${pointer} holds a character ${rule === TextRule.Identifier ? 'an identifier' : 'text'} cannot hold (control, format or bidi character${rule === TextRule.Identifier ? ', tab, or a space at either end' : ''}).`,
          { kind: 'json', pointer },
        ),
      );
      return undefined;
    }
    if (value.length > max) {
      this.problems.push(
        problem(
          DocumentProblemCode.ValueTooLong,
          `${pointer} is ${value.length} characters long; at most ${max} are accepted.`,
          {
            kind: 'json',
            pointer,
          },
        ),
      );
      return undefined;
    }
    return value;
  }

  time(field: string, required: boolean): { text: string; ms: number } | undefined {
    const text = this.text(field, 40, TextRule.Identifier, required);
    if (text === undefined) return undefined;
    const ms = parseEventTime(text);
    if (ms === undefined) {
      this.problems.push(
        problem(
          DocumentProblemCode.InvalidDate,
          `${this.pointer(field)} must be an RFC 3339 date-time with an offset, e.g. 2026-12-01T10:15:00Z.`,
          { kind: 'json', pointer: this.pointer(field) },
        ),
      );
      return undefined;
    }
    return { text, ms };
  }

  object(field: string, known: ReadonlySet<string>): Fields | undefined {
    const value = this.raw[field];
    if (value === undefined || value === null) return undefined;
    if (!isObject(value)) {
      this.problems.push(schema(this.pointer(field), 'must be an object'));
      return undefined;
    }
    return new Fields(value, this.pointer(field), this.problems, known);
  }
}

function readEvent(raw: unknown, base: string, form: ProofDocumentForm): EventRead {
  const problems: DocumentProblem[] = [];
  if (!isObject(raw)) {
    return {
      event: undefined,
      eventId: undefined,
      problems: [schema(base, 'must be a tracking event object')],
      slice: raw,
      attachment: undefined,
    };
  }
  const L = SHIPMENT_LIMITS;
  const f = new Fields(raw, base, problems, EVENT_FIELDS);
  const eventId = f.text('eventId', L.idLength, TextRule.Identifier, true);
  const carrier = f.text('carrier', L.carrierLength, TextRule.Identifier, true);
  const trackingNumber = f.text('trackingNumber', L.trackingLength, TextRule.Identifier, true);
  const shipDate = f.text('shipDate', 10, TextRule.Identifier, true);
  if (shipDate !== undefined && !isIsoDate(shipDate)) {
    problems.push(
      problem(DocumentProblemCode.InvalidDate, `${f.pointer('shipDate')} must be a date, YYYY-MM-DD.`, {
        kind: 'json',
        pointer: f.pointer('shipDate'),
      }),
    );
  }
  const shipmentRef = f.text('shipmentRef', L.idLength, TextRule.Identifier, false);
  const status = f.text('status', L.codeLength, TextRule.Identifier, true);
  if (status !== undefined && !(TRACKING_STATUSES as readonly string[]).includes(status)) {
    problems.push(
      problem(
        DocumentProblemCode.SchemaViolation,
        `${f.pointer('status')} "${status}" is not a tracking status; one of ${TRACKING_STATUSES.join(', ')}.`,
        { kind: 'json', pointer: f.pointer('status') },
      ),
    );
  }
  const reason = f.text('statusDetail', L.codeLength, TextRule.Identifier, false);
  const occurred = f.time('occurredAt', true);
  const where = f.object('location', LOCATION_FIELDS);
  const location =
    where === undefined
      ? undefined
      : {
          city: where.text('city', L.textLength, TextRule.FreeText, false),
          region: where.text('region', L.codeLength, TextRule.Identifier, false),
          country: where.text('country', 2, TextRule.Identifier, false),
        };
  let proofOfDelivery: ProofOfDelivery | undefined;
  let attachment: ProofAttachment | undefined;
  let slice: unknown = raw;
  const proof = f.object('proofOfDelivery', PROOF_FIELDS);
  if (proof !== undefined) {
    if (status !== undefined && status !== 'delivered') {
      problems.push(schema(f.pointer('proofOfDelivery'), 'is only sent with status delivered'));
    }
    const signedBy = proof.text('signedBy', L.textLength, TextRule.FreeText, true);
    const signedAt = proof.time('signedAt', true);
    const place = proof.text('place', L.textLength, TextRule.FreeText, false);
    const doc = proof.object('document', form === 'inline' ? DOCUMENT_FIELDS : CLAIM_CHECKED_FIELDS);
    let document: ProofOfDelivery['document'];
    if (doc !== undefined) {
      const contentType = doc.text('contentType', 64, TextRule.Identifier, true);
      if (contentType !== undefined && !L.proofContentTypes.includes(contentType)) {
        problems.push(schema(doc.pointer('contentType'), `must be one of ${L.proofContentTypes.join(', ')}`));
      }
      if (form === 'claim-checked') {
        const sha256 = doc.raw.sha256;
        const sizeBytes = doc.raw.sizeBytes;
        if (typeof sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(sha256) || typeof sizeBytes !== 'number') {
          problems.push(schema(doc.pointer('sha256'), 'and sizeBytes must name the stored document'));
        } else if (contentType !== undefined) {
          document = { contentType, sha256, sizeBytes };
        }
      } else {
        const data = doc.raw.data;
        const pointer = doc.pointer('data');
        if (typeof data !== 'string' || data === '') {
          problems.push(
            problem(DocumentProblemCode.MissingValue, `${pointer} (base64) is required.`, {
              kind: 'json',
              pointer,
            }),
          );
        } else if (data.length % 4 !== 0 || !BASE64.test(data)) {
          problems.push(
            problem(DocumentProblemCode.SchemaViolation, `${pointer} is not base64.`, {
              kind: 'json',
              pointer,
            }),
          );
        } else if ((data.length / 4) * 3 > L.maxProofBytes + 2) {
          problems.push(
            problem(
              DocumentProblemCode.OutOfRange,
              `${pointer} decodes to more than ${L.maxProofBytes} bytes.`,
              {
                kind: 'json',
                pointer,
              },
            ),
          );
        } else if (contentType !== undefined) {
          const bytes = Buffer.from(data, 'base64');
          const sha256 = sha256Of(bytes);
          attachment = { sha256, contentType, bytes };
          document = { contentType, sha256, sizeBytes: bytes.length };
        }
      }
    }
    if (signedBy !== undefined && signedAt !== undefined) {
      proofOfDelivery = {
        signedBy,
        signedAt: signedAt.text,
        signedAtMs: signedAt.ms,
        ...(place === undefined ? {} : { place }),
        ...(document === undefined ? {} : { document }),
      };
      slice = { ...raw, proofOfDelivery: { ...(raw.proofOfDelivery as object), document } };
    }
  }
  if (
    problems.length > 0 ||
    eventId === undefined ||
    carrier === undefined ||
    trackingNumber === undefined ||
    shipDate === undefined ||
    status === undefined ||
    occurred === undefined
  ) {
    return { event: undefined, eventId, problems, slice: redact(raw), attachment: undefined };
  }
  const place =
    location === undefined
      ? undefined
      : Object.fromEntries(Object.entries(location).filter(([, v]) => v !== undefined));
  const event: CarrierEvent = Object.freeze({
    eventId,
    carrier,
    trackingNumber,
    shipDate,
    ...(shipmentRef === undefined ? {} : { shipmentRef }),
    status,
    ...(reason === undefined ? {} : { reason }),
    eventTime: occurred.text,
    eventTimeMs: occurred.ms,
    ...(place === undefined ? {} : { location: place }),
    ...(proofOfDelivery === undefined ? {} : { proofOfDelivery }),
    at: { kind: 'json' as const, pointer: base },
  });
  return { event, eventId, problems, slice, attachment };
}

/** A refused event's slice never carries a proof document's bytes either. */
function redact(raw: Record<string, unknown>): unknown {
  const proof = raw.proofOfDelivery;
  if (!isObject(proof) || !isObject(proof.document)) return raw;
  return { ...raw, proofOfDelivery: { ...proof, document: { contentType: proof.document.contentType } } };
}
