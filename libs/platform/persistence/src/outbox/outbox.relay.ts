import { setTimeout as sleep } from 'node:timers/promises';

import { HEADER } from '@tradewind/contracts';
import { Client, type Notification } from 'pg';

import { decodeJsonValue } from '../json-value.codec';
import { type PersistenceLogger, stderrLogger } from '../logger';
import { PersistenceErrorCode, PersistenceException } from '../persistence.exception';
import { AdvisoryLockClass, assertSchemaName, schemaLockKey } from '../schema-name';
import { OUTBOX_NOTIFY_CHANNEL, OUTBOX_TABLE } from './outbox.constants';
import type { OutboxMetrics } from './outbox.metrics';
import type { OutboxMessage, OutboxPublisher, OutboxUndeliverable } from './outbox.types';

/** `stopped` → `connecting` → `standby` (another relay holds the schema) or `active` (publishing). */
export type OutboxRelayState = 'stopped' | 'connecting' | 'standby' | 'active';

export interface OutboxRelayOptions {
  /** postgres://... of the service database. The relay keeps one connection of its own. */
  url: string;
  /** The service schema whose outbox this relay drains. */
  schema: string;
  publisher: OutboxPublisher;
  /** Default `outbox-relay:<schema>`. */
  applicationName?: string;
  /** Rows per publish call (default 100). */
  batchSize?: number;
  /** Polling fallback when a notification is missed (default 1000 ms). */
  pollIntervalMs?: number;
  /** How often a standby relay tries to take over (default 1000 ms): the failover delay. */
  standbyPollMs?: number;
  /** Backoff after a failed publish or a lost connection: doubles from initial to max (100 ms, 10 s). */
  backoff?: { initialMs?: number; maxMs?: number };
  /** Deletes published rows older than the retention (default 7 days, every 10 minutes); false: never. */
  cleanup?: { retentionMs: number; intervalMs?: number } | false;
  metrics?: OutboxMetrics;
  logger?: PersistenceLogger;
}

interface OutboxRow {
  id: string;
  message_id: string;
  topic: string;
  key: string | null;
  value: unknown;
  headers: Record<string, string> | null;
}

interface Session {
  client: Client;
  lost?: Error;
}

const DEFAULT_RETENTION_MS = 7 * 24 * 3_600_000;
const PURGE_BATCH = 5_000;

/**
 * Publishes the outbox of one schema in id order, at least once:
 * - one active relay per schema (session advisory lock on its own connection); others wait as hot
 *   standby and take over within `standbyPollMs` when the active one's session ends;
 * - wakes on NOTIFY from the insert trigger, polls as a fallback;
 * - marks a batch published only after `publish` resolved, so a relay killed in between re-publishes
 *   that batch on restart (consumers dedupe on the `message-id` header with the inbox);
 * - a failed publish is retried with backoff: order is kept. A message the publisher reports as
 *   undeliverable (it can never be sent, and the publisher has reported it) is marked with its reason
 *   and the relay moves on: one bad row never stops the outbox.
 */
export class OutboxRelay {
  private readonly schema: string;
  private readonly table: string;
  private readonly lockKey: [number, number];
  private readonly batchSize: number;
  private readonly logger: PersistenceLogger;
  private currentState: OutboxRelayState = 'stopped';
  private sessionFailures = 0;
  private running?: Promise<void>;
  private abort = new AbortController();
  private readonly wakeup = new Wakeup();

