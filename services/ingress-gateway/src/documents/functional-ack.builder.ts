// The X12 997 the gateway owes an EDI partner for every interchange it can read: accepted when every set
// was accepted, rejected (with AK3/AK4 for what is located) otherwise. The gateway accepts an upload
// whole or not at all, so when any set is bad every group is rejected — the 997 never claims a set was
// taken that was not published.
import {
  type AnyDocumentProblem,
  buildX12FunctionalAck,
  type FunctionalAck,
  type FunctionalAckInput,
  functionalAckInput,
  replyEnvelope,
  type X12EnvelopeRef,
  type X12ReadResult,
} from '@tradewind/partner-documents';

export const UPLOAD_REJECTED = 'UPLOAD_REJECTED';

export interface FunctionalAckRequest {
  readonly read: X12ReadResult;
  /** True when the upload was accepted (every set published). */
  readonly accepted: boolean;
  /** ISA13 and GS06 of the 997 (from the gateway's control number sequence). */
  readonly controlNumber: number;
  readonly preparedAt: Date;
}

/** The 997, or undefined when no functional group could be read (there is nothing to acknowledge). */
export function functionalAckFor(request: FunctionalAckRequest): FunctionalAck | undefined {
  const { read } = request;
  const interchange = read.interchange;
  let input: FunctionalAckInput = functionalAckInput(read);
  if (interchange === undefined || input.groups.length === 0) return undefined;
  if (!request.accepted && input.interchangeProblems.length === 0) {
    // Sets without problems of their own are still rejected: the interchange was refused as a whole.
    const whole: AnyDocumentProblem = {
      code: UPLOAD_REJECTED,
      message: 'The interchange was rejected as a whole because some of its transaction sets have errors.',
      location: 'document',
      at: { kind: 'document' },
    };
    input = { ...input, interchangeProblems: [whole] };
  }
  const group = interchange.groups[0];
  const inbound: X12EnvelopeRef = {
    senderQualifier: interchange.isa.senderQualifier,
    senderId: interchange.isa.senderId.trim(),
    receiverQualifier: interchange.isa.receiverQualifier,
    receiverId: interchange.isa.receiverId.trim(),
    interchangeControlNumber: interchange.isa.controlNumber,
    functionalId: group.functionalId,
    applicationSenderCode: group.applicationSenderCode,
    applicationReceiverCode: group.applicationReceiverCode,
    groupControlNumber: group.controlNumber,
    version: group.version,
    transactionSetId: group.sets[0]?.transactionSetId ?? '',
    setControlNumber: group.sets[0]?.controlNumber ?? '',
    usageIndicator: interchange.isa.usageIndicator,
  };
  return buildX12FunctionalAck(
    input,
    replyEnvelope(inbound, {
      interchangeControlNumber: request.controlNumber,
      groupControlNumber: request.controlNumber,
      setControlNumber: 1,
      preparedAt: request.preparedAt,
    }),
  );
}
