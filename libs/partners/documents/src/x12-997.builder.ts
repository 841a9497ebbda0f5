// X12 997 functional acknowledgement: one 997 set per functional group received (AK1 ... AK9), an
// AK2/AK5 pair per transaction set, and AK3/AK4 for the segment and element errors we can place.
// node-x12 has a 997 generator in its validation engine, but it needs liquidjs and writes only the first
// error code per set with no AK3/AK4, so the segments are composed here and serialized by its generator.
import { type AnyDocumentProblem, DocumentProblemCode, isDocumentProblemCode } from './document-problem';
import { PartnerDocumentsErrorCode, PartnerDocumentsException } from './partner-documents.exception';
import { writeInterchange, type X12OutboundEnvelope, type X12SegmentSpec } from './x12-envelope';
import { NO_FINDINGS, type X12EnvelopeFindings } from './x12-envelope-rules';
import type { X12InterchangeRead } from './x12-interchange.reader';

export interface FunctionalAckSet {
  /** ST01 as received. */
  readonly transactionSetId: string;
  /** ST02 as received. */
  readonly controlNumber: string;
  /** Problems of this set; any problem rejects it. */
  readonly problems: readonly AnyDocumentProblem[];
}

export interface FunctionalAckGroup {
  /** GS01 as received. */
  readonly functionalId: string;
  /** GS06 as received. */
  readonly controlNumber: string;
  /** GE01 as received, when there was a GE. */
  readonly declaredSetCount?: number;
  /** Problems of the group itself (GE missing or wrong); any problem rejects the whole group. */
  readonly problems: readonly AnyDocumentProblem[];
  readonly sets: readonly FunctionalAckSet[];
}

export interface FunctionalAckInput {
  readonly groups: readonly FunctionalAckGroup[];
  /** Problems of the interchange (IEA missing, truncated): they reject every group. */
  readonly interchangeProblems: readonly AnyDocumentProblem[];
}

/** AK501 / AK901 values we send. */
export enum FunctionalAckCode {
  Accepted = 'A',
  PartiallyAccepted = 'P',
  Rejected = 'R',
}

export interface FunctionalAck {
  readonly edi: string;
  readonly groups: readonly {
    readonly controlNumber: string;
    readonly code: FunctionalAckCode;
    readonly received: number;
    readonly accepted: number;
  }[];
}

/** What a 997 acknowledges: the interchange as read and each set's problems, in set order (any set reader). */
export interface FunctionalAckSource {
  readonly parsed: {
    readonly documentProblems: readonly AnyDocumentProblem[];
    readonly entries: readonly { readonly problems: readonly AnyDocumentProblem[] }[];
  };
  readonly interchange: X12InterchangeRead | undefined;
}

/**
 * The 997 input for an interchange as read by readX12SalesOrders or splitDocument (set problems include
 * the 850 content problems), with what checkX12Envelope found against the partner's rules.
 */
export function functionalAckInput(
  read: FunctionalAckSource,
  envelope: X12EnvelopeFindings = NO_FINDINGS,
): FunctionalAckInput {
  const interchange = read.interchange;
  if (interchange === undefined) return { groups: [], interchangeProblems: read.parsed.documentProblems };
  let entry = 0;
  const groups = interchange.groups.map((group, groupIndex) => ({
    functionalId: group.functionalId,
    controlNumber: group.controlNumber,
    ...(group.declaredSetCount === undefined ? {} : { declaredSetCount: group.declaredSetCount }),
    problems: [
      ...group.problems,
      ...(envelope.groups.get(groupIndex) ?? []),
      ...read.parsed.documentProblems.filter(
        (p) =>
          p.code === String(DocumentProblemCode.X12UnsupportedGroup) &&
          p.at.kind === 'x12' &&
          p.at.segment === group.header.ordinal,
      ),
    ],
    sets: group.sets.map((set) => ({
      transactionSetId: set.transactionSetId,
      controlNumber: set.controlNumber,
      problems: read.parsed.entries[entry++]?.problems ?? set.problems,
    })),
  }));
  return { groups, interchangeProblems: [...interchange.problems, ...envelope.interchange] };
}