  constructor(private readonly options: OutboxRelayOptions) {
    this.schema = assertSchemaName(options.schema);
    this.table = `"${this.schema}".${OUTBOX_TABLE}`;
    this.lockKey = [AdvisoryLockClass.OutboxRelay, schemaLockKey(this.schema)];
    this.batchSize = options.batchSize ?? 100;
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1) {
      throw new PersistenceException(
        PersistenceErrorCode.InvalidOptions,
        `batchSize must be a positive integer`,
      );
    }
    this.logger = options.logger ?? stderrLogger;
  }

  get state(): OutboxRelayState {
    return this.currentState;
  }

  /** Starts the relay in the background; it runs (and reconnects) until {@link stop}. */
  start(): void {
    if (this.running) return;
    this.abort = new AbortController();
    this.running = this.run();
  }

  /**
   * Finishes the batch in flight (publish and mark), then releases the schema to a standby.
   * Waits as long as the publisher's own timeouts allow.
   */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.abort.abort();
    this.wakeup.notify();
    await this.running;
    this.running = undefined;
  }

  /** Drain now rather than at the next notification or poll (e.g. right after a commit in-process). */
  wake(): void {
    this.wakeup.notify();
  }

  private get stopping(): boolean {
    return this.abort.signal.aborted;
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      const session: Session = {
        client: new Client({
          connectionString: this.options.url,
          application_name: this.options.applicationName ?? `outbox-relay:${this.schema}`,
        }),
      };
      // Without a listener a dropped connection would crash the process; here it ends the session.
      session.client.on('error', (error) => {
        session.lost = error;
        this.wakeup.notify();
      });
      try {
        this.setState('connecting');
        await session.client.connect();
        if (await this.awaitLeadership(session)) await this.lead(session);
      } catch (error) {
        if (this.stopping) break;
        this.sessionFailures++;
        this.logger.error(
          { err: error, schema: this.schema, failures: this.sessionFailures },
          'outbox relay session failed; reconnecting',
        );
        await this.pause(this.backoff(this.sessionFailures));
      } finally {
        if (this.currentState === 'active') this.options.metrics?.pending(this.schema, 0);
        // Ending the session releases the advisory lock: a standby takes over.
        await endClient(session.client);
      }
    }
    this.setState('stopped');
  }

  /** Resolves true once this session holds the schema's relay lock, false when stopped first. */
  private async awaitLeadership(session: Session): Promise<boolean> {
    while (!this.stopping) {
      if (session.lost) throw session.lost;
      const { rows } = await session.client.query<{ locked: boolean }>(
        'SELECT pg_try_advisory_lock($1, $2) AS locked',
        this.lockKey,
      );
      if (rows[0].locked) return true;
      this.setState('standby');
      await this.pause(this.options.standbyPollMs ?? 1_000);
    }
    return false;
  }

  private async lead(session: Session): Promise<void> {
    const { client } = session;
    client.on('notification', (notification: Notification) => {
      if (notification.channel === OUTBOX_NOTIFY_CHANNEL && notification.payload === this.schema) {
        this.wakeup.notify();
      }
    });
    await client.query(`LISTEN ${OUTBOX_NOTIFY_CHANNEL}`);
    // Active only once listening: from here on no commit goes unnoticed (the first drain follows).
    this.setState('active');
    const cleanup = this.options.cleanup ?? { retentionMs: DEFAULT_RETENTION_MS };
    let nextCleanupAt = Date.now();
    let publishFailures = 0;
    while (!this.stopping) {
      if (session.lost) throw session.lost;
      try {
        await this.drain(client);
        publishFailures = 0;
        this.sessionFailures = 0; // reset only once a session did real work: no fast reconnect loop
      } catch (error) {
        if (!(error instanceof PersistenceException && error.code === PersistenceErrorCode.PublishFailed))
          throw error;
        publishFailures++;
        this.options.metrics?.publishFailed?.(this.schema, error.cause);
        this.logger.warn(
          { err: error.cause, schema: this.schema, failures: publishFailures },
          'outbox publish failed; retrying the same batch',
        );
        await this.pause(this.backoff(publishFailures));
        continue;
      }
      if (cleanup && Date.now() >= nextCleanupAt) {
        const execute: ExecuteStatement = async (sql, params) =>
          (await client.query(sql, params)).rowCount ?? 0;
        const removed = await purgePublished(execute, this.table, cleanup.retentionMs);
        if (removed > 0) this.logger.info({ schema: this.schema, removed }, 'outbox published rows purged');
        nextCleanupAt = Date.now() + (cleanup.intervalMs ?? 600_000);
      }
      await this.wakeup.wait(this.options.pollIntervalMs ?? 1_000);
    }
  }

  /** Publishes batches until the outbox is empty (or the relay stops between batches). */
  private async drain(client: Client): Promise<void> {
    const metrics = this.options.metrics;
    let pending = 0;
    if (metrics) {
      const { rows } = await client.query<{ count: number }>(
        `SELECT count(*)::int AS count FROM ${this.table} WHERE published_at IS NULL`,
      );
      pending = rows[0].count;
      metrics.pending(this.schema, pending);
    }
    while (!this.stopping) {
      const { rows } = await client.query<OutboxRow>(
        // ORDER BY o.id, not id: a bare name would sort by the text output column ('10' < '9').
        `SELECT o.id::text AS id, o.message_id::text AS message_id, o.topic, o.key, o.value, o.headers
           FROM ${this.table} AS o WHERE o.published_at IS NULL ORDER BY o.id LIMIT $1`,
        [this.batchSize],
      );
      if (rows.length === 0) return;
      let undeliverable: OutboxUndeliverable[];
      try {
        undeliverable =
          (await this.options.publisher.publish(rows.map(toOutboxMessage)))?.undeliverable ?? [];
      } catch (error) {
        throw new PersistenceException(
          PersistenceErrorCode.PublishFailed,
          `publishing ${rows.length} rows failed`,
          {
            cause: error,
          },
        );
      }
      // Same session as the lock: if the lock was lost with the connection, this fails too and the
      // batch stays unpublished for the next relay (a duplicate, never a gap).
      await client.query(`UPDATE ${this.table} SET published_at = now() WHERE id = ANY ($1::bigint[])`, [
        rows.map((row) => row.id),
      ]);
      if (undeliverable.length > 0) {
        await client.query(
          `UPDATE ${this.table} AS o SET undeliverable_reason = u.reason
             FROM unnest($1::bigint[], $2::text[]) AS u(id, reason) WHERE o.id = u.id`,
          [undeliverable.map((u) => u.id), undeliverable.map((u) => u.reason)],
        );
        this.logger.warn(
          { schema: this.schema, undeliverable },
          'outbox rows that can never be sent were reported and skipped',
        );
        metrics?.undeliverable?.(this.schema, undeliverable.length);
      }
      if (metrics) {
        pending = Math.max(0, pending - rows.length);
        metrics.published(this.schema, rows.length);
        metrics.pending(this.schema, pending);
      }
      if (rows.length < this.batchSize) return;
    }
  }

  private setState(state: OutboxRelayState): void {
    if (state === this.currentState) return;
    this.currentState = state;
    this.logger.info({ schema: this.schema, state }, `outbox relay ${state}`);
  }

  private backoff(failures: number): number {
    const initial = this.options.backoff?.initialMs ?? 100;
    const max = this.options.backoff?.maxMs ?? 10_000;
    return Math.min(max, initial * 2 ** Math.min(failures - 1, 20));
  }

  /** Sleeps, but returns at once when the relay is stopped. */
  private async pause(ms: number): Promise<void> {
    await sleep(ms, undefined, { signal: this.abort.signal }).catch(() => undefined);
  }
}

