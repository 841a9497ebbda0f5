// The transaction index: what the gateway accepted (batches and one transaction per order), what became
// of each order (orders.state, by version) and what was sent back (partners.outbound, by relatesTo).
import type { DeliveryResult, FileReceipt, OutboundDocument, SalesOrderState } from '@tradewind/contracts';
import type { DataSource } from 'typeorm';

import { NONCE_TABLE, type NonceUse } from '../auth/nonce.store';
import { isRowDataError, MicroBatcher } from '../database/micro-batcher';
import type { ProblemError } from '../gateway.exception';

export type BatchOutcome = 'accepted' | 'partially-accepted' | 'rejected' | 'publish-failed';

export interface NewBatch {
  readonly batchId: string;
  readonly partnerId: string;
  readonly principal: string;
  readonly documentType: string;
  readonly format: string;
  readonly contentType: string;
  readonly receivedAt: Date;
  readonly sha256: string;
  readonly sizeBytes: number;
  readonly outcome: BatchOutcome;
  /** A rejected upload's problems, or the refused orders' of a partially accepted one (with orderIndex). */
  readonly problems?: readonly ProblemError[];
  readonly idempotencyKey?: string;
}

export interface NewTransaction {
  readonly trackingId: string;
  readonly batchIndex: number;
  readonly businessRef: string | undefined;
  readonly interchangeRef: string | undefined;
  readonly sha256: string;
  readonly sizeBytes: number;
}

export interface TransactionRow {
  readonly trackingId: string;
  readonly batchId: string;
  readonly batchIndex: number;
  readonly partnerId: string;
  readonly documentType: string;
  readonly format: string;
  readonly businessRef: string | null;
  readonly interchangeRef: string | null;
  readonly receivedAt: Date;
  readonly sha256: string;
  readonly sizeBytes: number;
  readonly status: string;
  readonly statusVersion: number | null;
  readonly statusUpdatedAt: Date | null;
  readonly orderId: string | null;
  readonly rejectionReasons: readonly { code: string; message: string; location: string | null }[];
}

export interface BatchRow {
  readonly batchId: string;
  readonly partnerId: string;
  readonly principal: string;
  readonly documentType: string;
  readonly format: string;
  readonly contentType: string;
  readonly receivedAt: Date;
  readonly sha256: string;
  readonly sizeBytes: number;
  readonly outcome: BatchOutcome;
  readonly documentCount: number;
  readonly problems: readonly ProblemError[] | null;
}

export interface StateHistoryRow {
  readonly orderId: string;
  readonly version: number;
  readonly status: string;
  readonly updatedAt: Date;
  readonly rejectionReasons: readonly { code: string; message: string; location: string | null }[];
  /** Resubmissions of the order: documents that caused nothing of their own. */
  readonly duplicateIds: readonly string[];
}

export interface DeliveryStatusRow {
  /** delivered | failed (another attempt follows) | dead_lettered | unroutable */
  readonly status: string;
  readonly attempts: number;
  readonly channel: string;
  readonly lastAttemptAt: Date;
  readonly deliveredAt: Date | null;
  readonly nextAttemptAt: Date | null;
  readonly lastError: string | null;
  readonly receipt: FileReceipt | null;
}

export interface AcknowledgementRow {
  /** Null until partner-delivery reports an attempt (or where it is not deployed). */
  readonly delivery: DeliveryStatusRow | null;
  readonly outboundId: string;
  readonly documentType: string;
  readonly format: string;
  readonly contentType: string;
  readonly relatesTo: readonly string[];
  readonly payload: Buffer;
  readonly createdAt: Date;
}

/** An upload to index, and the nonce of its request when this statement records it. */
interface Upload {
  readonly batch: NewBatch;
  readonly transactions: readonly NewTransaction[];
  readonly nonce: NonceUse | undefined;
}

const TRANSACTION_COLUMNS = `tracking_id AS "trackingId", batch_id AS "batchId", batch_index AS "batchIndex",
  partner_id AS "partnerId", document_type AS "documentType", format, business_ref AS "businessRef",
  interchange_ref AS "interchangeRef", received_at AS "receivedAt", sha256, size_bytes AS "sizeBytes", status,
  status_version::float8 AS "statusVersion", status_updated_at AS "statusUpdatedAt", order_id AS "orderId",
  rejection_reasons AS "rejectionReasons"`;

