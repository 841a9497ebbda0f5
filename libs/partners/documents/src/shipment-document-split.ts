// Shipment uploads split like order and stock uploads (document-split.ts), so the gateway accepts them the
// same way: a tracking webhook gives one slice per event (its proof document apart, as an attachment), an
// X12 214 or 856 one slice per transaction set, re-enveloped, with the interchange kept for the 997.
import { CONTENT_TYPES, DocumentFormat } from './document-format';
import { DocumentProblemCode, problem } from './document-problem';
import type { DocumentSlice, DocumentSplit } from './document-split';
import { readJsonTrackingEvents } from './json-tracking-event.parser';
import { type CarrierEvent, type ProofAttachment, ShipmentDocumentType } from './shipment-document';
import { readX12ShipmentStatus } from './x12-214';
import { readX12ShipNotices } from './x12-856';
import type { X12InterchangeRead } from './x12-interchange.reader';
import type { X12SetEntry } from './x12-transaction-sets';

/** The format each shipment document type is read in. */
export const SHIPMENT_DOCUMENT_FORMATS: Readonly<Record<ShipmentDocumentType, DocumentFormat>> =
  Object.freeze({
    [ShipmentDocumentType.TrackingEvent]: DocumentFormat.Json,
    [ShipmentDocumentType.ShipmentStatus]: DocumentFormat.X12,
    [ShipmentDocumentType.ShipNotice]: DocumentFormat.X12,
  });

export interface ShipmentDocumentSplit extends DocumentSplit {
  readonly documentType: ShipmentDocumentType;
  /** Per slice: the proof-of-delivery document to keep in the platform's store before the record travels. */
  readonly attachments: readonly (ProofAttachment | undefined)[];
  /** Per slice: the status events it carries as read (none for a ship notice, or a refused slice). */
  readonly events: readonly (readonly CarrierEvent[])[];
  /** X12 only: the parse as the 997 acknowledges it (entries with their problems) and the envelope. */
  readonly x12:
    | {
        readonly parsed: {
          readonly documentProblems: DocumentSplit['documentProblems'];
          readonly entries: readonly Pick<X12SetEntry<unknown>, 'problems'>[];
        };
        readonly interchange: X12InterchangeRead;
      }
    | undefined;
}

/** Validates a shipment upload and splits it into slices; never throws for bad partner input. */
export function splitShipmentDocument(
  documentType: ShipmentDocumentType,
  format: DocumentFormat,
  bytes: Uint8Array,
): ShipmentDocumentSplit {
  const expected = SHIPMENT_DOCUMENT_FORMATS[documentType];
  if (format !== expected) {
    const unsupported = problem(
      DocumentProblemCode.UnsupportedFormat,
      `A ${documentType} is read as ${expected}, not ${format}.`,
      { kind: 'document' },
    );
    return Object.freeze({
      documentType,
      format,
      ok: false,
      slices: [],
      documentProblems: [unsupported],
      attachments: [],
      events: [],
      x12: undefined,
    });
  }
  if (documentType === ShipmentDocumentType.TrackingEvent) {
    const read = readJsonTrackingEvents(bytes);
    return Object.freeze({
      documentType,
      format,
      ok: read.ok,
      documentProblems: read.documentProblems,
      slices: read.entries.map((entry, i) => slice(entry, read.slices[i], format, undefined)),
      attachments: read.attachments,
      events: read.entries.map((e) => (e.record === undefined ? [] : [e.record])),
      x12: undefined,
    });
  }
  const status = documentType === ShipmentDocumentType.ShipNotice ? undefined : readX12ShipmentStatus(bytes);
  const read = status ?? readX12ShipNotices(bytes);
  return Object.freeze({
    documentType,
    format,
    ok: read.ok,
    documentProblems: read.documentProblems,
    slices: read.entries.map((entry, i) => slice(entry, read.slices[i], format, read.interchangeRefs[i])),
    attachments: read.entries.map(() => undefined),
    events: read.entries.map((_, i) => status?.entries[i]?.record?.events ?? []),
    x12: read.interchange === undefined ? undefined : { parsed: read, interchange: read.interchange },
  });
}

function slice(
  entry: { index: number; businessRef: string | undefined; problems: DocumentSlice['problems'] },
  bytes: Uint8Array | undefined,
  format: DocumentFormat,
  interchangeRef: string | undefined,
): DocumentSlice {
  return Object.freeze({
    index: entry.index,
    businessRef: entry.businessRef,
    bytes: bytes ?? new Uint8Array(),
    contentType: CONTENT_TYPES[format],
    interchangeRef,
    problems: entry.problems,
  });
}
