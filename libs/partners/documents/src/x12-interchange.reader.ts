// Reads an X12 interchange envelope with node-x12's parser (non-strict, so it collects diagnostics rather
// than throwing at the first one) and adds what node-x12 lacks:
// - segment ordinals and byte offsets (node-x12 gives line/character ranges only);
// - truncation checks: a set without SE, a group without GE, an interchange without IEA, a last segment
//   cut before its terminator (node-x12 silently drops it);
// - duplicate ST02 within a group, several ISA headers in one upload (non-strict node-x12 merges them);
// - codes for its diagnostics, and a problem instead of the TypeError it throws on some malformed input;
// - ISA13 as sent (node-x12 turns `000000017` into `17`).
import { type X12Interchange, X12Parser, type X12Segment } from 'node-x12';
import type { X12Diagnostic } from 'node-x12/dist/src/X12Diagnostic';

import { type DocumentProblem, DocumentProblemCode, problem, type ProblemLocation } from './document-problem';

export interface X12Delimiters {
  readonly element: string;
  readonly segment: string;
  readonly subElement: string;
  /** Characters written after each segment terminator (a newline, or nothing). */
  readonly endOfLine: string;
}

/** One segment as read, with its position in the interchange. */
export interface X12SegmentRef {
  readonly tag: string;
  /** Element values, index 0 = element 01. */
  readonly elements: readonly string[];
  /** 1-based position in the interchange (ISA = 1). */
  readonly ordinal: number;
  readonly byteOffset: number;
  /** Byte offset just past the segment terminator. */
  readonly endByteOffset: number;
  /** 1-based position within the transaction set (ST = 1), for segments inside a set. */
  readonly setPosition?: number;
  /** Character range of the segment in the decoded text, terminator included. */
  readonly start: number;
  readonly end: number;
  readonly elementByteOffsets: readonly number[];
}

export interface X12SetRead {
  readonly groupIndex: number;
  readonly transactionSetId: string;
  readonly controlNumber: string;
  readonly header: X12SegmentRef;
  /** Segments between ST and SE. */
  readonly body: readonly X12SegmentRef[];
  readonly trailer: X12SegmentRef | undefined;
  readonly problems: readonly DocumentProblem[];
}

export interface X12GroupRead {
  readonly functionalId: string;
  readonly applicationSenderCode: string;
  readonly applicationReceiverCode: string;
  readonly controlNumber: string;
  readonly version: string;
  /** GE01 as sent, when the GE segment is there and numeric. */
  readonly declaredSetCount: number | undefined;
  readonly header: X12SegmentRef;
  readonly trailer: X12SegmentRef | undefined;
  readonly sets: readonly X12SetRead[];
  readonly problems: readonly DocumentProblem[];
}

export interface X12InterchangeHeader {
  readonly senderQualifier: string;
  readonly senderId: string;
  readonly receiverQualifier: string;
  readonly receiverId: string;
  readonly date: string;
  readonly time: string;
  readonly controlVersion: string;
  readonly controlNumber: string;
  readonly usageIndicator: string;
}

export interface X12InterchangeRead {
  readonly delimiters: X12Delimiters;
  readonly isa: X12InterchangeHeader;
  readonly groups: readonly X12GroupRead[];
  /** Problems of the interchange itself (IEA, trailing data, unparseable content). */
  readonly problems: readonly DocumentProblem[];
  /** The decoded text the positions refer to. */
  readonly text: string;
}

export type X12ReadOutcome =
  | { readonly ok: true; readonly interchange: X12InterchangeRead }
  | { readonly ok: false; readonly problems: readonly DocumentProblem[] };

const ISA_LENGTH = 106;
const MAX_REPORTED_EMPTY_SEGMENTS = 20;

