import type { DataSource } from 'typeorm';

export interface ReceivedRecord {
  messageId: string;
  topic: string;
  key: string | null;
}

/** The records the service has seen, one per message id. */
export interface ReceivedRecords {
  /** Stores the record unless its message id is stored already; true when it was new. */
  add(record: ReceivedRecord): Promise<boolean>;
  has(messageId: string): Promise<boolean>;
}

export const RECEIVED_RECORDS = Symbol('partner-delivery:received-records');

export class PostgresReceivedRecords implements ReceivedRecords {
  constructor(private readonly dataSource: DataSource) {}

  async add(record: ReceivedRecord): Promise<boolean> {
    const rows = await this.dataSource.query<unknown[]>(
      `INSERT INTO received_records (message_id, topic, record_key) VALUES ($1, $2, $3)
       ON CONFLICT (message_id) DO NOTHING RETURNING message_id`,
      [record.messageId, record.topic, record.key],
    );
    return rows.length === 1;
  }

  async has(messageId: string): Promise<boolean> {
    const rows = await this.dataSource.query<unknown[]>(
      'SELECT 1 FROM received_records WHERE message_id = $1',
      [messageId],
    );
    return rows.length === 1;
  }
}

/** The same contract in memory, for unit tests of the handler (the itest runs the PostgreSQL one). */
export class InMemoryReceivedRecords implements ReceivedRecords {
  readonly records = new Map<string, ReceivedRecord>();

  add(record: ReceivedRecord): Promise<boolean> {
    if (this.records.has(record.messageId)) return Promise.resolve(false);
    this.records.set(record.messageId, record);
    return Promise.resolve(true);
  }

  has(messageId: string): Promise<boolean> {
    return Promise.resolve(this.records.has(messageId));
  }
}
