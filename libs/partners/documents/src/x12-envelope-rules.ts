// Envelope governance: an interchange that reads well can still be one we must not process — addressed to
// someone else (ISA07/ISA08, or a group's GS03), in a GS08 version the partner's agreement does not cover, or a test
// interchange (ISA15 T) sent where production orders are taken. The rules come from the partner catalog
// and the deployment; the findings feed the TA1 (interchange) and the 997 (groups).
import { type DocumentProblem, DocumentProblemCode, problem } from './document-problem';
import type { X12InterchangeRead } from './x12-interchange.reader';

export interface X12EnvelopeRules {
  /**
   * Us: the ISA07/ISA08 every interchange must be addressed to, and the GS03 (application receiver's
   * code) of every group: `applicationId`, default the ISA id.
   */
  readonly receiver: { readonly qualifier: string; readonly id: string; readonly applicationId?: string };
  /** GS08 versions the partner may send. */
  readonly versions: readonly string[];
  /** ISA15 this deployment takes: P (production) or T (a sandbox). */
  readonly usage: 'P' | 'T';
}

export interface X12EnvelopeFindings {
  /** Problems of the interchange as a whole (answered with a TA1). */
  readonly interchange: readonly DocumentProblem[];
  /** Problems of a functional group, by its position in the interchange (answered in the 997's AK9). */
  readonly groups: ReadonlyMap<number, readonly DocumentProblem[]>;
}

export const NO_FINDINGS: X12EnvelopeFindings = Object.freeze({ interchange: [], groups: new Map() });

/** True when the findings forbid processing any order of the interchange. */
export function hasEnvelopeFindings(findings: X12EnvelopeFindings): boolean {
  return findings.interchange.length > 0 || [...findings.groups.values()].some((p) => p.length > 0);
}

/** Checks an interchange's envelope against the rules; empty findings when it may be processed. */
export function checkX12Envelope(read: X12InterchangeRead, rules: X12EnvelopeRules): X12EnvelopeFindings {
  const { isa } = read;
  const interchange: DocumentProblem[] = [];
  if (isa.receiverQualifier !== rules.receiver.qualifier || isa.receiverId !== rules.receiver.id) {
    interchange.push(
      problem(
        DocumentProblemCode.X12UnknownReceiver,
        `The interchange is addressed to ${isa.receiverQualifier}/${isa.receiverId}; interchanges for us go to ${rules.receiver.qualifier}/${rules.receiver.id}.`,
        { kind: 'x12', segment: 1, tag: 'ISA', element: 8, value: isa.receiverId },
      ),
    );
  }
  if (isa.usageIndicator !== rules.usage) {
    interchange.push(
      problem(
        DocumentProblemCode.X12UsageNotAccepted,
        rules.usage === 'P'
          ? 'This is a test interchange (ISA15 T) and this endpoint takes production orders only; send test interchanges to your sandbox.'
          : `This endpoint is a sandbox and takes test interchanges (ISA15 T) only, not "${isa.usageIndicator}".`,
        { kind: 'x12', segment: 1, tag: 'ISA', element: 15, value: isa.usageIndicator },
      ),
    );
  }
  const groups = new Map<number, DocumentProblem[]>();
  const application = rules.receiver.applicationId ?? rules.receiver.id;
  read.groups.forEach((group, index) => {
    const found: DocumentProblem[] = [];
    if (group.applicationReceiverCode !== application) {
      found.push(
        problem(
          DocumentProblemCode.X12UnknownReceiver,
          `Functional group ${group.controlNumber} is addressed to application ${group.applicationReceiverCode || '(none)'}; groups for us go to ${application} (GS03).`,
          {
            kind: 'x12',
            segment: group.header.ordinal,
            tag: 'GS',
            element: 3,
            byteOffset: group.header.elementByteOffsets[2] ?? group.header.byteOffset,
            value: group.applicationReceiverCode,
          },
        ),
      );
    }
    if (found.length > 0) groups.set(index, found);
    if (rules.versions.includes(group.version)) return;
    groups.set(index, [
      ...found,
      problem(
        DocumentProblemCode.X12UnsupportedVersion,
        `Functional group ${group.controlNumber} is version ${group.version || '(none)'}; your agreement covers ${rules.versions.join(', ')}.`,
        {
          kind: 'x12',
          segment: group.header.ordinal,
          tag: 'GS',
          element: 8,
          byteOffset: group.header.elementByteOffsets[7] ?? group.header.byteOffset,
          value: group.version,
        },
      ),
    ]);
  });
  return { interchange, groups };
}

/** The finding for an ISA13 already received from the partner within its window. */
export function duplicateInterchangeProblem(
  read: X12InterchangeRead,
  firstReceivedAt: Date,
): DocumentProblem {
  return problem(
    DocumentProblemCode.X12DuplicateInterchange,
    `Interchange control number ${read.isa.controlNumber} was already received on ${firstReceivedAt.toISOString()}; it is not processed again. Send new orders in an interchange with a new ISA13.`,
    { kind: 'x12', segment: 1, tag: 'ISA', element: 13, value: read.isa.controlNumber },
  );
}
