import { deleteInBatches } from '@tradewind/persistence';
import type { DataSource } from 'typeorm';

import { decideIdempotency, type IdempotencyDecision, type StoredResponse } from './idempotency';

interface Row {
  request_hash: string;
  state: 'in-progress' | 'completed';
  response_status: number | null;
  response_headers: Record<string, string> | null;
  response_body: unknown;
  expires_at: Date;
}

export interface IdempotencyDurations {
  /**
   * How long a claimed key stays "in progress" without an answer: a request that dies with its process
   * (crash, kill) frees its key this soon, not after the whole retention. Longer than any request runs.
   */
  readonly leaseMs: number;
  /** How long a completed key and its response are remembered. */
  readonly retentionMs: number;
}

/** Idempotency keys and their responses in PostgreSQL, per partner. */
export class IdempotencyStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly schema: string,
    private readonly durations: IdempotencyDurations,
  ) {}

  private get table(): string {
    return `"${this.schema}".gateway_idempotency`;
  }

  /**
   * Claims the key for this request (a new key, one whose record expired, or one whose in-progress lease
   * ran out) in one statement, or says what the existing record means for it. Concurrent claims of one key
   * serialize on its primary key.
   */
  async claim(partnerId: string, key: string, requestHash: string): Promise<IdempotencyDecision> {
    const claimed = await this.dataSource.query<unknown[]>(
      `INSERT INTO ${this.table} AS i (partner_id, idempotency_key, request_hash, state, expires_at)
       VALUES ($1, $2, $3, 'in-progress', now() + make_interval(secs => $4::double precision / 1000))
       ON CONFLICT (partner_id, idempotency_key) DO UPDATE
         SET request_hash = excluded.request_hash, state = 'in-progress', response_status = NULL,
             response_headers = NULL, response_body = NULL, created_at = now(), expires_at = excluded.expires_at
         WHERE i.expires_at <= now()
       RETURNING 1`,
      [partnerId, key, requestHash, this.durations.leaseMs],
    );
    if (claimed.length === 1) return { kind: 'proceed' };
    const rows = await this.dataSource.query<Row[]>(
      `SELECT request_hash, state, response_status, response_headers, response_body, expires_at
         FROM ${this.table} WHERE partner_id = $1 AND idempotency_key = $2`,
      [partnerId, key],
    );
    const row = rows[0];
    if (row === undefined) {
      // Released between our insert and select: the caller may simply retry.
      return { kind: 'in-progress' };
    }
    const decision = decideIdempotency(
      {
        requestHash: row.request_hash,
        state: row.state,
        response:
          row.response_status === null
            ? undefined
            : { status: row.response_status, headers: row.response_headers ?? {}, body: row.response_body },
        expiresAt: new Date(row.expires_at),
      },
      requestHash,
      new Date(),
    );
    // Expired between the two statements: treat as in progress rather than racing for it.
    return decision.kind === 'proceed' ? { kind: 'in-progress' } : decision;
  }

  async complete(partnerId: string, key: string, response: StoredResponse): Promise<void> {
    await this.dataSource.query(
      `UPDATE ${this.table} SET state = 'completed', response_status = $3, response_headers = $4, response_body = $5,
              expires_at = now() + make_interval(secs => $6::double precision / 1000)
        WHERE partner_id = $1 AND idempotency_key = $2`,
      [
        partnerId,
        key,
        response.status,
        JSON.stringify(response.headers),
        JSON.stringify(response.body),
        this.durations.retentionMs,
      ],
    );
  }

  /** How often a key whose request is still settling ({@link extendLease}) has its lease renewed. */
  get leaseRenewalMs(): number {
    return Math.max(1, Math.floor(this.durations.leaseMs / 3));
  }

  /** Keeps an in-progress key claimed for another lease (its request's outcome is still unknown). */
  async extendLease(partnerId: string, key: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE ${this.table} SET expires_at = now() + make_interval(secs => $3::double precision / 1000)
        WHERE partner_id = $1 AND idempotency_key = $2 AND state = 'in-progress'`,
      [partnerId, key, this.durations.leaseMs],
    );
  }

  /** Gives the key back after a failure of ours (5xx), so the partner's retry is processed. */
  async release(partnerId: string, key: string): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM ${this.table} WHERE partner_id = $1 AND idempotency_key = $2 AND state = 'in-progress'`,
      [partnerId, key],
    );
  }

  /** Forgets expired keys (and lapsed leases), however many there are; returns how many. */
  async purgeExpired(batchSize?: number): Promise<number> {
    return deleteInBatches(this.dataSource, {
      table: this.table,
      where: 'expires_at < now()',
      ...(batchSize === undefined ? {} : { batchSize }),
    });
  }
}