/** Builds the 997 interchange answering every group of the input. */
export function buildX12FunctionalAck(
  input: FunctionalAckInput,
  envelope: X12OutboundEnvelope,
): FunctionalAck {
  if (input.groups.length === 0) {
    throw new PartnerDocumentsException(
      PartnerDocumentsErrorCode.InvalidArgument,
      'A 997 acknowledges functional groups; this interchange has none that could be read.',
    );
  }
  const summaries: FunctionalAck['groups'][number][] = [];
  const sets = input.groups.map((group) => {
    const groupRejected = group.problems.length > 0 || input.interchangeProblems.length > 0;
    const segments: X12SegmentSpec[] = [['AK1', [group.functionalId, group.controlNumber]]];
    let accepted = 0;
    for (const set of group.sets) {
      segments.push(['AK2', [set.transactionSetId, set.controlNumber]]);
      for (const p of set.problems) segments.push(...segmentNotes(p));
      const setAccepted = set.problems.length === 0 && !groupRejected;
      if (setAccepted) accepted++;
      const codes = unique(set.problems.map(setErrorCode)).slice(0, 5);
      segments.push([
        'AK5',
        [setAccepted ? FunctionalAckCode.Accepted : FunctionalAckCode.Rejected, ...codes],
      ]);
    }
    const received = group.sets.length;
    const code =
      groupRejected || accepted === 0
        ? FunctionalAckCode.Rejected
        : accepted === received
          ? FunctionalAckCode.Accepted
          : FunctionalAckCode.PartiallyAccepted;
    const groupCodes = unique(group.problems.flatMap(groupErrorCode)).slice(0, 5);
    segments.push([
      'AK9',
      [code, String(group.declaredSetCount ?? received), String(received), String(accepted), ...groupCodes],
    ]);
    summaries.push({ controlNumber: group.controlNumber, code, received, accepted });
    return { transactionSetId: '997', segments };
  });
  return { edi: writeInterchange(envelope, 'FA', sets), groups: summaries };
}

function unique(values: readonly (string | undefined)[]): string[] {
  return [...new Set(values.filter((v): v is string => v !== undefined))];
}

/** AK3 (and AK4 when the element is known) for a problem located in a segment of the set. */
function segmentNotes(p: AnyDocumentProblem): X12SegmentSpec[] {
  if (p.at.kind !== 'x12' || p.at.setPosition === undefined || !isDocumentProblemCode(p.code)) return [];
  // Envelope segments are reported by AK5 codes, not as data segment notes.
  if (['ST', 'SE'].includes(p.at.tag)) return [];
  const codes = noteCodes(p.code);
  if (codes === undefined) return [];
  const notes: X12SegmentSpec[] = [['AK3', [p.at.tag, String(p.at.setPosition), '', codes.segment]]];
  if (p.at.element !== undefined && codes.element !== undefined) {
    notes.push(['AK4', [String(p.at.element), '', codes.element, (p.at.value ?? '').slice(0, 99)]]);
  }
  return notes;
}

