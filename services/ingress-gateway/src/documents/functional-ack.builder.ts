// The X12 acknowledgements the gateway owes an EDI partner. A 997 for every interchange whose groups it
// can read: each set accepted or rejected on its own (AK5, with AK3/AK4 where the problem is), the group
// A, P or R (AK9). A set is reported accepted only when it was published; when the upload was refused as a
// whole (its envelope, or a whole-document partner) every set is rejected. A TA1 answers an interchange
// refused before its groups are looked at (not addressed to us, a test interchange, a duplicate ISA13).
import {
  type AnyDocumentProblem,
  buildX12FunctionalAck,
  buildX12InterchangeAck,
  type FunctionalAck,
  type FunctionalAckInput,
  functionalAckInput,
  type FunctionalAckSource,
  type InterchangeAck,
  NO_FINDINGS,
  replyEnvelope,
  type X12EnvelopeFindings,
  type X12EnvelopeRef,
  type X12InterchangeRead,
  type X12OutboundEnvelope,
} from '@tradewind/partner-documents';

export const UPLOAD_REJECTED = 'UPLOAD_REJECTED';

export interface OurX12Identity {
  readonly qualifier: string;
  readonly id: string;
  readonly applicationId?: string;
}

export interface FunctionalAckRequest {
  /** The interchange as read (splitDocument or readX12SalesOrders). */
  readonly read: FunctionalAckSource;
  /**
   * True when the sound sets were accepted (published) and only the sets with problems are refused;
   * false when the upload was refused whole.
   */
  readonly accepted: boolean;
  /** What the envelope rules found (GS08 versions reject their group with AK905 2). */
  readonly envelope?: X12EnvelopeFindings;
  /** Why a refusal as a whole happened, when no set problem says it (a duplicate interchange). */
  readonly reason?: AnyDocumentProblem;
  /** Our X12 identity (company.x12): the sender of what we answer. */
  readonly us: OurX12Identity;
  /** ISA13 and GS06 of the 997 (from the gateway's control number sequence). */
  readonly controlNumber: number;
  readonly preparedAt: Date;
}

/** The 997, or undefined when no functional group could be read (there is nothing to acknowledge). */
export function functionalAckFor(request: FunctionalAckRequest): FunctionalAck | undefined {
  const { read } = request;
  const interchange = read.interchange;
  let input: FunctionalAckInput = functionalAckInput(read, request.envelope ?? NO_FINDINGS);
  if (interchange === undefined || input.groups.length === 0) return undefined;
  if (!request.accepted && input.interchangeProblems.length === 0) {
    // Sets without problems of their own are still rejected: the interchange was refused as a whole.
    const whole: AnyDocumentProblem = request.reason ?? {
      code: UPLOAD_REJECTED,
      message: 'The interchange was rejected as a whole because some of its transaction sets have errors.',
      location: 'document',
      at: { kind: 'document' },
    };
    input = { ...input, interchangeProblems: [whole] };
  }
  return buildX12FunctionalAck(
    input,
    replyTo(interchange, request.us, request.controlNumber, request.preparedAt),
  );
}

export interface InterchangeAckRequest {
  readonly interchange: X12InterchangeRead;
  readonly problems: readonly AnyDocumentProblem[];
  readonly us: OurX12Identity;
  /** ISA13 of the TA1. */
  readonly controlNumber: number;
  readonly preparedAt: Date;
}

/** The TA1 answering an interchange as a whole. */
export function interchangeAckFor(request: InterchangeAckRequest): InterchangeAck {
  const { interchange } = request;
  return buildX12InterchangeAck(
    interchange.isa,
    request.problems,
    replyTo(interchange, request.us, request.controlNumber, request.preparedAt),
  );
}

/** Addressed back to the sender, from us (never from whatever receiver the inbound ISA08 named). */
function replyTo(
  interchange: X12InterchangeRead,
  us: OurX12Identity,
  controlNumber: number,
  preparedAt: Date,
): X12OutboundEnvelope {
  const group = interchange.groups[0];
  const inbound: X12EnvelopeRef = {
    senderQualifier: interchange.isa.senderQualifier,
    senderId: interchange.isa.senderId.trim(),
    receiverQualifier: us.qualifier,
    receiverId: us.id,
    interchangeControlNumber: interchange.isa.controlNumber,
    functionalId: group?.functionalId ?? '',
    applicationSenderCode: group?.applicationSenderCode ?? interchange.isa.senderId.trim(),
    applicationReceiverCode: us.applicationId ?? us.id,
    groupControlNumber: group?.controlNumber ?? '',
    version: group?.version ?? '',
    transactionSetId: group?.sets[0]?.transactionSetId ?? '',
    setControlNumber: group?.sets[0]?.controlNumber ?? '',
    usageIndicator: interchange.isa.usageIndicator,
  };
  return replyEnvelope(inbound, {
    interchangeControlNumber: controlNumber,
    groupControlNumber: controlNumber,
    setControlNumber: 1,
    preparedAt,
  });
}
