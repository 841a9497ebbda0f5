// Used X-Nonce values, remembered for a TTL of at least twice the timestamp window: a request can only be
// replayed while its timestamp is inside the window, and within that time the nonce is still here.
//
// PostgreSQL rather than Redis: it is already the gateway's store (idempotency keys, transaction index),
// every replica shares it, and it survives restarts — a Redis without persistence would forget the nonces
// of the last window on a restart and let those requests be replayed. The cost is one indexed insert per
// request, next to the transaction-index write the request does anyway.
import type { DataSource } from 'typeorm';

export const NONCE_TABLE = 'gateway_nonce';

export interface NonceStore {
  /** Records the nonce; false when it was already used by this partner and has not expired. */
  remember(partnerId: string, nonce: string, ttlMs: number): Promise<boolean>;
  /** Forgets expired nonces; returns how many. */
  purgeExpired(): Promise<number>;
}

export class PostgresNonceStore implements NonceStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly schema: string,
  ) {}

  async remember(partnerId: string, nonce: string, ttlMs: number): Promise<boolean> {
    // One statement: a new nonce inserts; an expired one is taken over; a live one returns no row.
    const rows = await this.dataSource.query<unknown[]>(
      `INSERT INTO "${this.schema}".${NONCE_TABLE} AS n (partner_id, nonce, expires_at)
       VALUES ($1, $2, now() + make_interval(secs => $3::double precision / 1000))
       ON CONFLICT (partner_id, nonce) DO UPDATE SET expires_at = excluded.expires_at
         WHERE n.expires_at < now()
       RETURNING 1`,
      [partnerId, nonce, ttlMs],
    );
    return rows.length === 1;
  }

  async purgeExpired(): Promise<number> {
    const [, affected] = await this.dataSource.query<[unknown, number]>(
      `DELETE FROM "${this.schema}".${NONCE_TABLE} WHERE ctid = ANY (ARRAY(
         SELECT ctid FROM "${this.schema}".${NONCE_TABLE} WHERE expires_at < now() LIMIT 10000))`,
    );
    return affected;
  }
}

/** For unit tests: the same contract in memory, on an injectable clock. */
export class InMemoryNonceStore implements NonceStore {
  private readonly used = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  remember(partnerId: string, nonce: string, ttlMs: number): Promise<boolean> {
    const key = `${partnerId}\u0000${nonce}`;
    const expiresAt = this.used.get(key);
    if (expiresAt !== undefined && expiresAt >= this.now()) return Promise.resolve(false);
    this.used.set(key, this.now() + ttlMs);
    return Promise.resolve(true);
  }

  purgeExpired(): Promise<number> {
    let removed = 0;
    for (const [key, expiresAt] of this.used) {
      if (expiresAt < this.now()) {
        this.used.delete(key);
        removed++;
      }
    }
    return Promise.resolve(removed);
  }
}
