// What every reader of X12 transaction sets needs beside its own segments: the envelope a set came in, the
// set alone re-enveloped (one slice per set, as the gateway publishes it) and a problem's location.
import { forbiddenCharacterAt, TextRule } from './canonical-fields';
import { type DocumentProblem, DocumentProblemCode, problem, type ProblemLocation } from './document-problem';
import { parseDecimal, x12DateToIso } from './field-values';
import type { X12EnvelopeRef } from './partner-sales-order';
import { decodeUtf8 } from './text-decoding';
import {
  readX12Interchange,
  type X12GroupRead,
  type X12InterchangeRead,
  type X12SegmentRef,
  type X12SetRead,
} from './x12-interchange.reader';

/** ISA/GS/ST coordinates of one set, for acknowledgements and replies. */
export function x12EnvelopeRef(
  interchange: X12InterchangeRead,
  group: X12GroupRead,
  set: X12SetRead,
): X12EnvelopeRef {
  return {
    senderQualifier: interchange.isa.senderQualifier,
    senderId: interchange.isa.senderId,
    receiverQualifier: interchange.isa.receiverQualifier,
    receiverId: interchange.isa.receiverId,
    interchangeControlNumber: interchange.isa.controlNumber,
    functionalId: group.functionalId,
    applicationSenderCode: group.applicationSenderCode,
    applicationReceiverCode: group.applicationReceiverCode,
    groupControlNumber: group.controlNumber,
    version: group.version,
    transactionSetId: set.transactionSetId,
    setControlNumber: set.controlNumber,
    usageIndicator: interchange.isa.usageIndicator,
  };
}

/** One set as a one-set interchange with the original ISA and GS (GE01 and IEA01 are 1). */
export function reenvelopeSet(interchange: X12InterchangeRead, group: X12GroupRead, set: X12SetRead): string {
  const { text, delimiters } = interchange;
  const eol = delimiters.endOfLine;
  const isaEnd = group.header.start;
  const isa = text.slice(0, isaEnd).trim();
  const gs = text.slice(group.header.start, group.header.end);
  const last = set.trailer ?? set.body.at(-1) ?? set.header;
  const setText = text.slice(set.header.start, last.end);
  const e = delimiters.element;
  const t = delimiters.segment;
  return [
    isa,
    gs,
    setText,
    `GE${e}1${e}${group.controlNumber}${t}`,
    `IEA${e}1${e}${interchange.isa.controlNumber}${t}`,
  ]
    .map((s) => s + eol)
    .join('');
}

/** Where a segment (or one of its elements) is, with the value as sent. */
export function x12Location(
  ref: X12SegmentRef,
  element?: number,
  setControlNumber?: string,
): ProblemLocation {
  const value = element === undefined ? undefined : ref.elements[element - 1];
  return {
    kind: 'x12',
    segment: ref.ordinal,
    tag: ref.tag,
    ...(element === undefined ? {} : { element }),
    // An element past the last one sent is missing at the segment terminator.
    byteOffset:
      element === undefined ? ref.byteOffset : (ref.elementByteOffsets[element - 1] ?? ref.endByteOffset - 1),
    ...(setControlNumber === undefined ? {} : { setControlNumber }),
    ...(ref.setPosition === undefined ? {} : { setPosition: ref.setPosition }),
    ...(value === undefined || value === '' ? {} : { value }),
  };
}

/** The problem location of a segment that should follow `after` and does not. */
export function x12MissingAfter(
  after: X12SegmentRef,
  tag: string,
  setControlNumber: string,
): ProblemLocation {
  return {
    kind: 'x12',
    segment: after.ordinal + 1,
    tag,
    setControlNumber,
    byteOffset: after.endByteOffset,
    setPosition: (after.setPosition ?? 1) + 1,
  };
}

/** One transaction set read by a format's reader: its reference, its record when sound, its problems. */
export interface X12SetEntry<T> {
  readonly index: number;
  readonly businessRef: string | undefined;
  readonly record: T | undefined;
  readonly problems: readonly DocumentProblem[];
  readonly x12: X12EnvelopeRef;
}

/** An interchange of one kind of set, read set by set (the shape the 997 builder acknowledges). */
export interface X12SetsRead<T> {
  readonly ok: boolean;
  readonly documentProblems: readonly DocumentProblem[];
  readonly entries: readonly X12SetEntry<T>[];
  readonly records: readonly T[];
  readonly problems: readonly DocumentProblem[];
  /** Per entry: the set re-enveloped alone. */
  readonly slices: readonly Uint8Array[];
  /** Per entry: `ISA13/GS06`. */
  readonly interchangeRefs: readonly string[];
  /** The envelope as read; undefined when the interchange could not be read at all. */
  readonly interchange: X12InterchangeRead | undefined;
}

