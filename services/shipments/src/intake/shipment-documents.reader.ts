// ingress.documents → what each shipment document says in canonical terms: per shipment, its identity
// (carrier + tracking + ship date), its events with their milestones (the sender's codes mapped by the
// catalog) and, from an 856, the customer orders and quantities it ships.
import { type IngressDocument, ShipmentMilestone } from '@tradewind/contracts';
import type { PartnerCatalog } from '@tradewind/partner-catalog';
import {
  type CarrierEvent,
  readJsonTrackingEvents,
  readX12ShipmentStatus,
  readX12ShipNotices,
  ShipmentDocumentType,
  type ShipNotice,
} from '@tradewind/partner-documents';

import { ShipmentsErrorCode, ShipmentsException } from '../shipments.exception';

export interface ShipmentIdentity {
  readonly carrier: string;
  readonly trackingNumber: string;
  readonly shipDate: string;
}

export function shipmentIdOf(identity: ShipmentIdentity): string {
  return `${identity.carrier}/${identity.trackingNumber}/${identity.shipDate}`;
}

export interface CanonicalEvent {
  readonly eventKey: string;
  readonly sourcePartnerId: string;
  readonly sourceCode: string;
  readonly milestone: ShipmentMilestone;
  readonly eventAt: number;
  readonly statusDetail: string | undefined;
  readonly proofOfDelivery: CarrierEvent['proofOfDelivery'];
}

export interface ShippedOrder {
  /** The customer partner (the 856's N1*BY code is our partner id). */
  readonly partnerId: string;
  readonly poNumber: string;
  /** Units shipped per SKU. */
  readonly lines: readonly { readonly sku: string; readonly quantity: number }[];
}

export interface ShipmentInput {
  readonly identity: ShipmentIdentity;
  readonly shipmentRef: string | undefined;
  readonly events: readonly CanonicalEvent[];
  readonly orders: readonly ShippedOrder[];
  /** The 856 as read, for the X12 notices to EDI customers. */
  readonly notice: ShipNotice | undefined;
}

export function readShipmentDocument(document: IngressDocument, catalog: PartnerCatalog): ShipmentInput[] {
  const payload = document.payload;
  if (payload === null) throw unreadable(document, ['no inline payload']);
  const partner = document.partnerId;
  switch (document.documentType as ShipmentDocumentType) {
    case ShipmentDocumentType.TrackingEvent: {
      const read = readJsonTrackingEvents(payload, 'claim-checked');
      if (!read.ok)
        throw unreadable(
          document,
          read.problems.map((p) => `${p.location}: ${p.message}`),
        );
      return read.records.map((event) => ({
        identity: event,
        shipmentRef: event.shipmentRef,
        events: [canonical(catalog, partner, event)],
        orders: [],
        notice: undefined,
      }));
    }
    case ShipmentDocumentType.ShipmentStatus: {
      const read = readX12ShipmentStatus(payload);
      if (!read.ok)
        throw unreadable(
          document,
          read.problems.map((p) => `${p.location}: ${p.message}`),
        );
      return read.records.map((message) => ({
        identity: message,
        shipmentRef: message.shipmentRef,
        events: message.events.map((event) => canonical(catalog, partner, event)),
        orders: [],
        notice: undefined,
      }));
    }
    case ShipmentDocumentType.ShipNotice: {
      const read = readX12ShipNotices(payload);
      if (!read.ok)
        throw unreadable(
          document,
          read.problems.map((p) => `${p.location}: ${p.message}`),
        );
      return read.records.map((notice) => shipNoticeInput(document, catalog, notice));
    }
    default:
      throw unreadable(document, [`not a shipment document type: ${document.documentType}`]);
  }
}

function canonical(catalog: PartnerCatalog, partnerId: string, event: CarrierEvent): CanonicalEvent {
  return {
    eventKey: `${partnerId}/${event.eventId}`,
    sourcePartnerId: partnerId,
    sourceCode: event.status,
    // The gateway refuses unmapped codes; a record from elsewhere keeps its code, milestone unknown.
    milestone: catalog.milestoneOf(partnerId, event.status) ?? ShipmentMilestone.Unknown,
    eventAt: event.eventTimeMs,
    statusDetail: event.reason,
    proofOfDelivery: event.proofOfDelivery,
  };
}

function shipNoticeInput(
  document: IngressDocument,
  catalog: PartnerCatalog,
  notice: ShipNotice,
): ShipmentInput {
  if (notice.carrier === undefined || notice.trackingNumber === undefined) {
    throw new ShipmentsException(
      ShipmentsErrorCode.UnnamedShipment,
      `ship notice ${notice.shipmentId} from ${document.partnerId} names no carrier (TD503) or tracking number (REF*CN): the shipment cannot be named`,
    );
  }
  const orders = notice.orders.map((order): ShippedOrder => {
    const customer = order.buyer?.code;
    if (customer === undefined || catalog.partner(customer) === undefined) {
      throw new ShipmentsException(
        ShipmentsErrorCode.UnknownCustomer,
        `ship notice ${notice.shipmentId}, order ${order.poNumber}: N1*BY "${customer ?? ''}" is not a partner of the catalog`,
      );
    }
    const units = new Map<string, number>();
    for (const item of [...order.items, ...order.packs.flatMap((p) => p.items)]) {
      const sku = item.itemIds.find((id) => id.qualifier === 'VP')?.value;
      if (sku === undefined || item.uom !== 'EA') {
        throw new ShipmentsException(
          ShipmentsErrorCode.UnmappableItem,
          `ship notice ${notice.shipmentId}, order ${order.poNumber}: item HL ${item.hl} needs our SKU (LIN VP) in eaches (SN103 EA)`,
        );
      }
      units.set(sku, (units.get(sku) ?? 0) + item.quantity);
    }
    return {
      partnerId: customer,
      poNumber: order.poNumber,
      lines: [...units].map(([sku, quantity]) => ({ sku, quantity })),
    };
  });
  const time = notice.shipTime ?? '00:00:00';
  return {
    identity: { carrier: notice.carrier, trackingNumber: notice.trackingNumber, shipDate: notice.shipDate },
    shipmentRef: notice.shipmentId,
    events: [
      {
        eventKey: `${document.partnerId}/856/${notice.shipmentId}`,
        sourcePartnerId: document.partnerId,
        sourceCode: '856',
        milestone: ShipmentMilestone.Shipped,
        eventAt: Date.parse(`${notice.shipDate}T${time}Z`),
        statusDetail: undefined,
        proofOfDelivery: undefined,
      },
    ],
    orders,
    notice,
  };
}

function unreadable(document: IngressDocument, problems: string[]): ShipmentsException {
  return new ShipmentsException(
    ShipmentsErrorCode.UnreadableDocument,
    `${document.documentType} ${document.documentId}: ${problems.slice(0, 5).join('; ')}`,
  );
}
