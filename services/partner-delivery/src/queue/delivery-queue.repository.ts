// The delivery queue in PostgreSQL. Enqueue is idempotent on outboundId; a claim leases due rows of one
// endpoint (FOR UPDATE SKIP LOCKED: workers never wait for each other) whose ordering key has no earlier
// pending row; recording an attempt and its partners.delivery-results record (and, for a dead letter,
// its ops.exceptions record) is one transaction through the outbox.
import { randomUUID } from 'node:crypto';

import {
  type DeliveryChannel,
  DeliveryOutcome,
  type DeliveryResult,
  ExceptionKind,
  type FileReceipt,
  type OpsException,
  type OutboundDocument,
  TOPICS,
} from '@tradewind/contracts';
import { HEADER } from '@tradewind/messaging';
import { type OutboxEnqueueRequest, type OutboxWriter, withTransaction } from '@tradewind/persistence';
import type { DataSource, EntityManager } from 'typeorm';

export interface QueuedDelivery {
  readonly outboundId: string;
  readonly seq: string;
  readonly partnerId: string;
  readonly documentType: string;
  readonly format: string;
  readonly contentType: string;
  readonly relatesTo: readonly string[];
  readonly orderingKey: string | null;
  readonly payload: Buffer;
  readonly createdAt: Date;
  readonly correlationId: string | null;
  readonly endpoint: string;
  readonly channel: DeliveryChannel;
  /** This attempt's number (the claim's fencing token). */
  readonly attempts: number;
  readonly outageAttempts: number;
}

export interface NewDelivery {
  readonly document: OutboundDocument;
  readonly correlationId: string | undefined;
  /** Undefined: no channel in the catalog takes the document (recorded as unroutable). */
  readonly endpoint: { readonly key: string; readonly channel: DeliveryChannel } | undefined;
}

export type AttemptVerdict =
  | { readonly outcome: 'delivered'; readonly httpStatus?: number; readonly receipt?: FileReceipt }
  | {
      readonly outcome: 'failed';
      readonly nextAttemptAt: Date;
      /** The breaker was open (a trial delivery): the attempt does not count towards the dead letter. */
      readonly outage: boolean;
      readonly httpStatus?: number;
      readonly error: string;
    }
  | { readonly outcome: 'dead'; readonly httpStatus?: number; readonly error: string };

export interface PendingSummary {
  readonly endpoint: string;
  readonly pending: number;
  readonly oldestSeconds: number;
}

const COLUMNS = `outbound_id AS "outboundId", seq::text AS seq, partner_id AS "partnerId",
  document_type AS "documentType", format, content_type AS "contentType", relates_to AS "relatesTo",
  ordering_key AS "orderingKey", payload, created_at AS "createdAt", correlation_id AS "correlationId",
  endpoint, channel, attempts, outage_attempts AS "outageAttempts"`;