/** AK304 segment syntax error code and AK403 element syntax error code. */
function noteCodes(code: DocumentProblemCode): { segment: string; element?: string } | undefined {
  switch (code) {
    case DocumentProblemCode.X12MissingSegment:
      return { segment: '3' };
    case DocumentProblemCode.X12UnexpectedSegment:
      return { segment: '2' };
    case DocumentProblemCode.X12MissingElement:
      return { segment: '8', element: '1' };
    case DocumentProblemCode.InvalidNumber:
      return { segment: '8', element: '6' };
    case DocumentProblemCode.InvalidDate:
      return { segment: '8', element: '8' };
    case DocumentProblemCode.InvalidCharacters:
      return { segment: '8', element: '6' };
    case DocumentProblemCode.ValueTooLong:
      return { segment: '8', element: '5' };
    case DocumentProblemCode.DuplicateOrder:
    case DocumentProblemCode.DuplicateLine:
    case DocumentProblemCode.X12InvalidCode:
    case DocumentProblemCode.OutOfRange:
    case DocumentProblemCode.X12LineCountMismatch:
      // Syntactically fine values we cannot accept: reported as invalid code values.
      return { segment: '8', element: '7' };
    case DocumentProblemCode.EncodingInvalidUtf8:
    case DocumentProblemCode.EmptyDocument:
    case DocumentProblemCode.UnsupportedFormat:
    case DocumentProblemCode.NoOrders:
    case DocumentProblemCode.NoStockRecords:
    case DocumentProblemCode.DuplicateStockRecord:
    case DocumentProblemCode.CsvInconsistentSnapshot:
    case DocumentProblemCode.XmlSyntax:
    case DocumentProblemCode.XmlDoctypeRefused:
    case DocumentProblemCode.XmlTooDeep:
    case DocumentProblemCode.DocumentTooLarge:
    case DocumentProblemCode.XmlUnexpectedMessage:
    case DocumentProblemCode.BalanceMismatch:
    case DocumentProblemCode.InvalidAmount:
    case DocumentProblemCode.InvalidCode:
    case DocumentProblemCode.DuplicateEntry:
    case DocumentProblemCode.NoEntries:
    case DocumentProblemCode.JsonSyntax:
    case DocumentProblemCode.SchemaViolation:
    case DocumentProblemCode.CsvSyntax:
    case DocumentProblemCode.CsvMissingColumn:
    case DocumentProblemCode.CsvDuplicateColumn:
    case DocumentProblemCode.CsvFieldCount:
    case DocumentProblemCode.CsvInconsistentOrder:
    case DocumentProblemCode.MissingValue:
    case DocumentProblemCode.X12Syntax:
    case DocumentProblemCode.X12MultipleInterchanges:
    case DocumentProblemCode.X12TrailingData:
    case DocumentProblemCode.X12MissingTrailer:
    case DocumentProblemCode.X12ControlNumberMismatch:
    case DocumentProblemCode.X12ControlCountMismatch:
    case DocumentProblemCode.X12DuplicateControlNumber:
    case DocumentProblemCode.X12UnsupportedGroup:
    case DocumentProblemCode.X12UnsupportedTransaction:
    case DocumentProblemCode.JsonDuplicateKey:
    case DocumentProblemCode.JsonTooDeep:
    case DocumentProblemCode.X12UnknownReceiver:
    case DocumentProblemCode.X12UnsupportedVersion:
    case DocumentProblemCode.X12UsageNotAccepted:
    case DocumentProblemCode.X12DuplicateInterchange:
      return undefined;
  }
}

/** AK502 transaction set syntax error code. */
function setErrorCode(p: AnyDocumentProblem): string | undefined {
  if (!isDocumentProblemCode(p.code)) return '5';
  switch (p.code) {
    case DocumentProblemCode.X12UnsupportedTransaction:
      return '1';
    case DocumentProblemCode.X12MissingTrailer:
      return '2';
    case DocumentProblemCode.X12ControlNumberMismatch:
      return '3';
    case DocumentProblemCode.X12ControlCountMismatch:
      return '4';
    case DocumentProblemCode.X12DuplicateControlNumber:
      return '23';
    case DocumentProblemCode.X12MissingSegment:
    case DocumentProblemCode.X12UnexpectedSegment:
    case DocumentProblemCode.X12MissingElement:
    case DocumentProblemCode.X12InvalidCode:
    case DocumentProblemCode.X12LineCountMismatch:
    case DocumentProblemCode.InvalidNumber:
    case DocumentProblemCode.InvalidDate:
    case DocumentProblemCode.OutOfRange:
    case DocumentProblemCode.MissingValue:
    case DocumentProblemCode.X12Syntax:
    case DocumentProblemCode.SchemaViolation:
    case DocumentProblemCode.InvalidCharacters:
    case DocumentProblemCode.ValueTooLong:
    case DocumentProblemCode.DuplicateOrder:
    case DocumentProblemCode.DuplicateLine:
      return '5';
    case DocumentProblemCode.EncodingInvalidUtf8:
    case DocumentProblemCode.EmptyDocument:
    case DocumentProblemCode.UnsupportedFormat:
    case DocumentProblemCode.NoOrders:
    case DocumentProblemCode.NoStockRecords:
    case DocumentProblemCode.DuplicateStockRecord:
    case DocumentProblemCode.CsvInconsistentSnapshot:
    case DocumentProblemCode.XmlSyntax:
    case DocumentProblemCode.XmlDoctypeRefused:
    case DocumentProblemCode.XmlTooDeep:
    case DocumentProblemCode.DocumentTooLarge:
    case DocumentProblemCode.XmlUnexpectedMessage:
    case DocumentProblemCode.BalanceMismatch:
    case DocumentProblemCode.InvalidAmount:
    case DocumentProblemCode.InvalidCode:
    case DocumentProblemCode.DuplicateEntry:
    case DocumentProblemCode.NoEntries:
    case DocumentProblemCode.JsonSyntax:
    case DocumentProblemCode.CsvSyntax:
    case DocumentProblemCode.CsvMissingColumn:
    case DocumentProblemCode.CsvDuplicateColumn:
    case DocumentProblemCode.CsvFieldCount:
    case DocumentProblemCode.CsvInconsistentOrder:
    case DocumentProblemCode.X12MultipleInterchanges:
    case DocumentProblemCode.X12TrailingData:
    case DocumentProblemCode.X12UnsupportedGroup:
    case DocumentProblemCode.JsonDuplicateKey:
    case DocumentProblemCode.JsonTooDeep:
    case DocumentProblemCode.X12UnknownReceiver:
    case DocumentProblemCode.X12UnsupportedVersion:
    case DocumentProblemCode.X12UsageNotAccepted:
    case DocumentProblemCode.X12DuplicateInterchange:
      return undefined;
  }
}

