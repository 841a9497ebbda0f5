// The shapes carriers' and 3PLs' shipment documents are read into, whatever their format: a carrier event
// (JSON tracking webhook, X12 214 shipment status: one status of one shipment at one time) and a ship notice
// (X12 856: what left the warehouse, x12-856.ts). A shipment is named by carrier + tracking number + ship
// date in every one of them: carriers recycle tracking numbers, so the number alone names no shipment.
import { createHash } from 'node:crypto';

import type { ProblemLocation } from './document-problem';

/** The shipment document types of the API (`POST /v1/documents/<type>`, `documentType` on ingress.documents). */
export enum ShipmentDocumentType {
  /** A carrier's JSON tracking webhook (one event or `{ "events": [...] }`). */
  TrackingEvent = 'tracking-event',
  /** An X12 214 transportation carrier shipment status message. */
  ShipmentStatus = 'shipment-status',
  /** An X12 856 ship notice. */
  ShipNotice = 'ship-notice',
}

const SHIPMENT_DOCUMENT_TYPES: ReadonlySet<string> = new Set(Object.values(ShipmentDocumentType));

export function isShipmentDocumentType(type: string): type is ShipmentDocumentType {
  return SHIPMENT_DOCUMENT_TYPES.has(type);
}

/** The carrier statuses of the JSON tracking webhook. */
export const TRACKING_STATUSES = Object.freeze([
  'pre_transit',
  'in_transit',
  'out_for_delivery',
  'delivered',
  'available_for_pickup',
  'return_to_sender',
  'failure',
  'cancelled',
] as const);
export type TrackingStatus = (typeof TRACKING_STATUSES)[number];

export const SHIPMENT_LIMITS = Object.freeze({
  eventsPerDocument: 1_000,
  idLength: 64,
  carrierLength: 16,
  trackingLength: 40,
  codeLength: 40,
  textLength: 200,
  /** A proof-of-delivery document (signature image, PDF), decoded. */
  maxProofBytes: 2 * 1024 * 1024,
  proofContentTypes: [
    'image/png',
    'image/jpeg',
    'image/gif',
    'image/webp',
    'application/pdf',
  ] as readonly string[],
});

/** Who signed for a delivery, when and where, and the image or document the carrier keeps of it. */
export interface ProofOfDelivery {
  readonly signedBy: string;
  readonly signedAt: string;
  readonly signedAtMs: number;
  readonly place?: string;
  /** The document's bytes are not in the record (claim check): its hash, size and type are. */
  readonly document?: { readonly contentType: string; readonly sha256: string; readonly sizeBytes: number };
}

/** The bytes of a proof-of-delivery document, kept by the platform apart from the record that names them. */
export interface ProofAttachment {
  readonly sha256: string;
  readonly contentType: string;
  readonly bytes: Uint8Array;
}

/** One status of one shipment at one time, from a carrier or a 3PL, as sent (codes not yet mapped). */
export interface CarrierEvent {
  /** The sender's id of the event when it has one, else a digest of what the event says (`businessRef`). */
  readonly eventId: string;
  /** Carrier code (SCAC). */
  readonly carrier: string;
  readonly trackingNumber: string;
  /** YYYY-MM-DD: with carrier and tracking number, names the shipment. */
  readonly shipDate: string;
  /** The shipper's shipment id (856 BSN02, 214 B1002) when sent. */
  readonly shipmentRef?: string;
  /** The sender's status code (a JSON status, an AT701 code): mapped to a milestone by the catalog. */
  readonly status: string;
  /** Status detail / AT702 reason code. */
  readonly reason?: string;
  /** RFC 3339 with offset (214 times normalised from their time code). */
  readonly eventTime: string;
  readonly eventTimeMs: number;
  readonly location?: { readonly city?: string; readonly region?: string; readonly country?: string };
  readonly proofOfDelivery?: ProofOfDelivery;
  readonly at: ProblemLocation;
}

/** Hex SHA-256 of bytes (a proof document's claim-check id). */
export function sha256Of(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** A stable event id for senders that give none: the same status of the same shipment at the same time. */
export function digestEventId(parts: readonly string[]): string {
  return `d-${createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32)}`;
}
