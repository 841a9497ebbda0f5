// Shipment traffic for tests, the benchmark and the demo: per shipment, the 3PL's X12 856 (what ships for
// which customer order) and its 214 status messages, and the carrier's JSON tracking webhooks, one event per
// document, with event times that tell the true story whatever order they are sent in. `asIngressDocuments`
// makes of a document the records the gateway would publish (split and claim-checked by the same library).
import { randomUUID } from 'node:crypto';

import type { IngressDocument } from '@tradewind/contracts';
import {
  buildX12ShipNotice,
  CONTENT_TYPES,
  DocumentFormat,
  ShipmentDocumentType,
  splitShipmentDocument,
  ssccOf,
} from '@tradewind/partner-documents';

import type { GatewayDocument } from './partner-traffic';

export const CARRIER_ID = 'swift-parcel';
export const THREE_PL_ID = 'harbor-3pl';
export const SCAC = 'SWFT';

export interface ShipmentDocument extends GatewayDocument {
  documentType: ShipmentDocumentType;
  /** The shipment it is about (`<carrier>/<tracking>/<shipDate>`). */
  shipmentId: string;
}

export interface ShipmentLine {
  readonly sku: string;
  readonly quantity: number;
}

export interface PlannedShipment {
  readonly shipmentId: string;
  readonly shipmentRef: string;
  readonly trackingNumber: string;
  readonly shipDate: string;
  readonly customer: string;
  readonly poNumber: string;
  readonly lines: readonly ShipmentLine[];
  /** The milestone it ends in, when, and how many events and impossible ones its documents carry. */
  readonly expected: {
    readonly milestone: string;
    readonly milestoneAt: number;
    readonly events: number;
    readonly impossible: number;
  };
  readonly documents: readonly ShipmentDocument[];
}

const ENVELOPE = {
  senderQualifier: 'ZZ',
  senderId: 'HARBOR3PL',
  receiverQualifier: 'ZZ',
  receiverId: 'TRADEWIND',
};
let control = Math.floor(Math.random() * 400_000_000) + 100_000_000;

const x12Time = (ms: number): { date: string; time: string } => {
  const iso = new Date(ms).toISOString();
  return { date: iso.slice(0, 10).replace(/-/g, ''), time: iso.slice(11, 13) + iso.slice(14, 16) };
};

/** The 3PL's 856 for one shipment of one customer order. */
export function harborShipNotice(
  plan: Omit<PlannedShipment, 'expected' | 'documents'>,
  shippedAt: number,
): ShipmentDocument {
  const iso = new Date(shippedAt).toISOString();
  const n = ++control;
  const body = buildX12ShipNotice(
    [
      {
        purpose: '00',
        shipmentId: plan.shipmentRef,
        shipDate: plan.shipDate,
        shipTime: iso.slice(11, 19),
        carrier: SCAC,
        trackingNumber: plan.trackingNumber,
        orders: [
          {
            poNumber: plan.poNumber,
            buyer: { qualifier: 'ZZ', code: plan.customer },
            packs: [
              {
                sscc: ssccOf(0, '0614141', n % 1_000_000_000),
                items: plan.lines.map((l, i) => ({
                  lineNumber: String(i + 1),
                  itemIds: [{ qualifier: 'VP', value: l.sku }],
                  quantity: l.quantity,
                  uom: 'EA',
                })),
              },
            ],
          },
        ],
      },
    ],
    {
      ...ENVELOPE,
      interchangeControlNumber: n,
      groupControlNumber: n,
      setControlNumber: 1,
      preparedAt: new Date(shippedAt),
    },
  );
  return {
    partnerId: THREE_PL_ID,
    documentType: ShipmentDocumentType.ShipNotice,
    contentType: 'application/edi-x12',
    body,
    shipmentId: plan.shipmentId,
  };
}

/** The 3PL's 214 with one AT7 status (UT times). */
export function harborStatus(
  plan: Pick<PlannedShipment, 'shipmentId' | 'shipmentRef' | 'trackingNumber' | 'shipDate'>,
  code: string,
  at: number,
): ShipmentDocument {
  const n = ++control;
  const isa13 = String(n).padStart(9, '0');
  const { date, time } = x12Time(at);
  const body = [
    `B10*${plan.trackingNumber}*${plan.shipmentRef}*${SCAC}`,
    `G62*86*${plan.shipDate.replace(/-/g, '')}`,
    'LX*1',
    `AT7*${code}*NS***${date}*${time}*UT`,
  ];
  const segments = [
    `ISA*00*          *00*          *ZZ*HARBOR3PL      *ZZ*TRADEWIND      *${date.slice(2)}*${time}*U*00401*${isa13}*0*P*>`,
    `GS*QM*HARBOR3PL*TRADEWIND*${date}*${time}*${n}*X*004010`,
    'ST*214*0001',
    ...body,
    `SE*${body.length + 2}*0001`,
    `GE*1*${n}`,
    `IEA*1*${isa13}`,
  ];
  return {
    partnerId: THREE_PL_ID,
    documentType: ShipmentDocumentType.ShipmentStatus,
    contentType: 'application/edi-x12',
    body: segments.map((s) => `${s}~\n`).join(''),
    shipmentId: plan.shipmentId,
  };
}