export class TransactionIndex {
  constructor(
    private readonly dataSource: DataSource,
    private readonly schema: string,
  ) {}

  private t(table: string): string {
    return `"${this.schema}".${table}`;
  }

  /**
   * Records an upload and its transactions (status `received`). Concurrent uploads share one statement
   * (group commit), so the index costs a fraction of a round trip per request under load. With `nonce`
   * the request's nonce is recorded in the same statement (decision 0026), and the upload only when the
   * nonce was unused: false means a replay, and nothing was written.
   */
  recordBatch(batch: NewBatch, transactions: readonly NewTransaction[], nonce?: NonceUse): Promise<boolean> {
    return this.batches.submit({ batch, transactions, nonce });
  }

  private readonly batches = new MicroBatcher<Upload, boolean>({
    run: (items) => this.recordAll(items),
    // One upload's bad row (a value PostgreSQL refuses) must not fail the uploads it shares a statement with.
    mayBeCausedByAnItem: isRowDataError,
  });

  private async recordAll(items: readonly Upload[]): Promise<boolean[]> {
    // The same nonce twice in one statement: the first is the use, the others replays (and one statement
    // may not touch a row twice).
    const seen = new Set<string>();
    const replays = new Set<Upload>();
    for (const item of items) {
      if (item.nonce === undefined) continue;
      const key = `${item.nonce.partnerId}\u0000${item.nonce.nonce}`;
      if (seen.has(key)) replays.add(item);
      seen.add(key);
    }
    const sent = items.filter((item) => !replays.has(item));
    const b = sent.map((i) => i.batch);
    const t = sent.flatMap(({ batch, transactions }) => transactions.map((x) => ({ batch, x })));
    const recorded = await this.dataSource.query<{ batch_id: string }[]>(
      `WITH u AS (
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
                              $7::timestamptz[], $8::text[], $9::int[], $10::text[], $11::int[], $12::text[],
                              $13::text[], $25::text[], $26::text[], $27::double precision[])
           AS u(batch_id, partner_id, principal, document_type, format, content_type, received_at, sha256,
                size_bytes, outcome, document_count, problems, idempotency_key, nonce_partner_id, nonce,
                nonce_ttl_ms)),
       -- A new nonce inserts; an expired one is taken over; a live one returns no row.
       nonces AS (
         INSERT INTO ${this.t(NONCE_TABLE)} AS n (partner_id, nonce, expires_at)
         SELECT u.nonce_partner_id, u.nonce, now() + make_interval(secs => u.nonce_ttl_ms / 1000)
           FROM u WHERE u.nonce IS NOT NULL
         ON CONFLICT (partner_id, nonce) DO UPDATE SET expires_at = excluded.expires_at
           WHERE n.expires_at < now()
         RETURNING n.partner_id, n.nonce),
       batches AS (
         INSERT INTO ${this.t('ingress_batch')} (batch_id, partner_id, principal, document_type, format, content_type,
           received_at, sha256, size_bytes, outcome, document_count, problems, idempotency_key)
         SELECT u.batch_id, u.partner_id, u.principal, u.document_type, u.format, u.content_type, u.received_at,
                u.sha256, u.size_bytes, u.outcome, u.document_count, u.problems::jsonb, u.idempotency_key
           FROM u
          WHERE u.nonce IS NULL
             OR EXISTS (SELECT 1 FROM nonces n WHERE n.partner_id = u.nonce_partner_id AND n.nonce = u.nonce)
         RETURNING batch_id),
       transactions AS (
         INSERT INTO ${this.t('ingress_transaction')} (tracking_id, batch_id, batch_index, partner_id, document_type,
           format, business_ref, interchange_ref, received_at, sha256, size_bytes, status)
         SELECT d.tracking_id, d.batch_id, d.batch_index, d.partner_id, d.document_type, d.format, d.business_ref,
                d.interchange_ref, d.received_at, d.sha256, d.size_bytes, 'received'
           FROM unnest($14::text[], $15::text[], $16::int[], $17::text[], $18::text[], $19::text[], $20::text[],
                       $21::text[], $22::timestamptz[], $23::text[], $24::int[])
             AS d(tracking_id, batch_id, batch_index, partner_id, document_type, format, business_ref,
                  interchange_ref, received_at, sha256, size_bytes)
          WHERE d.batch_id IN (SELECT batch_id FROM batches))
       SELECT batch_id FROM batches`,
      [
        b.map((x) => x.batchId),
        b.map((x) => x.partnerId),
        b.map((x) => x.principal),
        b.map((x) => x.documentType),
        b.map((x) => x.format),
        b.map((x) => x.contentType),
        b.map((x) => x.receivedAt),
        b.map((x) => x.sha256),
        b.map((x) => x.sizeBytes),
        b.map((x) => x.outcome),
        sent.map((i) => i.transactions.length),
        b.map((x) => (x.problems === undefined ? null : JSON.stringify(x.problems))),
        b.map((x) => x.idempotencyKey ?? null),
        t.map(({ x }) => x.trackingId),
        t.map(({ batch }) => batch.batchId),
        t.map(({ x }) => x.batchIndex),
        t.map(({ batch }) => batch.partnerId),
        t.map(({ batch }) => batch.documentType),
        t.map(({ batch }) => batch.format),
        t.map(({ x }) => x.businessRef ?? null),
        t.map(({ x }) => x.interchangeRef ?? null),
        t.map(({ batch }) => batch.receivedAt),
        t.map(({ x }) => x.sha256),
        t.map(({ x }) => x.sizeBytes),
        sent.map((i) => i.nonce?.partnerId ?? null),
        sent.map((i) => i.nonce?.nonce ?? null),
        sent.map((i) => i.nonce?.ttlMs ?? null),
      ],
    );
    const written = new Set(recorded.map((r) => r.batch_id));
    return items.map((item) => written.has(item.batch.batchId));
  }

