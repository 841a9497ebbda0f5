// Outbound X12 interchanges built with node-x12's generator (JS EDI notation → X12Generator, which
// re-parses its own output strictly before serializing). Control numbers and the timestamp are inputs,
// so the same acknowledgement always serializes to the same bytes.
import { JSEDINotation, X12Generator } from 'node-x12';

import { PartnerDocumentsErrorCode, PartnerDocumentsException } from './partner-documents.exception';
import type { X12EnvelopeRef } from './partner-sales-order';

export interface X12OutboundDelimiters {
  readonly element: string;
  readonly segment: string;
  readonly subElement: string;
  /** Written after each segment terminator; '' for one long line. */
  readonly endOfLine: string;
}

export const DEFAULT_X12_DELIMITERS: X12OutboundDelimiters = Object.freeze({
  element: '*',
  segment: '~',
  subElement: '>',
  endOfLine: '\n',
});

export interface X12OutboundEnvelope {
  /** Us: ISA05/ISA06. */
  readonly senderQualifier: string;
  readonly senderId: string;
  /** The partner: ISA07/ISA08. */
  readonly receiverQualifier: string;
  readonly receiverId: string;
  /** GS02/GS03; default to the ISA ids. */
  readonly applicationSenderCode?: string;
  readonly applicationReceiverCode?: string;
  /** ISA13, 1..999999999. */
  readonly interchangeControlNumber: number;
  /** GS06, 1..999999999. */
  readonly groupControlNumber: number;
  /** ST02 of the first set; further sets count up from it. */
  readonly setControlNumber: number;
  /** ISA09/ISA10 and GS04/GS05, written in UTC. */
  readonly preparedAt: Date;
  /** ISA15: P production, T test. Default P. */
  readonly usageIndicator?: 'P' | 'T';
  /** GS08. Default 004010. */
  readonly version?: string;
  readonly delimiters?: X12OutboundDelimiters;
}

export type X12Controls = Pick<
  X12OutboundEnvelope,
  'interchangeControlNumber' | 'groupControlNumber' | 'setControlNumber' | 'preparedAt'
>;

/** The envelope of a reply: sender and receiver of the inbound interchange swapped. */
export function replyEnvelope(inbound: X12EnvelopeRef, controls: X12Controls): X12OutboundEnvelope {
  return {
    senderQualifier: inbound.receiverQualifier,
    senderId: inbound.receiverId,
    receiverQualifier: inbound.senderQualifier,
    receiverId: inbound.senderId,
    applicationSenderCode: inbound.applicationReceiverCode,
    applicationReceiverCode: inbound.applicationSenderCode,
    usageIndicator: inbound.usageIndicator === 'T' ? 'T' : 'P',
    version: inbound.version || '004010',
    ...controls,
  };
}

export type X12SegmentSpec = readonly [tag: string, elements: readonly string[]];

export interface X12SetSpec {
  readonly transactionSetId: string;
  readonly segments: readonly X12SegmentSpec[];
}

/** Serializes one interchange with one functional group holding `sets`. */
export function writeInterchange(
  envelope: X12OutboundEnvelope,
  functionalId: string,
  sets: readonly X12SetSpec[],
): string {
  const d = envelope.delimiters ?? DEFAULT_X12_DELIMITERS;
  checkControl('groupControlNumber', envelope.groupControlNumber);
  checkControl('setControlNumber', envelope.setControlNumber + Math.max(sets.length - 1, 0));
  const { elements: isa, date8, time4 } = isaElements(envelope);
  const jsen = new JSEDINotation(isa, {
    elementDelimiter: d.element,
    segmentTerminator: d.segment,
    subElementDelimiter: d.subElement,
    endOfLine: d.endOfLine,
    format: d.endOfLine !== '',
  });
  const group = jsen.addFunctionalGroup([
    functionalId,
    envelope.applicationSenderCode ?? envelope.senderId,
    envelope.applicationReceiverCode ?? envelope.receiverId,
    date8,
    time4,
    String(envelope.groupControlNumber),
    'X',
    envelope.version ?? '004010',
  ]);
  sets.forEach((set, i) => {
    const transaction = group.addTransaction([
      set.transactionSetId,
      String(envelope.setControlNumber + i).padStart(4, '0'),
    ]);
    for (const [tag, elements] of set.segments)
      transaction.addSegment(tag, trimTrailingEmpty(elements.map((e) => clean(e, d))));
  });
  try {
    // node-x12 writes the end-of-line between segments only; end the last one the same way.
    return new X12Generator(jsen).toString() + d.endOfLine;
  } catch (error) {
    throw new PartnerDocumentsException(
      PartnerDocumentsErrorCode.GeneratorFailed,
      `node-x12 rejected the ${functionalId} interchange it was asked to generate`,
      { cause: error },
    );
  }
}

