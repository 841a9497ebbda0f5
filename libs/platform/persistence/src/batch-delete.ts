import type { DataSource } from 'typeorm';

export interface BatchDeleteOptions {
  /** Qualified table name, already quoted (`"schema".table`). */
  readonly table: string;
  /** The rows to delete, with `$1`… for `params`. */
  readonly where: string;
  readonly params?: readonly unknown[];
  /** Rows per statement (default 10,000). */
  readonly batchSize?: number;
}

/**
 * Deletes every row matching `where`, in statements of at most `batchSize` rows, until none is left:
 * bounded batches keep each statement's locks and WAL small on a busy table, and looping until done means
 * a purge keeps up however fast rows arrive (one batch per run would fall behind and grow without bound).
 * Returns the number of rows removed.
 */
export async function deleteInBatches(dataSource: DataSource, options: BatchDeleteOptions): Promise<number> {
  const params = options.params ?? [];
  const batchSize = options.batchSize ?? 10_000;
  let removed = 0;
  for (;;) {
    // typeorm answers a DELETE with [rows, affected].
    const [, affected] = await dataSource.query<[unknown, number]>(
      `DELETE FROM ${options.table} WHERE ctid = ANY (ARRAY(
         SELECT ctid FROM ${options.table} WHERE ${options.where} LIMIT $${params.length + 1}))`,
      [...params, batchSize],
    );
    removed += affected;
    if (affected < batchSize) return removed;
  }
}
