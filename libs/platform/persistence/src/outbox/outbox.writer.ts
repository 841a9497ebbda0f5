import { randomUUID } from 'node:crypto';

import type { EntityManager } from 'typeorm';

import { schemaOf } from '../data-source.factory';
import { encodeJsonValue } from '../json-value.codec';
import { PersistenceErrorCode, PersistenceException } from '../persistence.exception';
import { OUTBOX_TABLE } from './outbox.constants';
import type { OutboxEnqueued, OutboxEnqueueRequest } from './outbox.types';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const COLUMNS = 5;
// Stays far below PostgreSQL's 65535 bind parameters per statement.
const ROWS_PER_STATEMENT = 1_000;

/**
 * Writes events to the outbox in the caller's transaction, so the business change and its events
 * commit or roll back together. The relay publishes them after commit.
 *
 * Per-key order: rows are published in id order, and an id is taken when the row is inserted. Enqueue
 * after the write that locks the aggregate (the row the key names), so two transactions on the same
 * key take their ids in commit order.
 */
export class OutboxWriter {
  async enqueue<V>(manager: EntityManager, request: OutboxEnqueueRequest<V>): Promise<OutboxEnqueued> {
    const [enqueued] = await this.enqueueAll(manager, [request]);
    return enqueued;
  }

  /** Several messages in one round trip per thousand; ids follow the order of `requests`. */
  async enqueueAll<V>(
    manager: EntityManager,
    requests: OutboxEnqueueRequest<V>[],
  ): Promise<OutboxEnqueued[]> {
    if (manager.queryRunner?.isTransactionActive !== true) {
      throw new PersistenceException(
        PersistenceErrorCode.NotInTransaction,
        'enqueue needs the EntityManager of an open transaction (withTransaction), or the event could commit without the change',
      );
    }
    const table = `"${schemaOf(manager.dataSource)}".${OUTBOX_TABLE}`;
    const rows = requests.map((request) => toRow(request));
    const enqueued: OutboxEnqueued[] = [];
    for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
      const chunk = rows.slice(start, start + ROWS_PER_STATEMENT);
      const placeholders = chunk.map((_, row) => {
        const p = row * COLUMNS;
        return `($${p + 1}::uuid, $${p + 2}, $${p + 3}, $${p + 4}::jsonb, $${p + 5}::jsonb)`;
      });
      // Rows of one VALUES list take their ids in list order; RETURNING order is not promised.
      const inserted = await manager.query<OutboxEnqueued[]>(
        `INSERT INTO ${table} (message_id, topic, key, value, headers) VALUES ${placeholders.join(', ')}
         RETURNING id::text AS id, message_id::text AS "messageId"`,
        chunk.flat(),
      );
      const byMessageId = new Map(inserted.map((row) => [row.messageId, row]));
      for (const [messageId] of chunk) enqueued.push(byMessageId.get(messageId)!);
    }
    return enqueued;
  }
}

type Row = [messageId: string, topic: string, key: string | null, value: string, headers: string];

function toRow(request: OutboxEnqueueRequest<unknown>): Row {
  const { topic, key = null, value, headers = {}, messageId = randomUUID() } = request;
  if (typeof topic !== 'string' || topic.length === 0) invalid('topic must be a non-empty string');
  if (key !== null && typeof key !== 'string') invalid(`key must be a string or null (topic ${topic})`);
  if (!UUID.test(messageId)) invalid(`messageId must be a UUID, got ${JSON.stringify(messageId)}`);
  for (const [name, header] of Object.entries(headers)) {
    if (typeof header !== 'string') invalid(`header ${name} must be a string (topic ${topic})`);
  }
  // Strings, not objects: pg would turn a JavaScript array into a PostgreSQL array, not JSON.
  return [
    messageId.toLowerCase(),
    topic,
    key,
    JSON.stringify(encodeJsonValue(value)),
    JSON.stringify(headers),
  ];
}

function invalid(message: string): never {
  throw new PersistenceException(PersistenceErrorCode.InvalidMessage, message);
}