  /** After Kafka refused the upload's records: the partner was told 503 and will resubmit. */
  async markPublishFailed(batchId: string): Promise<void> {
    await this.dataSource.query(
      `WITH b AS (UPDATE ${this.t('ingress_batch')} SET outcome = 'publish-failed' WHERE batch_id = $1)
       UPDATE ${this.t('ingress_transaction')} SET status = 'publish-failed' WHERE batch_id = $1 AND status_version IS NULL`,
      [batchId],
    );
  }

  /**
   * Applies an order state to the transactions that carried the order (upsert by version, so a
   * redelivered or older state changes nothing) and keeps it in the order's history.
   */
  async applyOrderState(state: SalesOrderState): Promise<void> {
    const reasons = JSON.stringify(state.rejectionReasons);
    const updatedAt = new Date(state.updatedAt);
    await this.dataSource.query(
      `WITH history AS (
         INSERT INTO ${this.t('order_state_history')} (order_id, version, partner_id, status, document_ids, duplicate_ids,
           rejection_reasons, updated_at)
         VALUES ($1, $2, $3, $4, $5, $8, $6, $7) ON CONFLICT (order_id, version) DO NOTHING)
       UPDATE ${this.t('ingress_transaction')}
          SET status = $4, status_version = $2, status_updated_at = $7, order_id = $1, rejection_reasons = $6
        WHERE tracking_id = ANY($5::text[]) AND partner_id = $3 AND (status_version IS NULL OR status_version < $2)`,
      [
        state.orderId,
        state.version,
        state.partnerId,
        state.status,
        state.documentIds,
        reasons,
        updatedAt,
        state.duplicateDocumentIds,
      ],
    );
  }

  /**
   * Keeps an acknowledgement sent to a partner; the same outboundId twice changes nothing (false: it was
   * recorded already).
   */
  async recordAcknowledgement(document: OutboundDocument): Promise<boolean> {
    const inserted = await this.dataSource.query<unknown[]>(
      `INSERT INTO ${this.t('partner_acknowledgement')} (outbound_id, partner_id, document_type, format, content_type,
         relates_to, payload, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (outbound_id) DO NOTHING RETURNING outbound_id`,
      [
        document.outboundId,
        document.partnerId,
        document.documentType,
        document.format,
        document.contentType,
        document.relatesTo,
        document.payload,
        new Date(document.createdAt),
      ],
    );
    return inserted.length > 0;
  }

