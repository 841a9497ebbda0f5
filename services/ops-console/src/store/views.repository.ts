// The console's read views of other topics, for the lineage and the acknowledgement timers: the latest
// orders.state per order, the acknowledgements sent (partners.outbound), the partner requests (ops.audit),
// the dead letters as they were (raw bytes and headers, for re-drive) and partner records fetched by
// their coordinates. Every write is idempotent: a redelivered record changes nothing.
import type { AuditEvent, OutboundDocument, SalesOrderState } from '@tradewind/contracts';
import { OrderStatus } from '@tradewind/contracts';
import type { EntityManager } from 'typeorm';

/** Statuses after which an order is a success: the key's exceptions are resolved. */
export function isOrderSuccess(state: Pick<SalesOrderState, 'status' | 'rejectionReasons'>): boolean {
  switch (state.status) {
    case OrderStatus.Accepted:
    case OrderStatus.Written:
    case OrderStatus.Confirmed:
      return true;
    case OrderStatus.Acknowledged:
      return state.rejectionReasons.length === 0;
    case OrderStatus.Received:
    case OrderStatus.Validated:
    case OrderStatus.Rejected:
    case OrderStatus.Failed:
    case OrderStatus.Unknown:
      return false;
  }
}

export interface OrderStateView {
  readonly orderId: string;
  readonly partnerId: string;
  readonly poNumber: string;
  readonly status: string;
  readonly version: number;
  readonly documentIds: readonly string[];
  readonly odooExternalId: string | null;
  readonly odooOrderId: number | null;
  readonly updatedAt: Date;
}

export interface AcknowledgementView {
  readonly outboundId: string;
  readonly partnerId: string;
  readonly documentType: string;
  readonly contentType: string;
  readonly relatesTo: readonly string[];
  readonly payload: string;
  readonly createdAt: Date;
}

export interface AuditView {
  readonly auditId: string;
  readonly occurredAt: Date;
  readonly partnerId: string | null;
  readonly principal: string | null;
  readonly action: string;
  readonly trackingId: string | null;
  readonly outcome: string;
  readonly httpStatus: number | null;
  readonly policy: string | null;
  readonly reason: string | null;
  readonly sha256: string | null;
  readonly sizeBytes: number;
}

export interface DeadLetterView {
  readonly dlqTopic: string;
  readonly dlqPartition: number;
  readonly dlqOffset: string;
  readonly originalTopic: string;
  readonly originalPartition: number;
  readonly originalOffset: string;
  readonly consumerGroup: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: Record<string, string>;
  readonly errorClass: string | null;
  readonly errorMessage: string | null;
  readonly redrivenAt: Date | null;
  readonly redrivenBy: string | null;
}

export interface SourceRecordView {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly value: unknown;
  readonly headers: Record<string, string>;
}

export interface AckTimer {
  readonly partnerId: string;
  /** Decided orders whose acknowledgement is not sent yet, within the SLA. */
  readonly expected: number;
  /** The same, past the partner's SLA. */
  readonly overdue: number;
  readonly sent: number;
  readonly oldestOverdueAt: Date | null;
}

export class ViewsRepository {
  /** Keeps the newest version of each order; returns whether the record was newer. */
  async upsertOrderState(manager: EntityManager, state: SalesOrderState): Promise<boolean> {
    const success = isOrderSuccess(state);
    const rows = await manager.query<unknown[]>(
      `INSERT INTO order_states (order_id, partner_id, po_number, status, version, document_ids, odoo_external_id,
         odoo_order_id, rejection, updated_at, received_at, success_version)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10, $10, $11)
       ON CONFLICT (order_id) DO UPDATE SET status = EXCLUDED.status, version = EXCLUDED.version,
         document_ids = EXCLUDED.document_ids, odoo_external_id = EXCLUDED.odoo_external_id,
         odoo_order_id = EXCLUDED.odoo_order_id, rejection = EXCLUDED.rejection, updated_at = EXCLUDED.updated_at,
         success_version = GREATEST(order_states.success_version, EXCLUDED.success_version)
       WHERE order_states.version < EXCLUDED.version
       RETURNING 1`,
      [
        state.orderId,
        state.partnerId,
        state.poNumber,
        state.status,
        state.version,
        state.documentIds,
        state.odooExternalId,
        state.odooOrderId,
        JSON.stringify(state.rejectionReasons),
        new Date(state.updatedAt),
        success ? state.version : null,
      ],
    );
    return rows.length === 1;
  }

  async orderState(manager: EntityManager, orderId: string): Promise<OrderStateView | undefined> {
    const rows = await manager.query<
      {
        order_id: string;
        partner_id: string;
        po_number: string;
        status: string;
        version: string;
        document_ids: string[];
        odoo_external_id: string | null;
        odoo_order_id: string | null;
        updated_at: Date;
      }[]
    >('SELECT * FROM order_states WHERE order_id = $1', [orderId]);
    const row = rows[0];
    if (row === undefined) return undefined;
    return {
      orderId: row.order_id,
      partnerId: row.partner_id,
      poNumber: row.po_number,
      status: row.status,
      version: Number(row.version),
      documentIds: row.document_ids,
      odooExternalId: row.odoo_external_id,
      odooOrderId: row.odoo_order_id === null ? null : Number(row.odoo_order_id),
      updatedAt: row.updated_at,
    };
  }