export class DeliveryQueue {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
    private readonly service: string,
  ) {}

  /** Stores the document unless its outboundId is stored already; false for a duplicate. */
  async enqueue(delivery: NewDelivery): Promise<boolean> {
    const d = delivery.document;
    const values = [
      d.outboundId,
      d.partnerId,
      d.documentType,
      d.format,
      d.contentType,
      d.relatesTo,
      d.orderingKey ?? null,
      d.payload,
      new Date(d.createdAt),
      delivery.correlationId ?? null,
      delivery.endpoint?.key ?? null,
      delivery.endpoint?.channel ?? null,
      delivery.endpoint === undefined ? 'unroutable' : 'pending',
    ];
    const insert = `INSERT INTO deliveries (outbound_id, partner_id, document_type, format, content_type, relates_to,
        ordering_key, payload, created_at, correlation_id, endpoint, channel, state)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
      ON CONFLICT (outbound_id) DO NOTHING RETURNING seq`;
    if (delivery.endpoint !== undefined) {
      const rows = await this.dataSource.query<unknown[]>(insert, values);
      return rows.length === 1;
    }
    // Unroutable: the row and its result commit together.
    return withTransaction(this.dataSource, async (manager) => {
      const rows = await manager.query<unknown[]>(insert, values);
      if (rows.length === 0) return false;
      await this.outbox.enqueue(
        manager,
        resultMessage(
          {
            outboundId: d.outboundId,
            partnerId: d.partnerId,
            documentType: d.documentType,
            relatesTo: [...d.relatesTo],
            endpointId: '',
            channel: 'unknown',
            attempt: 0,
            outcome: DeliveryOutcome.Unroutable,
            attemptedAt: Date.now(),
            durationMs: 0,
            nextAttemptAt: null,
            httpStatus: null,
            error: `no delivery channel of ${d.partnerId} takes ${d.documentType} (config/partners/delivery.yaml)`,
            receipt: null,
          },
          delivery.correlationId,
        ),
      );
      return true;
    });
  }

  /**
   * Leases up to `limit` due deliveries of the endpoint, oldest first, each the earliest pending one of
   * its ordering key. `probe`: the breaker's trial, taken whatever its backoff says.
   */
  async claim(endpoint: string, limit: number, leaseMs: number, probe = false): Promise<QueuedDelivery[]> {
    return updated<QueuedDelivery>(
      await this.dataSource.query(
        `WITH due AS (
         SELECT d.outbound_id FROM deliveries d
          WHERE d.endpoint = $1 AND d.state = 'pending'
            AND ($4 OR d.next_attempt_at <= now())
            AND (d.lease_until IS NULL OR d.lease_until < now())
            AND (d.ordering_key IS NULL OR NOT EXISTS (
                  SELECT 1 FROM deliveries e
                   WHERE e.endpoint = d.endpoint AND e.ordering_key = d.ordering_key
                     AND e.state = 'pending' AND e.seq < d.seq))
          ORDER BY d.seq
          LIMIT $2
          FOR UPDATE SKIP LOCKED)
       UPDATE deliveries d
          SET lease_until = now() + $3 * interval '1 millisecond', attempts = d.attempts + 1
         FROM due WHERE d.outbound_id = due.outbound_id
       RETURNING ${COLUMNS.replace(/(^|,\s*)(\w+)/g, '$1d.$2')}`,
        [endpoint, limit, leaseMs, probe],
      ),
    );
  }

  /** Gives a claim back untried (the breaker refused it): no attempt is counted. */
  async release(delivery: QueuedDelivery): Promise<void> {
    await this.dataSource.query(
      `UPDATE deliveries SET attempts = attempts - 1, lease_until = NULL
        WHERE outbound_id = $1 AND state = 'pending' AND attempts = $2`,
      [delivery.outboundId, delivery.attempts],
    );
  }

  /**
   * Records an attempt and publishes its result (a dead letter also to ops.exceptions), unless the claim
   * was lost (its lease ran out and another worker took the delivery): then false and nothing is written.
   */
  async record(
    delivery: QueuedDelivery,
    verdict: AttemptVerdict,
    timing: { startedAt: number; durationMs: number },
  ): Promise<boolean> {
    return withTransaction(this.dataSource, async (manager) => {
      const updated = await this.applyVerdict(manager, delivery, verdict);
      if (!updated) return false;
      const result: DeliveryResult = {
        outboundId: delivery.outboundId,
        partnerId: delivery.partnerId,
        documentType: delivery.documentType,
        relatesTo: [...delivery.relatesTo],
        endpointId: delivery.endpoint,
        channel: delivery.channel,
        attempt: delivery.attempts,
        outcome:
          verdict.outcome === 'delivered'
            ? DeliveryOutcome.Delivered
            : verdict.outcome === 'failed'
              ? DeliveryOutcome.Failed
              : DeliveryOutcome.DeadLettered,
        attemptedAt: timing.startedAt,
        durationMs: Math.round(timing.durationMs),
        nextAttemptAt: verdict.outcome === 'failed' ? verdict.nextAttemptAt.getTime() : null,
        httpStatus: verdict.httpStatus ?? null,
        error: verdict.outcome === 'delivered' ? null : verdict.error,
        receipt: verdict.outcome === 'delivered' ? (verdict.receipt ?? null) : null,
      };
      const messages: OutboxEnqueueRequest[] = [resultMessage(result, delivery.correlationId ?? undefined)];
      if (verdict.outcome === 'dead') messages.push(this.deadLetterException(delivery, verdict.error));
      await this.outbox.enqueueAll(manager, messages);
      return true;
    });
  }

  private async applyVerdict(
    manager: EntityManager,
    delivery: QueuedDelivery,
    verdict: AttemptVerdict,
  ): Promise<boolean> {
    const guard = `outbound_id = $1 AND state = 'pending' AND attempts = $2`;
    const key = [delivery.outboundId, delivery.attempts];
    let sql: string;
    let params: unknown[];
    switch (verdict.outcome) {
      case 'delivered':
        sql = `UPDATE deliveries SET state = 'delivered', delivered_at = now(), lease_until = NULL, last_error = NULL,
                  last_status = $3, receipt = $4::jsonb
            WHERE ${guard} RETURNING 1`;
        params = [
          ...key,
          verdict.httpStatus ?? null,
          verdict.receipt === undefined ? null : JSON.stringify(verdict.receipt),
        ];
        break;
      case 'failed':
        sql = `UPDATE deliveries SET next_attempt_at = $3, lease_until = NULL, last_error = $4, last_status = $5,
                  outage_attempts = outage_attempts + $6
            WHERE ${guard} RETURNING 1`;
        params = [
          ...key,
          verdict.nextAttemptAt,
          verdict.error,
          verdict.httpStatus ?? null,
          verdict.outage ? 1 : 0,
        ];
        break;
      case 'dead':
        sql = `UPDATE deliveries SET state = 'dead', lease_until = NULL, last_error = $3, last_status = $4
            WHERE ${guard} RETURNING 1`;
        params = [...key, verdict.error, verdict.httpStatus ?? null];
        break;
    }
    return updated(await manager.query(sql, params)).length === 1;
  }

  /** After an outage (the breaker closed): the endpoint's backlog is due now, not at its backed-off times. */
  async dueNow(endpoint: string): Promise<number> {
    const rows = updated(
      await this.dataSource.query(
        `UPDATE deliveries SET next_attempt_at = now()
        WHERE endpoint = $1 AND state = 'pending' AND next_attempt_at > now() RETURNING 1`,
        [endpoint],
      ),
    );
    return rows.length;
  }

  /** When the endpoint's next backed-off delivery falls due (undefined: nothing pending). */
  async nextDueAt(endpoint: string): Promise<Date | undefined> {
    const [row] = await this.dataSource.query<{ at: Date | null }[]>(
      `SELECT min(next_attempt_at) AS at FROM deliveries WHERE endpoint = $1 AND state = 'pending'`,
      [endpoint],
    );
    return row?.at ?? undefined;
  }

  async pending(): Promise<PendingSummary[]> {
    const rows = await this.dataSource.query<{ endpoint: string; pending: string; oldest: number }[]>(
      `SELECT endpoint, count(*) AS pending, extract(epoch FROM now() - min(received_at))::float8 AS oldest
         FROM deliveries WHERE state = 'pending' GROUP BY endpoint`,
    );
    return rows.map((r) => ({ endpoint: r.endpoint, pending: Number(r.pending), oldestSeconds: r.oldest }));
  }

  private deadLetterException(delivery: QueuedDelivery, error: string): OutboxEnqueueRequest<OpsException> {
    return {
      topic: TOPICS.opsExceptions,
      key: delivery.outboundId,
      value: {
        exceptionId: randomUUID(),
        kind: ExceptionKind.DeadLetter,
        code: 'PARTNER_DELIVERY_FAILED',
        message: `${delivery.documentType} ${delivery.outboundId} could not be delivered to ${delivery.endpoint} after ${delivery.attempts} attempts: ${error}`,
        service: this.service,
        sourceTopic: TOPICS.partnersOutbound,
        sourcePartition: -1,
        sourceOffset: '',
        sourceKey: delivery.partnerId,
        partnerId: delivery.partnerId,
        correlationId: delivery.correlationId,
        details: [{ code: 'LAST_ERROR', message: error, location: delivery.endpoint }],
        occurredAt: Date.now(),
        // The console's queue: partner delivery, one entry per document owed (a later delivery resolves it).
        workflow: 'partner-delivery',
        documentType: delivery.documentType,
        businessKey: `${delivery.partnerId}/${delivery.outboundId}`,
        documentId: delivery.relatesTo[0] ?? null,
        documentVersion: null,
        record: JSON.stringify({
          outboundId: delivery.outboundId,
          partnerId: delivery.partnerId,
          documentType: delivery.documentType,
          endpoint: delivery.endpoint,
          attempts: delivery.attempts,
        }),
      },
      headers: headersOf(delivery.partnerId, delivery.correlationId ?? undefined),
    };
  }
}

function headersOf(partnerId: string, correlationId: string | undefined): Record<string, string> {
  return {
    [HEADER.partnerId]: partnerId,
    ...(correlationId === undefined ? {} : { [HEADER.correlationId]: correlationId }),
  };
}

function resultMessage(
  result: DeliveryResult,
  correlationId: string | undefined,
): OutboxEnqueueRequest<DeliveryResult> {
  return {
    topic: TOPICS.partnersDeliveryResults,
    key: result.outboundId,
    value: result,
    headers: headersOf(result.partnerId, correlationId),
  };
}

/** typeorm answers an UPDATE … RETURNING with [rows, count] (an INSERT or a SELECT with the rows alone). */
function updated<T>(result: unknown): T[] {
  if (
    Array.isArray(result) &&
    result.length === 2 &&
    Array.isArray(result[0]) &&
    typeof result[1] === 'number'
  )
    return result[0] as T[];
  return result as T[];
}