/** ISA01..ISA16 of an outbound interchange, checked, and the date and time it carries. */
export function isaElements(envelope: X12OutboundEnvelope): {
  elements: string[];
  date8: string;
  time4: string;
} {
  const d = envelope.delimiters ?? DEFAULT_X12_DELIMITERS;
  checkControl('interchangeControlNumber', envelope.interchangeControlNumber);
  for (const [name, id] of [
    ['senderId', envelope.senderId],
    ['receiverId', envelope.receiverId],
  ] as const) {
    if (id === '' || id.length > 15) {
      throw new PartnerDocumentsException(
        PartnerDocumentsErrorCode.InvalidArgument,
        `${name} must be 1-15 characters: "${id}"`,
      );
    }
  }
  const at = envelope.preparedAt.toISOString();
  const date8 = `${at.slice(0, 4)}${at.slice(5, 7)}${at.slice(8, 10)}`;
  const time4 = `${at.slice(11, 13)}${at.slice(14, 16)}`;
  const elements = [
    '00',
    ' '.repeat(10),
    '00',
    ' '.repeat(10),
    envelope.senderQualifier.padEnd(2),
    envelope.senderId.padEnd(15),
    envelope.receiverQualifier.padEnd(2),
    envelope.receiverId.padEnd(15),
    date8.slice(2),
    time4,
    'U',
    '00401',
    String(envelope.interchangeControlNumber).padStart(9, '0'),
    '0',
    envelope.usageIndicator ?? 'P',
    d.subElement,
  ];
  return { elements, date8, time4 };
}

function checkControl(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1 || value > 999_999_999) {
    throw new PartnerDocumentsException(
      PartnerDocumentsErrorCode.InvalidArgument,
      `${name} must be 1..999999999, got ${value}`,
    );
  }
}

/** Free text must not contain the delimiters or control characters; X12 has no escaping. */
export function clean(value: string, d: X12OutboundDelimiters): string {
  let out = '';
  for (const ch of value) {
    const code = ch.codePointAt(0) ?? 0;
    out +=
      code < 0x20 || code === 0x7f || ch === d.element || ch === d.segment || ch === d.subElement ? ' ' : ch;
  }
  return out.trim();
}

/** X12 omits trailing empty elements (AK3*PO1*5**8 keeps the inner empty one). */
function trimTrailingEmpty(elements: string[]): string[] {
  let end = elements.length;
  while (end > 1 && elements[end - 1] === '') end--;
  return elements.slice(0, end);
}

/** X12 CCYYMMDD from an ISO date (YYYY-MM-DD). */
export function isoToX12Date(iso: string): string {
  return iso.replace(/-/g, '').slice(0, 8);
}

/** Plain decimal text for X12 numeric elements (no exponent, no trailing zeros). */
export function x12Number(value: number): string {
  if (!Number.isFinite(value)) {
    throw new PartnerDocumentsException(
      PartnerDocumentsErrorCode.InvalidArgument,
      `not a finite number: ${value}`,
    );
  }
  return String(Number(value.toFixed(6)));
}
