// The catalog's shipment sections: how a carrier's or 3PL's status codes map to the canonical milestones
// (`milestones`), and which milestones a customer is told about, in which format (`shipmentNotices`).
// Pure: no I/O, no clock.
import { ShipmentMilestone } from '@tradewind/contracts';
import { ShipmentDocumentType } from '@tradewind/partner-documents';

import type { PartnerConfig } from './catalog.types';

/** A carrier's or 3PL's status codes (JSON statuses, X12 AT701 codes) → canonical milestones. */
export interface MilestoneMapping {
  readonly codes: Readonly<Record<string, ShipmentMilestone>>;
}

/** A customer's notices: the milestones it hears about; `x12` customers get an 856 when goods ship. */
export interface ShipmentNoticeSubscription {
  readonly milestones: readonly ShipmentMilestone[];
  readonly format: 'json' | 'x12';
}

/** The outbound document types of shipment notices (partners.outbound `documentType`). */
export const SHIPMENT_NOTICE_DOCUMENT_TYPE = 'shipment-notice';

/** Milestone symbols a catalog may name (every canonical one but `unknown`). */
export const MAPPABLE_MILESTONES: readonly ShipmentMilestone[] = Object.values(ShipmentMilestone).filter(
  (m) => m !== ShipmentMilestone.Unknown,
);

export const MILESTONE_MAPPING_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['codes'],
  properties: {
    codes: {
      type: 'object',
      minProperties: 1,
      propertyNames: { pattern: '^[A-Za-z0-9_]{1,40}$' },
      additionalProperties: { enum: MAPPABLE_MILESTONES },
    },
  },
} as const;

export const SHIPMENT_NOTICES_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['milestones', 'format'],
  properties: {
    milestones: { type: 'array', minItems: 1, uniqueItems: true, items: { enum: MAPPABLE_MILESTONES } },
    format: { enum: ['json', 'x12'] },
  },
} as const;

/** Problems of a partner's shipment sections: [message, JSON pointer below the partner]. */
export function shipmentConfigProblems(partner: PartnerConfig): [string, string][] {
  const problems: [string, string][] = [];
  const statusTypes: readonly string[] = [
    ShipmentDocumentType.TrackingEvent,
    ShipmentDocumentType.ShipmentStatus,
  ];
  const reports = partner.documents.some((d) => d.direction === 'inbound' && statusTypes.includes(d.type));
  if (reports && partner.milestones === undefined) {
    problems.push([`Partner ${partner.id} sends shipment status events and needs a milestones mapping.`, '']);
  }
  const notices = partner.shipmentNotices;
  const outbound = partner.documents.some(
    (d) => d.type === SHIPMENT_NOTICE_DOCUMENT_TYPE && d.direction === 'outbound',
  );
  if (notices !== undefined && !outbound) {
    problems.push([
      `Partner ${partner.id} subscribes to shipment notices but has no documents entry { type: ${SHIPMENT_NOTICE_DOCUMENT_TYPE}, direction: outbound }.`,
      '/shipmentNotices',
    ]);
  }
  if (notices?.format === 'x12') {
    if (partner.x12 === undefined)
      problems.push([
        `Partner ${partner.id} gets X12 notices and needs an x12 identity.`,
        '/shipmentNotices/format',
      ]);
    notices.milestones.forEach((m, i) => {
      if (m !== ShipmentMilestone.Shipped)
        problems.push([
          `An X12 customer is told by an 856 ship notice, which says ${ShipmentMilestone.Shipped} only, not ${m}.`,
          `/shipmentNotices/milestones/${i}`,
        ]);
    });
  }
  return problems;
}