/** Runs a statement, resolves to the number of rows it affected. */
export type ExecuteStatement = (sql: string, params: unknown[]) => Promise<number>;

/**
 * Deletes published rows older than `olderThanMs` from an outbox table, in bounded batches from the
 * oldest id (where old published rows are), so it needs no index on published_at.
 */
export async function purgePublished(
  execute: ExecuteStatement,
  table: string,
  olderThanMs: number,
): Promise<number> {
  let removed = 0;
  for (;;) {
    const affected = await execute(
      `DELETE FROM ${table} WHERE id = ANY (ARRAY(
         SELECT id FROM ${table}
          WHERE published_at < now() - $1::bigint * interval '1 millisecond'
          ORDER BY id LIMIT $2))`,
      [Math.max(0, Math.floor(olderThanMs)), PURGE_BATCH],
    );
    removed += affected;
    if (affected < PURGE_BATCH) return removed;
  }
}

function toOutboxMessage(row: OutboxRow): OutboxMessage {
  return {
    id: row.id,
    messageId: row.message_id,
    topic: row.topic,
    key: row.key,
    value: decodeJsonValue(row.value),
    headers: { ...row.headers, [HEADER.messageId]: row.message_id },
  };
}

async function endClient(client: Client): Promise<void> {
  // end() waits for the server's goodbye; a dead socket must not hold the relay up.
  await Promise.race([client.end().catch(() => undefined), sleep(5_000, undefined, { ref: false })]);
}

/** A wake-up call that is not lost when it comes while nobody waits (e.g. a NOTIFY mid-drain). */
class Wakeup {
  private pending = false;
  private release?: () => void;

  notify(): void {
    if (this.release) this.release();
    else this.pending = true;
  }

  async wait(timeoutMs: number): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return;
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.release = undefined;
        resolve();
      }, timeoutMs);
      this.release = () => {
        clearTimeout(timer);
        this.release = undefined;
        resolve();
      };
    });
  }
}