/** The carrier's JSON tracking webhook with one event (a proof of delivery when delivered and asked). */
export function swiftTracking(
  plan: Pick<PlannedShipment, 'shipmentId' | 'shipmentRef' | 'trackingNumber' | 'shipDate'>,
  eventId: string,
  status: string,
  at: number,
  options: { detail?: string; proofOfDelivery?: { signedBy: string; image: Buffer } } = {},
): ShipmentDocument {
  const event = {
    eventId,
    carrier: SCAC,
    trackingNumber: plan.trackingNumber,
    shipDate: plan.shipDate,
    shipmentRef: plan.shipmentRef,
    status,
    ...(options.detail === undefined ? {} : { statusDetail: options.detail }),
    occurredAt: new Date(at).toISOString(),
    ...(options.proofOfDelivery === undefined
      ? {}
      : {
          proofOfDelivery: {
            signedBy: options.proofOfDelivery.signedBy,
            signedAt: new Date(at).toISOString(),
            place: 'front door',
            document: { contentType: 'image/png', data: options.proofOfDelivery.image.toString('base64') },
          },
        }),
  };
  return {
    partnerId: CARRIER_ID,
    documentType: ShipmentDocumentType.TrackingEvent,
    contentType: 'application/json',
    body: JSON.stringify(event),
    shipmentId: plan.shipmentId,
  };
}

const HOUR = 3_600_000;

/**
 * `count` shipments, ten events each: the 856 and a label, pickup, three transit scans, out for delivery,
 * a failed attempt or a late scan, a second round out for delivery and the delivery (with a proof image).
 * Every tenth shipment gets a transit scan after its delivery instead (impossible: a business exception);
 * every fifth ships only part of its order (a backorder remains in Odoo).
 */
export function planShipments(
  count: number,
  options: { tag?: string; customers?: readonly string[]; shipDate?: string } = {},
): PlannedShipment[] {
  const tag = options.tag ?? randomUUID().slice(0, 8).toUpperCase();
  const customers = options.customers ?? ['acme-portal', 'globex-edi'];
  const shipDate = options.shipDate ?? '2026-12-01';
  const day = Date.parse(`${shipDate}T00:00:00Z`);
  const image = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
  return Array.from({ length: count }, (_, i) => {
    const trackingNumber = `${SCAC}${tag}${String(i).padStart(6, '0')}`;
    const base = {
      shipmentId: `${SCAC}/${trackingNumber}/${shipDate}`,
      shipmentRef: `HB-${tag}-${i}`,
      trackingNumber,
      shipDate,
      customer: customers[i % customers.length],
      poNumber: `SHIP-${tag}-${i}`,
      lines:
        i % 5 === 0
          ? [
              { sku: 'SKU-1001', quantity: 1 },
              { sku: 'SKU-1002', quantity: 1 },
            ]
          : [
              { sku: 'SKU-1001', quantity: 1 },
              { sku: 'SKU-1002', quantity: 2 },
            ],
    };
    const at = (hours: number): number => day + (8 + hours) * HOUR + (i % 60) * 1000;
    const ev = (n: number): string => `${tag}-${i}-${n}`;
    const impossible = i % 10 === 0;
    const documents: ShipmentDocument[] = [
      harborShipNotice(base, at(1)),
      swiftTracking(base, ev(1), 'pre_transit', at(0)),
      harborStatus(base, 'AF', at(1.5)),
      harborStatus(base, 'P1', at(4)),
      swiftTracking(base, ev(2), 'in_transit', at(7)),
      harborStatus(base, 'X6', at(12)),
      swiftTracking(base, ev(3), 'out_for_delivery', at(24)),
      i % 3 === 0
        ? swiftTracking(base, ev(4), 'failure', at(27), { detail: 'receiver_absent' })
        : swiftTracking(base, ev(4), 'in_transit', at(23)),
      impossible
        ? swiftTracking(base, ev(5), 'in_transit', at(32))
        : swiftTracking(base, ev(5), 'out_for_delivery', at(29)),
      swiftTracking(base, ev(6), 'delivered', at(31), {
        detail: 'signed_by_receiver',
        proofOfDelivery: { signedBy: `Receiver ${i}`, image },
      }),
    ];
    return {
      ...base,
      expected: {
        milestone: 'delivered',
        milestoneAt: at(31),
        events: documents.length,
        impossible: impossible ? 1 : 0,
      },
      documents,
    };
  });
}

/** The records the gateway publishes for a document (one per event or set), claim check applied. */
export function asIngressDocuments(
  document: GatewayDocument & { documentType: ShipmentDocumentType },
): IngressDocument[] {
  const format =
    document.documentType === ShipmentDocumentType.TrackingEvent ? DocumentFormat.Json : DocumentFormat.X12;
  const split = splitShipmentDocument(document.documentType, format, Buffer.from(document.body, 'utf8'));
  if (!split.ok)
    throw new Error(
      `test traffic does not read: ${JSON.stringify(split.documentProblems.concat(split.slices.flatMap((s) => s.problems)))}`,
    );
  const batchId = randomUUID();
  return split.slices.map((slice) => ({
    documentId: randomUUID(),
    batchId,
    batchIndex: slice.index,
    batchSize: split.slices.length,
    partnerId: document.partnerId,
    principal: `${document.partnerId}-test`,
    documentType: document.documentType,
    format,
    contentType: CONTENT_TYPES[format],
    businessRef: slice.businessRef ?? null,
    interchangeRef: slice.interchangeRef ?? null,
    idempotencyKey: null,
    apiVersion: 'v1',
    receivedAt: Date.now(),
    sha256: 'not-checked-here',
    sizeBytes: slice.bytes.length,
    payload: Buffer.from(slice.bytes),
    claimCheckUri: null,
    correction: null,
  }));
}