/** Reads the envelope of one interchange. `byteOffset` is where `text` starts in the bytes received (BOM). */
export function readX12Interchange(text: string, byteOffset = 0): X12ReadOutcome {
  const lead = text.length - text.trimStart().length;
  const fail = (
    message: string,
    at: ProblemLocation = { kind: 'bytes', byteOffset: byteOffset + lead },
  ): X12ReadOutcome => ({
    ok: false,
    problems: [problem(DocumentProblemCode.X12Syntax, message, at)],
  });
  if (!text.startsWith('ISA', lead))
    return fail('The document does not start with an ISA interchange header.');
  const body = text.slice(lead);
  const element = body.charAt(3);
  if (body.length < ISA_LENGTH || body.charAt(103) !== element) {
    return fail(
      `The ISA segment must be ${ISA_LENGTH} characters long with fixed-width elements; the interchange is cut or malformed.`,
    );
  }
  const delimiters = detectDelimiters(body);
  const { element: e, segment: t, subElement: c } = delimiters;
  if (/[A-Za-z0-9 ]/.test(e + t) || e === t || c === e || c === t) {
    return fail(
      `The ISA delimiters are unusable (element "${e}", component "${c}", segment "${t}"): they must be distinct non-alphanumeric characters.`,
    );
  }
  const positions = new Positions(text, lead, byteOffset, delimiters);
  // node-x12 cannot place an empty segment (`~~`, `~\n~`) and crashes on it; X12 has none, so refuse it here.
  const empty = positions.emptySegments();
  if (empty.length > 0) {
    return {
      ok: false,
      problems: empty
        .slice(0, MAX_REPORTED_EMPTY_SEGMENTS)
        .map((at) =>
          problem(
            DocumentProblemCode.X12Syntax,
            `Segment ${at.segment} is empty: two segment terminators "${t}" follow each other${
              empty.length > MAX_REPORTED_EMPTY_SEGMENTS && at.segment === empty[0].segment
                ? ` (${empty.length} empty segments in all, the first ${MAX_REPORTED_EMPTY_SEGMENTS} listed)`
                : ''
            }.`,
            at,
          ),
        ),
    };
  }

  const parser = new X12Parser(false);
  let parsed: ReturnType<X12Parser['parse']> | undefined;
  let crash: unknown;
  try {
    parsed = parser.parse(body);
  } catch (error) {
    crash = error;
  }
  const diagnostics = parser.diagnostics;
  if (crash !== undefined || parsed === undefined || Array.isArray(parsed)) {
    // node-x12 throws TypeError on some broken structures even in non-strict mode (e.g. SE without ST);
    // its last diagnostic usually names the culprit.
    const last = diagnostics.at(-1);
    const at = last === undefined ? undefined : positions.diagnosticLocation(last);
    const reason = last?.message ?? (crash instanceof Error ? crash.message : 'no functional group found');
    return fail(`The interchange could not be read: ${reason}`, at);
  }
  try {
    return { ok: true, interchange: buildRead(parsed, diagnostics, positions, delimiters, text, body) };
  } catch (error) {
    // node-x12 leaves some malformed structures without ranges; the partner gets a syntax problem, not a 500.
    const last = diagnostics.at(-1);
    const reason = last?.message ?? (error instanceof Error ? error.message : String(error));
    return fail(
      `The interchange could not be read: ${reason}`,
      last === undefined ? undefined : positions.diagnosticLocation(last),
    );
  }
}

function detectDelimiters(body: string): X12Delimiters {
  const segment = body.charAt(105);
  const after = body.slice(106, 108);
  return {
    element: body.charAt(3),
    segment,
    subElement: body.charAt(104),
    endOfLine: after.startsWith('\r\n') ? '\r\n' : after.startsWith('\n') ? '\n' : '',
  };
}

