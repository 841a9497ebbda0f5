// The gateway's leg in the reconciler's own tables: what the gateway accepted (from ingress.documents),
// what partners were told (acknowledgements on partners.outbound, by the documents they relate to) and
// which platform record names which document (orders.state, purchasing.state).
import type { DataSource } from 'typeorm';

import {
  type GatewayDocument,
  PURCHASE_ORDER_WORKFLOW,
  SALES_ORDER_WORKFLOW,
} from '../reconciliation/reconciliation';

/**
 * The inbound document types (ingress.documents `documentType`) whose gateway id a workflow's state
 * names, and the table of those names: orders.state's `documentIds`; purchasing.state's
 * `trace[].documentId` for a supplier's acknowledgement (855/JSON) or ship notice (856). Other workflows'
 * states do not name the gateway's documents (docs/reconciliation.md, decision 0032).
 */
export const GATEWAY_WORKFLOWS = {
  [SALES_ORDER_WORKFLOW]: { documentTypes: ['sales-order'], namedIn: 'order_documents' },
  [PURCHASE_ORDER_WORKFLOW]: {
    documentTypes: ['po-acknowledgement', 'supplier-ship-notice'],
    namedIn: 'purchase_order_documents',
  },
} as const;

export type GatewayWorkflow = keyof typeof GATEWAY_WORKFLOWS;

/** The document types the gateway's leg keeps. */
export const GATEWAY_DOCUMENT_TYPES: ReadonlySet<string> = new Set(
  Object.values(GATEWAY_WORKFLOWS).flatMap((workflow) => workflow.documentTypes),
);

/** Outbound documents that acknowledge an order (the catalog's `acknowledgements.order` kinds). */
export const ORDER_ACKNOWLEDGEMENT_TYPES = new Set(['order-ack', 'x12-855']);

export class GatewayLeg {
  constructor(private readonly dataSource: DataSource) {}

  async recordDocument(document: {
    documentId: string;
    partnerId: string;
    documentType: string;
    businessRef: string | null;
    receivedAt: number;
  }): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO gateway_documents (document_id, partner_id, document_type, business_ref, received_at)
       VALUES ($1, $2, $3, $4, to_timestamp($5 / 1000.0)) ON CONFLICT (document_id) DO NOTHING`,
      [
        document.documentId,
        document.partnerId,
        document.documentType,
        document.businessRef,
        document.receivedAt,
      ],
    );
  }

  async recordAcknowledgement(
    outboundId: string,
    relatesTo: readonly string[],
    sentAt: number,
  ): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO document_acknowledgements (document_id, outbound_id, sent_at)
       SELECT d, $2, to_timestamp($3 / 1000.0) FROM unnest($1::text[]) AS d
       ON CONFLICT (document_id) DO NOTHING`,
      [relatesTo, outboundId, sentAt],
    );
  }

  /** A workflow's documents the gateway accepted in [from, to), each with whether it was acknowledged. */
  async documentsIn(workflow: GatewayWorkflow, from: number, to: number): Promise<GatewayDocument[]> {
    const rows = await this.dataSource.query<
      {
        document_id: string;
        partner_id: string;
        document_type: string;
        business_ref: string | null;
        received_at: Date;
        acknowledged: boolean;
      }[]
    >(
      `SELECT g.document_id, g.partner_id, g.document_type, g.business_ref, g.received_at,
              (a.document_id IS NOT NULL) AS acknowledged
         FROM gateway_documents g LEFT JOIN document_acknowledgements a ON a.document_id = g.document_id
        WHERE g.document_type = ANY($3::text[])
          AND g.received_at >= to_timestamp($1 / 1000.0) AND g.received_at < to_timestamp($2 / 1000.0)`,
      [from, to, GATEWAY_WORKFLOWS[workflow].documentTypes],
    );
    return rows.map((row) => ({
      documentId: row.document_id,
      partnerId: row.partner_id,
      documentType: row.document_type,
      businessRef: row.business_ref,
      receivedAt: row.received_at.getTime(),
      acknowledged: row.acknowledged,
    }));
  }

  /** Which of these documents the workflow's state names (some order, some purchase order's trace). */
  async whichOnPlatform(workflow: GatewayWorkflow, documentIds: readonly string[]): Promise<Set<string>> {
    if (documentIds.length === 0) return new Set();
    // The table name is one of GATEWAY_WORKFLOWS' constants, never input.
    const rows = await this.dataSource.query<{ document_id: string }[]>(
      `SELECT document_id FROM ${GATEWAY_WORKFLOWS[workflow].namedIn} WHERE document_id = ANY($1::text[])`,
      [documentIds],
    );
    return new Set(rows.map((row) => row.document_id));
  }

  /** Of these documents, those the gateway leg knows: each with whether an acknowledgement answered it. */
  async acknowledgementsOf(documentIds: readonly string[]): Promise<Map<string, boolean>> {
    if (documentIds.length === 0) return new Map();
    const rows = await this.dataSource.query<{ document_id: string; acknowledged: boolean }[]>(
      `SELECT g.document_id, (a.document_id IS NOT NULL) AS acknowledged
         FROM gateway_documents g LEFT JOIN document_acknowledgements a ON a.document_id = g.document_id
        WHERE g.document_id = ANY($1::text[])`,
      [documentIds],
    );
    return new Map(rows.map((row) => [row.document_id, row.acknowledged]));
  }

  /** Housekeeping: documents received before the retention, their acknowledgements and their links. */
  async purgeOlderThan(retentionMs: number): Promise<number> {
    const rows = await this.dataSource.query<{ n: number }[]>(
      `WITH old AS (
         DELETE FROM gateway_documents
          WHERE received_at < now() - make_interval(secs => $1::double precision / 1000)
          RETURNING document_id),
       acks AS (DELETE FROM document_acknowledgements WHERE document_id IN (SELECT document_id FROM old)),
       links AS (DELETE FROM order_documents WHERE document_id IN (SELECT document_id FROM old)),
       traces AS (DELETE FROM purchase_order_documents WHERE document_id IN (SELECT document_id FROM old))
       SELECT count(*)::int AS n FROM old`,
      [retentionMs],
    );
    return rows[0]?.n ?? 0;
  }
}