  async addAcknowledgement(manager: EntityManager, document: OutboundDocument): Promise<void> {
    await manager.query(
      `INSERT INTO acknowledgements (outbound_id, partner_id, document_type, content_type, relates_to, payload, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (outbound_id) DO NOTHING`,
      [
        document.outboundId,
        document.partnerId,
        document.documentType,
        document.contentType,
        document.relatesTo,
        document.payload.subarray(0, 65_536).toString('utf8'),
        new Date(document.createdAt),
      ],
    );
  }

  async acknowledgementsOf(
    manager: EntityManager,
    documentIds: readonly string[],
  ): Promise<AcknowledgementView[]> {
    if (documentIds.length === 0) return [];
    const rows = await manager.query<
      {
        outbound_id: string;
        partner_id: string;
        document_type: string;
        content_type: string;
        relates_to: string[];
        payload: string;
        created_at: Date;
      }[]
    >('SELECT * FROM acknowledgements WHERE relates_to && $1 ORDER BY created_at', [documentIds]);
    return rows.map((r) => ({
      outboundId: r.outbound_id,
      partnerId: r.partner_id,
      documentType: r.document_type,
      contentType: r.content_type,
      relatesTo: r.relates_to,
      payload: r.payload,
      createdAt: r.created_at,
    }));
  }

  async addAudit(manager: EntityManager, event: AuditEvent): Promise<void> {
    await manager.query(
      `INSERT INTO audit_events (audit_id, occurred_at, partner_id, principal, action, document_type, tracking_id,
         outcome, http_status, policy, reason, sha256, size_bytes)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) ON CONFLICT (audit_id) DO NOTHING`,
      [
        event.auditId,
        new Date(event.occurredAt),
        event.partnerId,
        event.principal,
        event.action,
        event.documentType,
        event.trackingId,
        event.outcome,
        event.httpStatus,
        event.policy,
        event.reason,
        event.sha256,
        event.sizeBytes,
      ],
    );
  }

  async auditOf(manager: EntityManager, trackingIds: readonly string[]): Promise<AuditView[]> {
    if (trackingIds.length === 0) return [];
    const rows = await manager.query<
      {
        audit_id: string;
        occurred_at: Date;
        partner_id: string | null;
        principal: string | null;
        action: string;
        tracking_id: string | null;
        outcome: string;
        http_status: number | null;
        policy: string | null;
        reason: string | null;
        sha256: string | null;
        size_bytes: string;
      }[]
    >('SELECT * FROM audit_events WHERE tracking_id = ANY($1) ORDER BY occurred_at', [trackingIds]);
    return rows.map((r) => ({
      auditId: r.audit_id,
      occurredAt: r.occurred_at,
      partnerId: r.partner_id,
      principal: r.principal,
      action: r.action,
      trackingId: r.tracking_id,
      outcome: r.outcome,
      httpStatus: r.http_status,
      policy: r.policy,
      reason: r.reason,
      sha256: r.sha256,
      sizeBytes: Number(r.size_bytes),
    }));
  }

  async addDeadLetter(
    manager: EntityManager,
    letter: Omit<DeadLetterView, 'redrivenAt' | 'redrivenBy'> & { failedAt: Date | null },
  ): Promise<void> {
    await manager.query(
      `INSERT INTO dead_letters (dlq_topic, dlq_partition, dlq_offset, original_topic, original_partition,
         original_offset, consumer_group, record_key, record_value, headers, error_class, error_message, failed_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11, $12, $13) ON CONFLICT DO NOTHING`,
      [
        letter.dlqTopic,
        letter.dlqPartition,
        letter.dlqOffset,
        letter.originalTopic,
        letter.originalPartition,
        letter.originalOffset,
        letter.consumerGroup,
        letter.key,
        letter.value,
        JSON.stringify(letter.headers),
        letter.errorClass,
        letter.errorMessage,
        letter.failedAt,
      ],
    );
  }

