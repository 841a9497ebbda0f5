import { createLogger } from '@tradewind/observability';
import type { Pool } from 'pg';

/**
 * Which records a consumer group has parked in its retry topic. While a key has parked records,
 * later records with that key are parked behind them, so an update never overtakes its create.
 * Kept in PostgreSQL so that it survives restarts and rebalances between instances.
 */
export interface ParkedRecordStore {
  init(): Promise<void>;
  /** Keys among `keys` that have parked records. */
  parkedKeys(group: string, topic: string, keys: readonly string[]): Promise<Set<string>>;
  park(group: string, topic: string, key: string, partition: number, offset: string): Promise<void>;
  release(group: string, topic: string, partition: number, offset: string): Promise<void>;
  count(group: string, topic: string): Promise<number>;
}

export class PostgresParkedRecordStore implements ParkedRecordStore {
  private readonly table: string;
  private readonly log = createLogger('ParkedRecordStore');

  constructor(
    private readonly pool: Pool,
    schema: string,
  ) {
    this.table = `"${schema.replaceAll('"', '')}".messaging_parked_record`;
    // When PostgreSQL drops an idle connection (a restart, a terminated backend) pg-pool discards the
    // client and emits 'error' on the pool: unheard, that event crashes the whole service. The next
    // query simply connects again.
    pool.on('error', (error) => this.log.warn({ err: error }, 'an idle database connection was closed'));
  }

  async init(): Promise<void> {
    // Owned by the messaging library and created idempotently, like the consumer's retry topics.
    await this.pool.query(`create schema if not exists ${this.table.split('.')[0]}`);
    await this.pool.query(`create table if not exists ${this.table} (
      consumer_group text not null, topic text not null, source_partition int not null, source_offset bigint not null,
      record_key text not null, parked_at timestamptz not null default now(),
      primary key (consumer_group, topic, source_partition, source_offset))`);
    await this.pool.query(
      `create index if not exists messaging_parked_record_key on ${this.table} (consumer_group, topic, record_key)`,
    );
  }

  async parkedKeys(group: string, topic: string, keys: readonly string[]): Promise<Set<string>> {
    if (keys.length === 0) return new Set();
    const result = await this.pool.query<{ record_key: string }>(
      `select distinct record_key from ${this.table} where consumer_group = $1 and topic = $2 and record_key = any($3)`,
      [group, topic, keys],
    );
    return new Set(result.rows.map((row) => row.record_key));
  }

  async park(group: string, topic: string, key: string, partition: number, offset: string): Promise<void> {
    await this.pool.query(
      `insert into ${this.table} (consumer_group, topic, source_partition, source_offset, record_key)
       values ($1, $2, $3, $4, $5) on conflict do nothing`,
      [group, topic, partition, offset, key],
    );
  }

  async release(group: string, topic: string, partition: number, offset: string): Promise<void> {
    await this.pool.query(
      `delete from ${this.table} where consumer_group = $1 and topic = $2 and source_partition = $3 and source_offset = $4`,
      [group, topic, partition, offset],
    );
  }

  async count(group: string, topic: string): Promise<number> {
    const result = await this.pool.query<{ n: string }>(
      `select count(*) as n from ${this.table} where consumer_group = $1 and topic = $2`,
      [group, topic],
    );
    return Number(result.rows[0]?.n ?? 0);
  }
}

/** In-memory store for unit tests of handlers (not durable). */
export class InMemoryParkedRecordStore implements ParkedRecordStore {
  private readonly rows = new Map<string, string>();

  init(): Promise<void> {
    return Promise.resolve();
  }

  parkedKeys(group: string, topic: string, keys: readonly string[]): Promise<Set<string>> {
    const prefix = `${group}\u0000${topic}\u0000`;
    const parked = new Set<string>();
    for (const [id, key] of this.rows) if (id.startsWith(prefix) && keys.includes(key)) parked.add(key);
    return Promise.resolve(parked);
  }

  park(group: string, topic: string, key: string, partition: number, offset: string): Promise<void> {
    this.rows.set(`${group}\u0000${topic}\u0000${partition}\u0000${offset}`, key);
    return Promise.resolve();
  }

  release(group: string, topic: string, partition: number, offset: string): Promise<void> {
    this.rows.delete(`${group}\u0000${topic}\u0000${partition}\u0000${offset}`);
    return Promise.resolve();
  }

  count(group: string, topic: string): Promise<number> {
    const prefix = `${group}\u0000${topic}\u0000`;
    return Promise.resolve([...this.rows.keys()].filter((id) => id.startsWith(prefix)).length);
  }
}
