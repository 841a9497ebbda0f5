// X12 TA1 interchange acknowledgement: ISA, one TA1, IEA (no functional group). It answers an interchange
// as a whole — refused before any group is looked at (not addressed to us, a test interchange in
// production, a duplicate ISA13). node-x12's generator cannot write an interchange without a group, so
// the three segments are written here from the same ISA elements as every other interchange we send.
import { type AnyDocumentProblem, DocumentProblemCode, isDocumentProblemCode } from './document-problem';
import { PartnerDocumentsErrorCode, PartnerDocumentsException } from './partner-documents.exception';
import { clean, DEFAULT_X12_DELIMITERS, isaElements, type X12OutboundEnvelope } from './x12-envelope';
import type { X12InterchangeHeader } from './x12-interchange.reader';

/** TA104 interchange acknowledgment code. */
export enum InterchangeAckCode {
  Accepted = 'A',
  AcceptedWithErrors = 'E',
  Rejected = 'R',
}

export interface InterchangeAck {
  readonly edi: string;
  readonly code: InterchangeAckCode;
  /** TA105 interchange note code (000 when there is no error). */
  readonly note: string;
}

/**
 * The TA1 answering an inbound interchange: accepted with no problems, rejected with the TA105 note of the
 * first problem (TA1 carries one note).
 */
export function buildX12InterchangeAck(
  inbound: Pick<X12InterchangeHeader, 'controlNumber' | 'date' | 'time'>,
  problems: readonly AnyDocumentProblem[],
  envelope: X12OutboundEnvelope,
): InterchangeAck {
  if (!/^\d{9}$/.test(inbound.controlNumber)) {
    throw new PartnerDocumentsException(
      PartnerDocumentsErrorCode.InvalidArgument,
      `A TA1 answers an interchange by its 9-digit ISA13; got "${inbound.controlNumber}"`,
    );
  }
  const d = envelope.delimiters ?? DEFAULT_X12_DELIMITERS;
  const code = problems.length === 0 ? InterchangeAckCode.Accepted : InterchangeAckCode.Rejected;
  const note = problems.length === 0 ? '000' : interchangeNoteCode(problems[0]);
  const { elements } = isaElements(envelope);
  const control = elements[12];
  const segments = [
    ['ISA', ...elements],
    ['TA1', inbound.controlNumber, clean(inbound.date, d), clean(inbound.time, d), code, note],
    ['IEA', '0', control],
  ];
  const edi = segments.map((s) => `${s.join(d.element)}${d.segment}${d.endOfLine}`).join('');
  return { edi, code, note };
}

/** TA105 for a problem of the interchange (022, invalid control structure, for anything unnamed). */
export function interchangeNoteCode(p: AnyDocumentProblem): string {
  // A business code (not a DocumentProblemCode) never concerns the envelope.
  if (!isDocumentProblemCode(p.code)) return '022';
  switch (p.code) {
    case DocumentProblemCode.X12UnknownReceiver:
      return '009';
    case DocumentProblemCode.X12UsageNotAccepted:
      return '020';
    case DocumentProblemCode.X12DuplicateInterchange:
      return '025';
    case DocumentProblemCode.X12MissingTrailer:
    case DocumentProblemCode.X12TrailingData:
      return '023';
    case DocumentProblemCode.X12UnsupportedGroup:
    case DocumentProblemCode.X12UnsupportedVersion:
      return '024';
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
    case DocumentProblemCode.X12ControlNumberMismatch:
    case DocumentProblemCode.X12ControlCountMismatch:
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
      return '022';
  }
}
