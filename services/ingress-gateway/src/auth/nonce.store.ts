// Used X-Nonce values, remembered for a TTL of at least twice the timestamp window: a request can only be
// replayed while its timestamp is inside the window, and within that time the nonce is still here.
//
// PostgreSQL rather than Redis: it is already the gateway's store (idempotency keys, transaction index),
// every replica shares it, and it survives restarts — a Redis without persistence would forget the nonces
// of the last window on a restart and let those requests be replayed. The cost is one indexed insert per
// request, next to the transaction-index write the request does anyway.
import { deleteInBatches } from '@tradewind/persistence';
import type { DataSource } from 'typeorm';

import { isRowDataError, MicroBatcher } from '../database/micro-batcher';
import { GatewayErrorCode, GatewayException } from '../gateway.exception';

export const NONCE_TABLE = 'gateway_nonce';

export interface NonceStore {
  /** Records the nonce; false when it was already used by this partner and has not expired. */
  remember(partnerId: string, nonce: string, ttlMs: number): Promise<boolean>;
  /** Forgets every expired nonce (in batches of `batchSize`, default 10,000); returns how many. */
  purgeExpired(batchSize?: number): Promise<number>;
}

export interface NonceUse {
  readonly partnerId: string;
  readonly nonce: string;
  readonly ttlMs: number;
}

/**
 * A verified request's nonce, not yet recorded. Either {@link settle} records it on its own (one
 * statement), or a statement that writes the request's first row records it too ({@link take}: the
 * transaction index does, decision 0026), saving the request a round trip. Either way it is recorded
 * before anything of the request is written or published, and a used one refuses the request (401).
 */
export class PendingNonce {
  private outcome: Promise<void> | undefined;

  constructor(
    private readonly store: NonceStore,
    readonly use: NonceUse,
  ) {}

  /** Records the nonce now, once; rejects with `replayed-nonce` when it was already used. */
  settle(): Promise<void> {
    this.outcome ??= this.store.remember(this.use.partnerId, this.use.nonce, this.use.ttlMs).then((fresh) => {
      if (!fresh) throw replayedNonce();
    });
    return this.outcome;
  }

  /**
   * Hands the nonce to a statement that records it with the request's rows, which it writes only when
   * the nonce was unused (the caller then throws {@link replayedNonce}); undefined when already settled.
   */
  take(): NonceUse | undefined {
    if (this.outcome !== undefined) return undefined;
    this.outcome = Promise.resolve();
    return this.use;
  }
}

export function replayedNonce(): GatewayException {
  return new GatewayException(
    GatewayErrorCode.ReplayedNonce,
    'X-Nonce was already used; sign every request with a new nonce.',
    { policy: 'auth:nonce' },
  );
}

export class PostgresNonceStore implements NonceStore {
  // Concurrent requests share one INSERT (group commit): one round trip for many nonces under load.
  private readonly batcher = new MicroBatcher<NonceUse, boolean>({
    run: (uses) => this.rememberAll(uses),
    mayBeCausedByAnItem: isRowDataError,
  });

  constructor(
    private readonly dataSource: DataSource,
    private readonly schema: string,
  ) {}

  remember(partnerId: string, nonce: string, ttlMs: number): Promise<boolean> {
    return this.batcher.submit({ partnerId, nonce, ttlMs });
  }

  private async rememberAll(uses: readonly NonceUse[]): Promise<boolean[]> {
    // The same nonce twice in one batch: the first is the use, the others replays (and one statement
    // may not touch a row twice).
    const key = (u: { partnerId: string; nonce: string }): string => `${u.partnerId}\u0000${u.nonce}`;
    const firsts = new Map<string, NonceUse>();
    for (const use of uses) if (!firsts.has(key(use))) firsts.set(key(use), use);
    const distinct = [...firsts.values()];
    // A new nonce inserts; an expired one is taken over; a live one returns no row.
    const rows = await this.dataSource.query<{ partner_id: string; nonce: string }[]>(
      `INSERT INTO "${this.schema}".${NONCE_TABLE} AS n (partner_id, nonce, expires_at)
       SELECT u.partner_id, u.nonce, now() + make_interval(secs => u.ttl_ms / 1000)
         FROM unnest($1::text[], $2::text[], $3::double precision[]) AS u(partner_id, nonce, ttl_ms)
       ON CONFLICT (partner_id, nonce) DO UPDATE SET expires_at = excluded.expires_at
         WHERE n.expires_at < now()
       RETURNING n.partner_id, n.nonce`,
      [distinct.map((u) => u.partnerId), distinct.map((u) => u.nonce), distinct.map((u) => u.ttlMs)],
    );
    const fresh = new Set(rows.map((r) => key({ partnerId: r.partner_id, nonce: r.nonce })));
    return uses.map((use) => firsts.get(key(use)) === use && fresh.has(key(use)));
  }

  purgeExpired(batchSize?: number): Promise<number> {
    return deleteInBatches(this.dataSource, {
      table: `"${this.schema}".${NONCE_TABLE}`,
      where: 'expires_at < now()',
      ...(batchSize === undefined ? {} : { batchSize }),
    });
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