export interface X12SetKind<T> {
  /** GS01 of the groups carrying the sets (SH for 856, QM for 214). */
  readonly functionalId: string;
  /** ST01 (856, 214). */
  readonly transactionSetId: string;
  readonly description: string;
  /** Reads one set's body; problems located with `x12Location`. */
  readonly read: (
    set: X12SetRead,
    envelope: X12EnvelopeRef,
  ) => { record: T | undefined; businessRef: string | undefined; problems: DocumentProblem[] };
}

/** Decodes, reads the envelope (node-x12) and each set of `kind`; never throws for partner input. */
export function readX12Sets<T>(bytes: Uint8Array, kind: X12SetKind<T>): X12SetsRead<T> {
  const decoded = decodeUtf8(bytes);
  const done = (
    documentProblems: readonly DocumentProblem[],
    entries: readonly X12SetEntry<T>[] = [],
    slices: readonly Uint8Array[] = [],
    interchangeRefs: readonly string[] = [],
    interchange: X12InterchangeRead | undefined = undefined,
  ): X12SetsRead<T> => {
    const problems = [...documentProblems, ...entries.flatMap((e) => e.problems)];
    return Object.freeze({
      ok: problems.length === 0 && entries.length > 0,
      documentProblems: Object.freeze([...documentProblems]),
      entries: Object.freeze([...entries]),
      records: Object.freeze(entries.flatMap((e) => (e.record === undefined ? [] : [e.record]))),
      problems: Object.freeze(problems),
      slices,
      interchangeRefs,
      interchange,
    });
  };
  if (!decoded.ok) return done(decoded.problems);
  if (decoded.text.trim() === '') {
    return done([problem(DocumentProblemCode.EmptyDocument, 'The document is empty.', { kind: 'document' })]);
  }
  const outcome = readX12Interchange(decoded.text, decoded.byteOffset);
  if (!outcome.ok) return done(outcome.problems);
  const interchange = outcome.interchange;
  const documentProblems: DocumentProblem[] = [...interchange.problems];
  const entries: X12SetEntry<T>[] = [];
  const slices: Uint8Array[] = [];
  const refs: string[] = [];
  for (const group of interchange.groups) {
    documentProblems.push(...group.problems);
    if (group.functionalId !== kind.functionalId) {
      documentProblems.push(
        problem(
          DocumentProblemCode.X12UnsupportedGroup,
          `Functional group ${group.controlNumber} is "${group.functionalId}"; ${kind.description}s travel in "${kind.functionalId}" groups.`,
          x12Location(group.header, 1),
        ),
      );
    }
    for (const set of group.sets) {
      const envelope = x12EnvelopeRef(interchange, group, set);
      let read: ReturnType<X12SetKind<T>['read']>;
      if (set.transactionSetId === kind.transactionSetId) {
        read = kind.read(set, envelope);
      } else {
        read = {
          record: undefined,
          businessRef: undefined,
          problems: [
            problem(
              DocumentProblemCode.X12UnsupportedTransaction,
              `Transaction set ${set.controlNumber} is a ${set.transactionSetId || '(blank)'}; this channel accepts ${kind.transactionSetId} ${kind.description}s.`,
              x12Location(set.header, 1, set.controlNumber),
            ),
          ],
        };
      }
      const problems = [...set.problems, ...read.problems];
      entries.push({
        index: entries.length,
        businessRef: read.businessRef,
        record: problems.length === 0 ? read.record : undefined,
        problems,
        x12: envelope,
      });
      slices.push(Buffer.from(reenvelopeSet(interchange, group, set), 'utf8'));
      refs.push(`${interchange.isa.controlNumber}/${group.controlNumber}`);
    }
  }
  if (entries.length === 0 && documentProblems.length === 0) {
    documentProblems.push(
      problem(DocumentProblemCode.NoOrders, 'The interchange holds no transaction sets.', {
        kind: 'document',
      }),
    );
  }
  return done(documentProblems, entries, slices, refs, interchange);
}

/** Element readers for one set, collecting problems located where each value was read. */
export class X12SetReader {
  readonly problems: DocumentProblem[] = [];

  constructor(readonly set: X12SetRead) {}

  at(ref: X12SegmentRef, element?: number): ProblemLocation {
    return x12Location(ref, element, this.set.controlNumber);
  }

  value(ref: X12SegmentRef, element: number): string {
    return (ref.elements[element - 1] ?? '').trim();
  }

  report(code: DocumentProblemCode, message: string, at: ProblemLocation, lineNumber?: string): void {
    this.problems.push(problem(code, message, at, lineNumber));
  }

