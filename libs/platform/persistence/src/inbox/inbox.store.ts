import type { DataSource, EntityManager } from 'typeorm';

import { deleteInBatches } from '../batch-delete';
import { schemaOf } from '../data-source.factory';
import { PersistenceErrorCode, PersistenceException } from '../persistence.exception';
import { type TransactionOptions, withTransaction } from '../transaction';
import { INBOX_TABLE } from './inbox.migration';

export interface InboxKey {
  consumerGroup: string;
  /** The producer's message id (the `message-id` header of outbox messages). */
  messageId: string;
}

/**
 * Idempotent consumers: records which message ids a consumer group has processed, in the same
 * transaction as the processing, so a redelivered message changes nothing.
 */
export class Inbox {
  /**
   * Marks the message processed and runs `fn` in the caller's transaction, only when this message id
   * was not processed before by the group. Returns whether `fn` ran.
   *
   * A concurrent transaction handling the same id waits on the primary key until this one ends: it
   * then skips (this one committed) or runs (this one rolled back). When `fn` throws, the error
   * propagates and the caller's transaction must roll back, taking the mark with it.
   */
  async runOnce(
    manager: EntityManager,
    key: InboxKey,
    fn: (manager: EntityManager) => Promise<unknown>,
  ): Promise<boolean> {
    if (manager.queryRunner?.isTransactionActive !== true) {
      throw new PersistenceException(
        PersistenceErrorCode.NotInTransaction,
        'runOnce needs the EntityManager of an open transaction, or the mark could commit without the work',
      );
    }
    validate(key);
    const inserted = await manager.query<unknown[]>(
      `INSERT INTO "${schemaOf(manager.dataSource)}".${INBOX_TABLE} (consumer_group, message_id) VALUES ($1, $2)
       ON CONFLICT (consumer_group, message_id) DO NOTHING RETURNING 1`,
      [key.consumerGroup, key.messageId],
    );
    if (inserted.length === 0) return false;
    await fn(manager);
    return true;
  }

  /** {@link runOnce} in a transaction of its own. */
  async processOnce(
    dataSource: DataSource,
    key: InboxKey,
    fn: (manager: EntityManager) => Promise<unknown>,
    options?: TransactionOptions,
  ): Promise<boolean> {
    return withTransaction(dataSource, (manager) => this.runOnce(manager, key, fn), options);
  }

  /**
   * Forgets marks older than `olderThanMs`. Keep it longer than the topics' retention plus the
   * longest consumer outage: after that a redelivery is impossible, before it a duplicate would pass.
   * Returns the number of marks removed.
   */
  async purge(dataSource: DataSource, options: { olderThanMs: number; batchSize?: number }): Promise<number> {
    return deleteInBatches(dataSource, {
      table: `"${schemaOf(dataSource)}".${INBOX_TABLE}`,
      where: 'processed_at < now() - make_interval(secs => $1 / 1000.0)',
      params: [options.olderThanMs],
      ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
    });
  }
}

function validate(key: InboxKey): void {
  if (typeof key.consumerGroup !== 'string' || key.consumerGroup.length === 0) {
    throw new PersistenceException(
      PersistenceErrorCode.InvalidMessage,
      'consumerGroup must be a non-empty string',
    );
  }
  if (typeof key.messageId !== 'string' || key.messageId.length === 0) {
    throw new PersistenceException(
      PersistenceErrorCode.InvalidMessage,
      `messageId must be a non-empty string (consumer group ${key.consumerGroup}); a record without a message-id header cannot be deduplicated`,
    );
  }
}