function buildRead(
  interchange: X12Interchange,
  diagnostics: readonly X12Diagnostic[],
  positions: Positions,
  delimiters: X12Delimiters,
  text: string,
  body: string,
): X12InterchangeRead {
  const interchangeProblems: DocumentProblem[] = [];
  // node-x12 parses ISA13 as an integer; the fixed-width ISA as sent is authoritative.
  const isaElements = body
    .slice(0, ISA_LENGTH - 1)
    .split(delimiters.element)
    .slice(1);
  const isa: X12InterchangeHeader = {
    senderQualifier: isaElements[4]?.trim() ?? '',
    senderId: isaElements[5]?.trim() ?? '',
    receiverQualifier: isaElements[6]?.trim() ?? '',
    receiverId: isaElements[7]?.trim() ?? '',
    date: isaElements[8] ?? '',
    time: isaElements[9] ?? '',
    controlVersion: isaElements[11] ?? '',
    controlNumber: isaElements[12] ?? '',
    usageIndicator: isaElements[14] ?? '',
  };
  const isaRef = positions.segmentRef(interchange.header);
  if (isaRef.start !== positions.lead) {
    interchangeProblems.push(
      problem(
        DocumentProblemCode.X12MultipleInterchanges,
        'The upload holds more than one interchange (several ISA segments); send one interchange per upload.',
        positions.at(isaRef),
      ),
    );
  }

  const groupProblems = new Map<number, DocumentProblem[]>();
  const setProblems = new Map<string, DocumentProblem[]>();
  const groups = interchange.functionalGroups.map((group, groupIndex) => {
    const problems: DocumentProblem[] = [];
    groupProblems.set(groupIndex, problems);
    const header = positions.segmentRef(group.header);
    const seen = new Set<string>();
    const sets = group.transactions.map((transaction, setIndex) => {
      const own: DocumentProblem[] = [];
      setProblems.set(`${groupIndex}/${setIndex}`, own);
      const stRef = positions.segmentRef(transaction.header, 1);
      const setBody = transaction.segments.map((s, i) => positions.segmentRef(s, i + 2));
      const trailer =
        transaction.trailer === undefined
          ? undefined
          : positions.segmentRef(transaction.trailer, setBody.length + 2);
      const controlNumber = transaction.header.valueOf(2, '') ?? '';
      if (trailer === undefined) {
        const last = setBody.at(-1) ?? stRef;
        own.push(
          problem(
            DocumentProblemCode.X12MissingTrailer,
            `Transaction set ${controlNumber} has no SE trailer: the interchange is truncated or the set is not closed.`,
            positions.after(last, 'SE', controlNumber, setBody.length + 2),
          ),
        );
      }
      if (seen.has(controlNumber)) {
        own.push(
          problem(
            DocumentProblemCode.X12DuplicateControlNumber,
            `Transaction set control number ${controlNumber} is used twice in group ${group.header.valueOf(6, '')}.`,
            positions.at(stRef, 2, controlNumber),
          ),
        );
      }
      seen.add(controlNumber);
      return {
        groupIndex,
        transactionSetId: transaction.header.valueOf(1, '') ?? '',
        controlNumber,
        header: stRef,
        body: setBody,
        trailer,
        problems: own,
      };
    });
    const trailer = group.trailer === undefined ? undefined : positions.segmentRef(group.trailer);
    if (trailer === undefined) {
      const lastSet = sets.at(-1);
      const last = lastSet?.trailer ?? lastSet?.body.at(-1) ?? lastSet?.header ?? header;
      problems.push(
        problem(
          DocumentProblemCode.X12MissingTrailer,
          `Functional group ${group.header.valueOf(6, '')} has no GE trailer: the interchange is truncated.`,
          positions.after(last, 'GE'),
        ),
      );
    }
    const declared = trailer === undefined ? undefined : Number.parseInt(trailer.elements[0] ?? '', 10);
    return {
      functionalId: group.header.valueOf(1, '') ?? '',
      applicationSenderCode: group.header.valueOf(2, '') ?? '',
      applicationReceiverCode: group.header.valueOf(3, '') ?? '',
      controlNumber: group.header.valueOf(6, '') ?? '',
      version: group.header.valueOf(8, '') ?? '',
      declaredSetCount: declared === undefined || Number.isNaN(declared) ? undefined : declared,
      header,
      trailer,
      sets,
      problems,
    };
  });

  if (interchange.trailer === undefined) {
    const lastGroup = groups.at(-1);
    const lastSet = lastGroup?.sets.at(-1);
    const last =
      lastGroup?.trailer ??
      lastSet?.trailer ??
      lastSet?.body.at(-1) ??
      lastSet?.header ??
      lastGroup?.header ??
      isaRef;
    interchangeProblems.push(
      problem(
        DocumentProblemCode.X12MissingTrailer,
        'The interchange has no IEA trailer: it is truncated.',
        positions.after(last, 'IEA'),
      ),
    );
  }
  const trailing = positions.trailingData();
  if (trailing !== undefined) {
    interchangeProblems.push(
      problem(
        DocumentProblemCode.X12TrailingData,
        `The document ends inside a segment ("${trailing.snippet}") with no segment terminator "${delimiters.segment}": it is truncated.`,
        trailing.at,
      ),
    );
  }

  // Attach node-x12's diagnostics to the set, group or interchange they concern.
  for (const diagnostic of diagnostics) {
    const at = positions.diagnosticLocation(diagnostic);
    const converted = problem(
      diagnosticCode(diagnostic.message),
      diagnostic.message.replace(/^X12 Standard: /, ''),
      at,
    );
    const offset = at.kind === 'x12' ? positions.charOffsetOfOrdinal(at.segment) : undefined;
    const tag = at.kind === 'x12' ? at.tag : '';
    const owner = offset === undefined ? undefined : ownerAt(groups, offset, tag);
    if (owner?.set !== undefined) setProblems.get(`${owner.group}/${owner.set}`)?.push(converted);
    else if (owner !== undefined && tag !== 'IEA') groupProblems.get(owner.group)?.push(converted);
    else interchangeProblems.push(converted);
  }

  return { delimiters, isa, groups, problems: interchangeProblems, text };
}

