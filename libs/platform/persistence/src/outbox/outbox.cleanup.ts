import type { DataSource } from 'typeorm';

import { schemaOf } from '../data-source.factory';
import { OUTBOX_TABLE } from './outbox.constants';
import { purgePublished } from './outbox.relay';

/**
 * Deletes published outbox rows older than `olderThanMs` (the relay does this on its own schedule;
 * this is for jobs and tests). Returns the number of rows removed.
 */
export async function purgePublishedOutbox(
  dataSource: DataSource,
  options: { olderThanMs: number },
): Promise<number> {
  return purgePublished(
    async (sql, params) => {
      // typeorm answers a DELETE with [rows, affected].
      const [, affected] = await dataSource.query<[unknown, number]>(sql, params);
      return affected;
    },
    `"${schemaOf(dataSource)}".${OUTBOX_TABLE}`,
    options.olderThanMs,
  );
}