  /**
   * Keeps the latest attempt of a delivery (by attempt number); a final outcome (delivered, dead-lettered)
   * is never replaced by an earlier attempt arriving late.
   */
  async recordDeliveryResult(result: DeliveryResult): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO ${this.t('partner_delivery_status')} AS s (outbound_id, partner_id, status, attempts, channel, endpoint,
         last_attempt_at, delivered_at, next_attempt_at, last_error, receipt)
       VALUES ($1, $2, $3, $4, $5, $6, $7::timestamptz, CASE WHEN $3::text = 'delivered' THEN $7::timestamptz END, $8, $9, $10::jsonb)
       ON CONFLICT (outbound_id) DO UPDATE SET status = EXCLUDED.status, attempts = EXCLUDED.attempts,
         channel = EXCLUDED.channel, endpoint = EXCLUDED.endpoint, last_attempt_at = EXCLUDED.last_attempt_at,
         delivered_at = EXCLUDED.delivered_at, next_attempt_at = EXCLUDED.next_attempt_at,
         last_error = EXCLUDED.last_error, receipt = EXCLUDED.receipt
       WHERE s.status NOT IN ('delivered', 'dead_lettered') AND s.attempts <= EXCLUDED.attempts`,
      [
        result.outboundId,
        result.partnerId,
        result.outcome,
        result.attempt,
        result.channel,
        result.endpointId,
        new Date(result.attemptedAt),
        result.nextAttemptAt === null ? null : new Date(result.nextAttemptAt),
        result.error,
        result.receipt === null ? null : JSON.stringify(result.receipt),
      ],
    );
  }

  async transaction(trackingId: string): Promise<TransactionRow | undefined> {
    const rows = await this.dataSource.query<TransactionRow[]>(
      `SELECT ${TRANSACTION_COLUMNS} FROM ${this.t('ingress_transaction')} WHERE tracking_id = $1`,
      [trackingId],
    );
    return rows[0];
  }

  async batch(batchId: string): Promise<BatchRow | undefined> {
    const rows = await this.dataSource.query<BatchRow[]>(
      `SELECT batch_id AS "batchId", partner_id AS "partnerId", principal, document_type AS "documentType", format,
              content_type AS "contentType", received_at AS "receivedAt", sha256, size_bytes AS "sizeBytes", outcome,
              document_count AS "documentCount", problems
         FROM ${this.t('ingress_batch')} WHERE batch_id = $1`,
      [batchId],
    );
    return rows[0];
  }

  async transactionsOfBatch(batchId: string): Promise<TransactionRow[]> {
    return this.dataSource.query<TransactionRow[]>(
      `SELECT ${TRANSACTION_COLUMNS} FROM ${this.t('ingress_transaction')} WHERE batch_id = $1 ORDER BY batch_index`,
      [batchId],
    );
  }

  /** Every state version seen of the orders a document carried, oldest first. */
  async history(trackingId: string): Promise<StateHistoryRow[]> {
    return this.dataSource.query<StateHistoryRow[]>(
      `SELECT order_id AS "orderId", version::float8 AS version, status, updated_at AS "updatedAt",
              rejection_reasons AS "rejectionReasons", duplicate_ids AS "duplicateIds"
         FROM ${this.t('order_state_history')} WHERE document_ids @> ARRAY[$1]::text[]
        ORDER BY updated_at, version`,
      [trackingId],
    );
  }

  /** Acknowledgements sent to the partner about any of these ids (tracking ids, batch id). */
  async acknowledgements(partnerId: string, ids: readonly string[]): Promise<AcknowledgementRow[]> {
    return this.dataSource.query<AcknowledgementRow[]>(
      `SELECT a.outbound_id AS "outboundId", a.document_type AS "documentType", a.format, a.content_type AS "contentType",
              a.relates_to AS "relatesTo", a.payload, a.created_at AS "createdAt",
              CASE WHEN d.outbound_id IS NULL THEN NULL ELSE json_build_object('status', d.status,
                'attempts', d.attempts, 'channel', d.channel, 'lastAttemptAt', d.last_attempt_at,
                'deliveredAt', d.delivered_at, 'nextAttemptAt', d.next_attempt_at, 'lastError', d.last_error,
                'receipt', d.receipt) END AS delivery
         FROM ${this.t('partner_acknowledgement')} a
         LEFT JOIN ${this.t('partner_delivery_status')} d ON d.outbound_id = a.outbound_id
        WHERE a.partner_id = $1 AND a.relates_to && $2::text[]
        ORDER BY a.created_at, a.outbound_id`,
      [partnerId, ids],
    );
  }

  async nextControlNumber(): Promise<number> {
    const [row] = await this.dataSource.query<{ n: string }[]>(
      `SELECT nextval('"${this.schema}".x12_control_number') AS n`,
    );
    return Number(row.n);
  }
}