function ownerAt(
  groups: readonly X12GroupRead[],
  offset: number,
  tag: string,
): { group: number; set?: number } | undefined {
  for (const [g, group] of groups.entries()) {
    const groupEnd = group.trailer?.end ?? Number.MAX_SAFE_INTEGER;
    if (offset < group.header.start || offset > groupEnd) continue;
    if (tag === 'GE' || tag === 'GS') return { group: g };
    for (const [s, set] of group.sets.entries()) {
      const setEnd = set.trailer?.end ?? set.body.at(-1)?.end ?? set.header.end;
      if (offset >= set.header.start && offset <= setEnd) return { group: g, set: s };
    }
    return { group: g };
  }
  return undefined;
}

function diagnosticCode(message: string): DocumentProblemCode {
  if (/does not match the number of/.test(message)) return DocumentProblemCode.X12ControlCountMismatch;
  if (/does not match the value in/.test(message)) return DocumentProblemCode.X12ControlNumberMismatch;
  if (/cannot appear outside|Missing (GS|ST) segment/.test(message))
    return DocumentProblemCode.X12UnexpectedSegment;
  return DocumentProblemCode.X12Syntax;
}

/** Turns node-x12's line/character ranges into character offsets, segment ordinals and byte offsets. */
class Positions {
  private readonly lineStarts: number[] = [0];
  private readonly terminators: number[] = [];
  private readonly ascii: boolean;
  private byteTable: Uint32Array | undefined;

  constructor(
    private readonly text: string,
    readonly lead: number,
    private readonly baseByteOffset: number,
    private readonly delimiters: X12Delimiters,
  ) {
    // node-x12 counts lines in the text it was given (without the leading whitespace).
    for (let i = lead; i < text.length; i++) {
      if (text[i] === '\n') this.lineStarts.push(i + 1 - lead);
      if (text[i] === delimiters.segment) this.terminators.push(i);
    }
    this.ascii = Buffer.byteLength(text, 'utf8') === text.length;
  }

  charOffset(line: number, character: number): number {
    return this.lead + (this.lineStarts[line] ?? 0) + character;
  }

  byteOffset(charOffset: number): number {
    if (this.ascii) return this.baseByteOffset + charOffset;
    if (this.byteTable === undefined) {
      const table = new Uint32Array(this.text.length + 1);
      for (let i = 0; i < this.text.length; i++) {
        const code = this.text.codePointAt(i) ?? 0;
        const size = code <= 0x7f ? 1 : code <= 0x7ff ? 2 : code <= 0xffff ? 3 : 4;
        table[i + 1] = table[i] + size;
        if (code > 0xffff) {
          table[i + 2] = table[i + 1];
          i++;
        }
      }
      this.byteTable = table;
    }
    return this.baseByteOffset + this.byteTable[charOffset];
  }

