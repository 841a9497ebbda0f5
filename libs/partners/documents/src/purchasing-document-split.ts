// Purchasing uploads split like order uploads (document-split.ts), so the gateway accepts them the same way:
// Odoo's purchase-order event (JSON: the `_model` and `_id` base_automation's webhook sends), a supplier's
// purchase order acknowledgement (X12 855 or JSON), its 997 for our 850/860 and its 856 ship notice. One slice per upload: its
// documents answer one interchange or one order, and the service applies them together.
import { CONTENT_TYPES, DocumentFormat } from './document-format';
import { type DocumentProblem, DocumentProblemCode, problem } from './document-problem';
import type { DocumentSplit } from './document-split';
import { readOdooWebhook } from './odoo-webhook.reader';
import {
  readJsonPurchaseOrderAck,
  readX12FunctionalAcks,
  readX12PurchaseOrderAcks,
  type SupplierRead,
} from './supplier-responses.reader';
import { decodeUtf8 } from './text-decoding';
import { readX12ShipNotices } from './x12-856';
import { readX12Interchange, type X12InterchangeRead } from './x12-interchange.reader';

export interface PurchasingDocumentSplit extends DocumentSplit {
  /**
   * X12 only, when it reads: the envelope, for the gateway's checks of who sent it and to whom (ISA06,
   * ISA08, GS03). A supplier's 855, 856 or 997 is not answered with a 997 here, but it is addressed to us.
   */
  readonly interchange: X12InterchangeRead | undefined;
}

export enum PurchasingDocumentType {
  /** Odoo (the internal partner): a purchase.order changed. */
  PurchaseOrderEvent = 'purchase-order-event',
  /** A supplier's answer to our purchase order: X12 855 or JSON. */
  PoAcknowledgement = 'po-acknowledgement',
  /** A supplier's X12 997 for an interchange we sent. */
  FunctionalAck = 'functional-ack',
  /** A supplier's X12 856 for goods it shipped us (read by x12-856.ts; a 3PL's 856 is the shipments'). */
  SupplierShipNotice = 'supplier-ship-notice',
}

const TYPES = new Set<string>(Object.values(PurchasingDocumentType));

export function isPurchasingDocumentType(type: string): type is PurchasingDocumentType {
  return TYPES.has(type);
}

/** The formats each purchasing document type is read in. */
export const PURCHASING_DOCUMENT_FORMATS: Readonly<
  Record<PurchasingDocumentType, readonly DocumentFormat[]>
> = Object.freeze({
  [PurchasingDocumentType.PurchaseOrderEvent]: [DocumentFormat.Json],
  [PurchasingDocumentType.PoAcknowledgement]: [DocumentFormat.X12, DocumentFormat.Json],
  [PurchasingDocumentType.FunctionalAck]: [DocumentFormat.X12],
  [PurchasingDocumentType.SupplierShipNotice]: [DocumentFormat.X12],
});

/** Reads an Odoo purchase-order event: `{"_model": "purchase.order", "_id": 12, ...}`. */
export function readPurchaseOrderEvent(bytes: Uint8Array): SupplierRead<{ id: number }> {
  const read = readOdooWebhook(bytes, 'purchase.order');
  return read.ok ? { ok: true, documents: [{ id: read.documents[0].id }] } : read;
}

/** Validates a purchasing upload into one slice; never throws for bad partner input. */
export function splitPurchasingDocument(
  documentType: PurchasingDocumentType,
  format: DocumentFormat,
  bytes: Uint8Array,
): PurchasingDocumentSplit {
  if (!PURCHASING_DOCUMENT_FORMATS[documentType].includes(format)) {
    const unsupported = problem(
      DocumentProblemCode.UnsupportedFormat,
      `A ${documentType} is read as ${PURCHASING_DOCUMENT_FORMATS[documentType].join(' or ')}, not ${format}.`,
      { kind: 'document' },
    );
    return Object.freeze({
      format,
      ok: false,
      slices: [],
      documentProblems: [unsupported],
      interchange: undefined,
    });
  }
  let businessRef: string | undefined;
  let problems: readonly DocumentProblem[] = [];
  switch (documentType) {
    case PurchasingDocumentType.PurchaseOrderEvent: {
      const read = readPurchaseOrderEvent(bytes);
      if (read.ok) businessRef = `purchase.order/${read.documents[0].id}`;
      else problems = read.problems;
      break;
    }
    case PurchasingDocumentType.PoAcknowledgement: {
      const read =
        format === DocumentFormat.X12 ? readX12PurchaseOrderAcks(bytes) : readJsonPurchaseOrderAck(bytes);
      if (read.ok) businessRef = read.documents.map((d) => d.poNumber).join(',');
      else problems = read.problems;
      break;
    }
    case PurchasingDocumentType.FunctionalAck: {
      const read = readX12FunctionalAcks(bytes);
      if (read.ok) businessRef = read.documents.map((d) => d.groupControlNumber).join(',');
      else problems = read.problems;
      break;
    }
    case PurchasingDocumentType.SupplierShipNotice: {
      const read = readX12ShipNotices(bytes);
      if (read.ok) businessRef = read.records.flatMap((n) => n.orders.map((o) => o.poNumber)).join(',');
      else problems = [...read.documentProblems, ...read.problems];
      break;
    }
  }
  return Object.freeze({
    format,
    interchange: format === DocumentFormat.X12 ? x12EnvelopeOf(bytes) : undefined,
    ok: problems.length === 0,
    documentProblems: problems,
    slices:
      problems.length > 0
        ? []
        : [
            Object.freeze({
              index: 0,
              businessRef: businessRef?.slice(0, 200),
              bytes,
              contentType: CONTENT_TYPES[format],
              interchangeRef: undefined,
              problems: [],
            }),
          ],
  });
}

/** The interchange as read (its envelope), or undefined when it does not read or is not UTF-8. */
export function x12EnvelopeOf(bytes: Uint8Array): X12InterchangeRead | undefined {
  const decoded = decodeUtf8(bytes);
  if (!decoded.ok) return undefined;
  const read = readX12Interchange(decoded.text, decoded.byteOffset);
  return read.ok ? read.interchange : undefined;
}