  missingSegment(tag: string, what: string, after: X12SegmentRef = this.set.header): void {
    this.report(
      DocumentProblemCode.X12MissingSegment,
      `Transaction set ${this.set.controlNumber} has no ${what}.`,
      x12MissingAfter(after, tag, this.set.controlNumber),
    );
  }

  /** A required identifier: present, printable (identifier text rule) and at most `maxLength` long. */
  identifier(ref: X12SegmentRef, element: number, name: string, maxLength: number): string | undefined {
    const v = this.value(ref, element);
    const id = `${ref.tag}${String(element).padStart(2, '0')}`;
    if (v === '') {
      this.report(
        DocumentProblemCode.X12MissingElement,
        `${id} (${name}) is required.`,
        this.at(ref, element),
      );
      return undefined;
    }
    return this.checkedText(ref, element, v, name, maxLength) ? v : undefined;
  }

  /** An optional identifier: undefined when absent, checked when present. */
  optionalIdentifier(
    ref: X12SegmentRef,
    element: number,
    name: string,
    maxLength: number,
  ): string | undefined {
    const v = this.value(ref, element);
    if (v === '') return undefined;
    return this.checkedText(ref, element, v, name, maxLength) ? v : undefined;
  }

  /** A CCYYMMDD date as YYYY-MM-DD. */
  date(ref: X12SegmentRef, element: number, name: string): string | undefined {
    const v = this.value(ref, element);
    const id = `${ref.tag}${String(element).padStart(2, '0')}`;
    if (v === '') {
      this.report(
        DocumentProblemCode.X12MissingElement,
        `${id} (${name}) is required.`,
        this.at(ref, element),
      );
      return undefined;
    }
    const iso = x12DateToIso(v);
    if (iso === undefined) {
      this.report(
        DocumentProblemCode.InvalidDate,
        `${id} "${v}" is not a date (CCYYMMDD).`,
        this.at(ref, element),
      );
    }
    return iso;
  }

  /** An HHMM[SS[D..]] time as HH:MM:SS, undefined (reported) when not a time of day. */
  time(ref: X12SegmentRef, element: number, name: string, required: boolean): string | undefined {
    const v = this.value(ref, element);
    const id = `${ref.tag}${String(element).padStart(2, '0')}`;
    if (v === '') {
      if (required)
        this.report(
          DocumentProblemCode.X12MissingElement,
          `${id} (${name}) is required.`,
          this.at(ref, element),
        );
      return undefined;
    }
    const match = /^([01]\d|2[0-3])([0-5]\d)(([0-5]\d)(\d{1,2})?)?$/.exec(v);
    if (match === null) {
      this.report(
        DocumentProblemCode.InvalidDate,
        `${id} "${v}" is not a time (HHMM or HHMMSS).`,
        this.at(ref, element),
      );
      return undefined;
    }
    return `${match[1]}:${match[2]}:${match[4] ?? '00'}`;
  }

  /** A positive decimal quantity at most `max`. */
  quantity(
    ref: X12SegmentRef,
    element: number,
    name: string,
    max: number,
    lineNumber?: string,
  ): number | undefined {
    const v = this.value(ref, element);
    const id = `${ref.tag}${String(element).padStart(2, '0')}`;
    if (v === '') {
      this.report(
        DocumentProblemCode.X12MissingElement,
        `${id} (${name}) is required.`,
        this.at(ref, element),
        lineNumber,
      );
      return undefined;
    }
    const n = parseDecimal(v);
    if (n === undefined) {
      this.report(
        DocumentProblemCode.InvalidNumber,
        `${id} "${v}" is not a number.`,
        this.at(ref, element),
        lineNumber,
      );
      return undefined;
    }
    if (!(n > 0) || n > max) {
      this.report(
        DocumentProblemCode.OutOfRange,
        `${id} ${v} must be above 0 and at most ${max}.`,
        this.at(ref, element),
        lineNumber,
      );
      return undefined;
    }
    return n;
  }

  private checkedText(
    ref: X12SegmentRef,
    element: number,
    v: string,
    name: string,
    maxLength: number,
  ): boolean {
    const id = `${ref.tag}${String(element).padStart(2, '0')}`;
    const bad = forbiddenCharacterAt(v, TextRule.Identifier);
    if (bad >= 0) {
      const code = v.codePointAt(bad) ?? 0;
      this.report(
        DocumentProblemCode.InvalidCharacters,
        `${id} (${name}) holds U+${code.toString(16).toUpperCase().padStart(4, '0')} at character ${bad + 1}; identifiers are printable text.`,
        this.at(ref, element),
      );
      return false;
    }
    if (v.length > maxLength) {
      this.report(
        DocumentProblemCode.ValueTooLong,
        `${id} (${name}) is ${v.length} characters; at most ${maxLength}.`,
        this.at(ref, element),
      );
      return false;
    }
    return true;
  }
}