  /** The dead letter an ops.exceptions record of kind dead_letter reports (same group and origin). */
  async deadLetterOf(
    manager: EntityManager,
    origin: { topic: string; group: string; partition: number; offset: string },
    lock = false,
  ): Promise<DeadLetterView | undefined> {
    const rows = await manager.query<
      {
        dlq_topic: string;
        dlq_partition: number;
        dlq_offset: string;
        original_topic: string;
        original_partition: number;
        original_offset: string;
        consumer_group: string;
        record_key: Buffer | null;
        record_value: Buffer | null;
        headers: Record<string, string>;
        error_class: string | null;
        error_message: string | null;
        redriven_at: Date | null;
        redriven_by: string | null;
      }[]
    >(
      `SELECT * FROM dead_letters WHERE original_topic = $1 AND consumer_group = $2 AND original_partition = $3
          AND original_offset = $4 ORDER BY dlq_offset DESC LIMIT 1${lock ? ' FOR UPDATE' : ''}`,
      [origin.topic, origin.group, origin.partition, origin.offset],
    );
    const r = rows[0];
    if (r === undefined) return undefined;
    return {
      dlqTopic: r.dlq_topic,
      dlqPartition: r.dlq_partition,
      dlqOffset: r.dlq_offset,
      originalTopic: r.original_topic,
      originalPartition: r.original_partition,
      originalOffset: r.original_offset,
      consumerGroup: r.consumer_group,
      key: r.record_key,
      value: r.record_value,
      headers: r.headers,
      errorClass: r.error_class,
      errorMessage: r.error_message,
      redrivenAt: r.redriven_at,
      redrivenBy: r.redriven_by,
    };
  }

  async markRedriven(manager: EntityManager, letter: DeadLetterView, by: string): Promise<void> {
    await manager.query(
      `UPDATE dead_letters SET redriven_at = now(), redriven_by = $4
        WHERE dlq_topic = $1 AND dlq_partition = $2 AND dlq_offset = $3`,
      [letter.dlqTopic, letter.dlqPartition, letter.dlqOffset, by],
    );
  }

  async sourceRecord(
    manager: EntityManager,
    at: { topic: string; partition: number; offset: string },
  ): Promise<SourceRecordView | undefined> {
    const rows = await manager.query<
      {
        topic: string;
        partition: number;
        offset: string;
        record_key: string | null;
        value: unknown;
        headers: Record<string, string>;
      }[]
    >('SELECT * FROM source_records WHERE topic = $1 AND partition = $2 AND "offset" = $3', [
      at.topic,
      at.partition,
      at.offset,
    ]);
    const r = rows[0];
    return r === undefined
      ? undefined
      : {
          topic: r.topic,
          partition: r.partition,
          offset: r.offset,
          key: r.record_key,
          value: r.value,
          headers: r.headers,
        };
  }

  async addSourceRecord(manager: EntityManager, record: SourceRecordView): Promise<void> {
    await manager.query(
      `INSERT INTO source_records (topic, partition, "offset", record_key, value, headers)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb) ON CONFLICT DO NOTHING`,
      [
        record.topic,
        record.partition,
        record.offset,
        record.key,
        JSON.stringify(record.value),
        JSON.stringify(record.headers),
      ],
    );
  }

  /**
   * Per partner that is owed order acknowledgements: decided orders (confirmed, rejected) with no order
   * acknowledgement on partners.outbound yet, split by the partner's SLA (minutes, from the catalog), and
   * the acknowledgements sent in the last day. "Sent" is "handed to partners.outbound": delivery receipts
   * are partner-delivery's and not on a topic yet.
   */
  async ackTimers(manager: EntityManager, slaMinutes: ReadonlyMap<string, number>): Promise<AckTimer[]> {
    const partners = [...slaMinutes.keys()];
    if (partners.length === 0) return [];
    const rows = await manager.query<
      { partner_id: string; expected: string; overdue: string; sent: string; oldest_overdue: Date | null }[]
    >(
      `WITH sla AS (SELECT * FROM unnest($1::text[], $2::int[]) AS s(partner_id, minutes)),
       waiting AS (
         SELECT o.partner_id, o.updated_at, s.minutes FROM order_states o JOIN sla s USING (partner_id)
          WHERE o.status IN ('confirmed', 'rejected', 'acknowledged')
            AND NOT EXISTS (SELECT 1 FROM acknowledgements a
                             WHERE a.relates_to && o.document_ids AND a.document_type <> 'x12-997')),
       sent AS (
         SELECT partner_id, count(*) AS n FROM acknowledgements
          WHERE created_at > now() - interval '1 day' AND document_type <> 'x12-997' GROUP BY partner_id)
       SELECT s.partner_id,
              count(w.updated_at) FILTER (WHERE w.updated_at >= now() - make_interval(mins => s.minutes)) AS expected,
              count(w.updated_at) FILTER (WHERE w.updated_at < now() - make_interval(mins => s.minutes)) AS overdue,
              COALESCE(max(sent.n), 0) AS sent,
              min(w.updated_at) FILTER (WHERE w.updated_at < now() - make_interval(mins => s.minutes)) AS oldest_overdue
         FROM sla s LEFT JOIN waiting w USING (partner_id) LEFT JOIN sent USING (partner_id)
        GROUP BY s.partner_id ORDER BY s.partner_id`,
      [partners, partners.map((p) => slaMinutes.get(p) ?? 0)],
    );
    return rows.map((r) => ({
      partnerId: r.partner_id,
      expected: Number(r.expected),
      overdue: Number(r.overdue),
      sent: Number(r.sent),
      oldestOverdueAt: r.oldest_overdue,
    }));
  }
}