  /** 1-based ordinal of the segment that starts at or contains `charOffset`. */
  ordinalAt(charOffset: number): number {
    let lo = 0;
    let hi = this.terminators.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.terminators[mid] < charOffset) lo = mid + 1;
      else hi = mid;
    }
    return lo + 1;
  }

  charOffsetOfOrdinal(ordinal: number): number {
    if (ordinal <= 1) return this.lead;
    const previous = this.terminators[ordinal - 2];
    if (previous === undefined) return this.text.length;
    let i = previous + 1;
    while (i < this.text.length && /\s/.test(this.text[i])) i++;
    return i;
  }

  segmentRef(segment: X12Segment, setPosition?: number): X12SegmentRef {
    const start = this.charOffset(segment.range.start.line, segment.range.start.character);
    const end = this.charOffset(segment.range.end.line, segment.range.end.character) + 1;
    const elementByteOffsets = segment.elements.map((e, i) =>
      // node-x12 starts element 01's range on the delimiter before it, later ones on their first character.
      this.byteOffset(this.charOffset(e.range.start.line, e.range.start.character) + (i === 0 ? 1 : 0)),
    );
    return {
      tag: segment.tag,
      elements: segment.elements.map((e) => e.value),
      ordinal: this.ordinalAt(start),
      byteOffset: this.byteOffset(start),
      endByteOffset: this.byteOffset(Math.min(end, this.text.length)),
      ...(setPosition === undefined ? {} : { setPosition }),
      start,
      end,
      elementByteOffsets,
    };
  }

  /** Location of a segment, or of one of its elements (1-based). */
  at(ref: X12SegmentRef, element?: number, setControlNumber?: string): ProblemLocation {
    const value = element === undefined ? undefined : ref.elements[element - 1];
    return {
      kind: 'x12',
      segment: ref.ordinal,
      tag: ref.tag,
      ...(element === undefined ? {} : { element }),
      byteOffset:
        element === undefined ? ref.byteOffset : (ref.elementByteOffsets[element - 1] ?? ref.byteOffset),
      ...(setControlNumber === undefined ? {} : { setControlNumber }),
      ...(ref.setPosition === undefined ? {} : { setPosition: ref.setPosition }),
      ...(value === undefined ? {} : { value }),
    };
  }

  /** Where a missing segment should have been: right after `last`. */
  after(last: X12SegmentRef, tag: string, setControlNumber?: string, setPosition?: number): ProblemLocation {
    return {
      kind: 'x12',
      segment: last.ordinal + 1,
      tag,
      byteOffset: this.byteOffset(this.charOffsetOfOrdinal(last.ordinal + 1)),
      ...(setControlNumber === undefined ? {} : { setControlNumber }),
      ...(setPosition === undefined ? {} : { setPosition }),
    };
  }

  diagnosticLocation(diagnostic: X12Diagnostic): ProblemLocation {
    // node-x12 reports some diagnostics with no range (a segment whose element it expected is missing).
    const range = diagnostic.range as X12Diagnostic['range'] | undefined;
    if (range?.start === undefined) return { kind: 'document' };
    const start = this.charOffset(range.start.line, range.start.character);
    const ordinal = this.ordinalAt(start);
    const segmentStart = this.charOffsetOfOrdinal(ordinal);
    const tag =
      this.text
        .slice(segmentStart, segmentStart + 4)
        .split(this.delimiters.element)[0]
        ?.trim() ?? '';
    const element = /value in [A-Z][A-Z0-9]{1,2}(\d{2})/.exec(diagnostic.message);
    return {
      kind: 'x12',
      segment: ordinal,
      tag,
      ...(element === null ? {} : { element: Number(element[1]) }),
      byteOffset: this.byteOffset(
        element === null
          ? segmentStart
          : Math.min(start + (Number(element[1]) === 1 ? 1 : 0), this.text.length),
      ),
    };
  }

  /** Where each empty segment is: a terminator with nothing but whitespace since the previous one. */
  emptySegments(): Extract<ProblemLocation, { kind: 'x12' }>[] {
    const found: Extract<ProblemLocation, { kind: 'x12' }>[] = [];
    for (let k = 1; k < this.terminators.length; k++) {
      const from = this.terminators[k - 1] + 1;
      if (this.text.slice(from, this.terminators[k]).trim() !== '') continue;
      found.push({ kind: 'x12', segment: k + 1, tag: '', byteOffset: this.byteOffset(this.terminators[k]) });
    }
    return found;
  }

  /** Non-blank text after the last segment terminator: a segment cut before its end. */
  trailingData(): { snippet: string; at: ProblemLocation } | undefined {
    const lastTerminator = this.terminators.at(-1) ?? this.lead - 1;
    const rest = this.text.slice(lastTerminator + 1);
    const offset = lastTerminator + 1 + (rest.length - rest.trimStart().length);
    if (rest.trim() === '') return undefined;
    const snippet = rest.trim().slice(0, 40);
    return {
      snippet,
      at: {
        kind: 'x12',
        segment: this.terminators.length + 1,
        tag: snippet.split(this.delimiters.element)[0] ?? '',
        byteOffset: this.byteOffset(offset),
      },
    };
  }
}
