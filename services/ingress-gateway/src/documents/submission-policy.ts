// Who may submit what, in which format: the document types the gateway can validate, the media types it
// reads, and the catalog's scopes and document permissions. Pure functions: unit-tested without I/O.
import type { PartnerCatalog, PartnerConfig } from '@tradewind/partner-catalog';
import {
  DocumentFormat,
  InvoicingDocumentType,
  PurchasingDocumentType,
  SettlementDocumentType,
  ShipmentDocumentType,
  StockDocumentType,
} from '@tradewind/partner-documents';

import { GatewayErrorCode, GatewayException } from '../gateway.exception';

/** Document types the gateway can validate and split (partner-documents has parsers for these). */
export const SUPPORTED_DOCUMENT_TYPES = [
  'sales-order',
  StockDocumentType.StockEvent,
  StockDocumentType.StockSnapshot,
  StockDocumentType.StockQuantEvent,
  ShipmentDocumentType.TrackingEvent,
  ShipmentDocumentType.ShipmentStatus,
  ShipmentDocumentType.ShipNotice,
  PurchasingDocumentType.PurchaseOrderEvent,
  PurchasingDocumentType.PoAcknowledgement,
  PurchasingDocumentType.FunctionalAck,
  PurchasingDocumentType.SupplierShipNotice,
  SettlementDocumentType.BankStatement,
  SettlementDocumentType.GatewayPayout,
  InvoicingDocumentType.SupplierInvoice,
] as const;
export type SupportedDocumentType = (typeof SUPPORTED_DOCUMENT_TYPES)[number];

/** The media types of the API, one per format. */
export const MEDIA_TYPES: Readonly<Record<string, DocumentFormat>> = Object.freeze({
  'application/json': DocumentFormat.Json,
  'text/csv': DocumentFormat.Csv,
  'application/edi-x12': DocumentFormat.X12,
  // camt.053 bank statements (RFC 7303; text/xml is its older alias).
  'application/xml': DocumentFormat.Xml,
  'text/xml': DocumentFormat.Xml,
});

const UTF8_CHARSETS = new Set(['utf-8', 'utf8', 'us-ascii']);

export interface ParsedMediaType {
  readonly mediaType: string;
  readonly charset: string | undefined;
}

/** `type/subtype; charset=...` (RFC 9110 §8.3.1), lower-cased; undefined when malformed. */
export function parseContentType(header: string | undefined): ParsedMediaType | undefined {
  if (header === undefined) return undefined;
  const [type, ...params] = header.split(';');
  const mediaType = type.trim().toLowerCase();
  if (!/^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/.test(mediaType)) return undefined;
  let charset: string | undefined;
  for (const param of params) {
    const eq = param.indexOf('=');
    if (eq < 0) continue;
    if (param.slice(0, eq).trim().toLowerCase() === 'charset') {
      charset = param
        .slice(eq + 1)
        .trim()
        .replace(/^"(.*)"$/, '$1')
        .toLowerCase();
    }
  }
  return { mediaType, charset };
}

export function isSupportedDocumentType(type: string): type is SupportedDocumentType {
  return (SUPPORTED_DOCUMENT_TYPES as readonly string[]).includes(type);
}

export interface SubmissionDecision {
  readonly documentType: SupportedDocumentType;
  readonly format: DocumentFormat;
  readonly mediaType: string;
}

/**
 * Decides whether `partner` may submit `documentType` with this Content-Type:
 * 404 for a type the gateway does not know, 403 `not-system-of-record` for a type that writes a data domain
 * another party owns (stock on hand: the WMS; settlements: the bank or payment gateway; supplier invoices: the suppliers), 403 without the `documents:submit:<type>` scope, 415 for a
 * media type or charset the gateway cannot read, 403 for a format the catalog does not grant the partner.
 */
export function authorizeSubmission(
  catalog: PartnerCatalog,
  partner: PartnerConfig,
  documentType: string,
  contentType: string | undefined,
): SubmissionDecision {
  if (!isSupportedDocumentType(documentType)) {
    throw new GatewayException(
      GatewayErrorCode.UnknownDocumentType,
      `"${documentType}" is not a document type of this API; known types: ${SUPPORTED_DOCUMENT_TYPES.join(', ')}.`,
      { policy: 'api:document-types' },
    );
  }
  // Before the scope: the catalog never grants such a scope to a non-owner, and the owner is the useful answer.
  const violation = catalog.ownershipViolation(partner.id, documentType);
  if (violation !== undefined) {
    throw new GatewayException(
      GatewayErrorCode.NotSystemOfRecord,
      `Partner ${partner.id} may not send ${documentType}: it changes ${violation.domain}, whose system of record is ${violation.owner}.`,
      {
        policy: `system-of-record:${violation.domain}`,
        extensions: { domain: violation.domain, systemOfRecord: violation.owner },
      },
    );
  }
  const scope = `documents:submit:${documentType}`;
  if (!catalog.hasScope(partner, scope)) {
    throw new GatewayException(
      GatewayErrorCode.ScopeNotGranted,
      `Partner ${partner.id} does not hold the scope ${scope}.`,
      {
        policy: `scope:${scope}`,
      },
    );
  }
  const parsed = parseContentType(contentType);
  const accepted = Object.keys(MEDIA_TYPES).join(', ');
  if (parsed === undefined) {
    throw new GatewayException(
      GatewayErrorCode.UnsupportedMediaType,
      `Content-Type ${contentType === undefined ? 'is missing' : `"${contentType}" is malformed`}; send one of ${accepted}.`,
      { policy: 'api:media-types', extensions: { accepted: Object.keys(MEDIA_TYPES) } },
    );
  }
  const format = MEDIA_TYPES[parsed.mediaType];
  if (format === undefined) {
    // text/plain would need a catalog permission per partner, which the catalog cannot express yet.
    throw new GatewayException(
      GatewayErrorCode.UnsupportedMediaType,
      `Content-Type ${parsed.mediaType} is not accepted; send one of ${accepted}.`,
      { policy: 'api:media-types', extensions: { accepted: Object.keys(MEDIA_TYPES) } },
    );
  }
  if (parsed.charset !== undefined && !UTF8_CHARSETS.has(parsed.charset)) {
    throw new GatewayException(
      GatewayErrorCode.UnsupportedMediaType,
      `charset=${parsed.charset} is not accepted; documents are UTF-8 (charset=utf-8, or no charset).`,
      { policy: 'api:charset' },
    );
  }
  if (!catalog.allowsDocument(partner.id, documentType, 'inbound', format)) {
    const type: string = documentType;
    const granted = partner.documents
      .filter((d) => d.type === type && d.direction === 'inbound')
      .flatMap((d) => d.formats);
    throw new GatewayException(
      GatewayErrorCode.FormatNotPermitted,
      `Partner ${partner.id} may send ${documentType} as ${granted.join(', ') || 'no format'}, not ${format}.`,
      { policy: `partners:${partner.id}:documents:${documentType}:formats` },
    );
  }
  return { documentType, format, mediaType: parsed.mediaType };
}

/** Reading transactions: only with `transactions:read:own`, and only one's own (checked by the caller). */
export function authorizeRead(catalog: PartnerCatalog, partner: PartnerConfig): void {
  const scope = 'transactions:read:own';
  if (!catalog.hasScope(partner, scope)) {
    throw new GatewayException(
      GatewayErrorCode.ScopeNotGranted,
      `Partner ${partner.id} does not hold the scope ${scope}.`,
      {
        policy: `scope:${scope}`,
      },
    );
  }
}