/** AK905 functional group syntax error code. */
function groupErrorCode(p: AnyDocumentProblem): string[] {
  if (!isDocumentProblemCode(p.code)) return [];
  const tag = p.at.kind === 'x12' ? p.at.tag : '';
  switch (p.code) {
    case DocumentProblemCode.X12UnsupportedGroup:
      return ['1'];
    case DocumentProblemCode.X12UnsupportedVersion:
      return ['2'];
    case DocumentProblemCode.X12MissingTrailer:
      return tag === 'GE' ? ['3'] : [];
    case DocumentProblemCode.X12ControlNumberMismatch:
      return tag === 'GE' ? ['4'] : [];
    case DocumentProblemCode.X12ControlCountMismatch:
      return tag === 'GE' ? ['5'] : [];
    case DocumentProblemCode.EncodingInvalidUtf8:
    case DocumentProblemCode.EmptyDocument:
    case DocumentProblemCode.UnsupportedFormat:
    case DocumentProblemCode.NoOrders:
    case DocumentProblemCode.NoStockRecords:
    case DocumentProblemCode.DuplicateStockRecord:
    case DocumentProblemCode.CsvInconsistentSnapshot:
    case DocumentProblemCode.XmlSyntax:
    case DocumentProblemCode.XmlDoctypeRefused:
    case DocumentProblemCode.XmlTooDeep:
    case DocumentProblemCode.DocumentTooLarge:
    case DocumentProblemCode.XmlUnexpectedMessage:
    case DocumentProblemCode.BalanceMismatch:
    case DocumentProblemCode.InvalidAmount:
    case DocumentProblemCode.InvalidCode:
    case DocumentProblemCode.DuplicateEntry:
    case DocumentProblemCode.NoEntries:
    case DocumentProblemCode.JsonSyntax:
    case DocumentProblemCode.SchemaViolation:
    case DocumentProblemCode.CsvSyntax:
    case DocumentProblemCode.CsvMissingColumn:
    case DocumentProblemCode.CsvDuplicateColumn:
    case DocumentProblemCode.CsvFieldCount:
    case DocumentProblemCode.CsvInconsistentOrder:
    case DocumentProblemCode.MissingValue:
    case DocumentProblemCode.InvalidNumber:
    case DocumentProblemCode.InvalidDate:
    case DocumentProblemCode.OutOfRange:
    case DocumentProblemCode.X12Syntax:
    case DocumentProblemCode.X12MultipleInterchanges:
    case DocumentProblemCode.X12TrailingData:
    case DocumentProblemCode.X12DuplicateControlNumber:
    case DocumentProblemCode.X12UnsupportedTransaction:
    case DocumentProblemCode.X12UnexpectedSegment:
    case DocumentProblemCode.X12MissingSegment:
    case DocumentProblemCode.X12MissingElement:
    case DocumentProblemCode.X12InvalidCode:
    case DocumentProblemCode.X12LineCountMismatch:
    case DocumentProblemCode.InvalidCharacters:
    case DocumentProblemCode.ValueTooLong:
    case DocumentProblemCode.JsonDuplicateKey:
    case DocumentProblemCode.JsonTooDeep:
    case DocumentProblemCode.DuplicateOrder:
    case DocumentProblemCode.DuplicateLine:
    case DocumentProblemCode.X12UnknownReceiver:
    case DocumentProblemCode.X12UsageNotAccepted:
    case DocumentProblemCode.X12DuplicateInterchange:
      return [];
  }
}
