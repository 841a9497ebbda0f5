/**
 * Runs a batch of records with per-key ordering: records that share a key run one after another in
 * offset order; different keys run concurrently (up to `concurrency`). A record without a key has no
 * ordering constraint and runs on its own. `handle` resolves false when it could not dispose of the
 * record (shutdown): the rest of that key's chain is then skipped, so nothing overtakes it.
 * Returns the offsets that completed. When `handle` throws, the other workers take no new record, and
 * the error is rethrown only once every worker has returned: a re-fetched batch must never run a key
 * that is still running here.
 */
export interface KeyedRecord {
  key: string | null;
  offset: string;
}

export interface DispatchOptions {
  concurrency: number;
  /** Checked before each record; false stops taking new records (shutdown, revoked partition). */
  shouldContinue: () => boolean;
}

export async function dispatchByKey<R extends KeyedRecord>(
  records: readonly R[],
  handle: (record: R) => Promise<boolean>,
  options: DispatchOptions,
): Promise<Set<string>> {
  const chains: R[][] = [];
  const byKey = new Map<string, R[]>();
  for (const record of records) {
    if (record.key === null) {
      chains.push([record]);
      continue;
    }
    let chain = byKey.get(record.key);
    if (!chain) {
      chain = [];
      byKey.set(record.key, chain);
      chains.push(chain);
    }
    chain.push(record);
  }

  const completed = new Set<string>();
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (next < chains.length && !failed) {
      const chain = chains[next++];
      for (const record of chain) {
        if (failed || !options.shouldContinue()) return;
        try {
          if (!(await handle(record))) break;
        } catch (error) {
          failed = true;
          throw error;
        }
        completed.add(record.offset);
      }
    }
  };
  const workers = Array.from({ length: Math.max(1, Math.min(options.concurrency, chains.length)) }, worker);
  const settled = await Promise.allSettled(workers);
  const rejection = settled.find((result) => result.status === 'rejected');
  if (rejection) throw rejection.reason;
  return completed;
}

/**
 * The offset to commit after a batch: the first offset that did not complete (Kafka commits the next
 * offset to read), or one past the last record when all completed; undefined when nothing can advance.
 */
export function committableOffset(
  offsetsInOrder: readonly string[],
  completed: ReadonlySet<string>,
): string | undefined {
  let commit: string | undefined;
  for (const offset of offsetsInOrder) {
    if (!completed.has(offset)) return commit;
    commit = (BigInt(offset) + 1n).toString();
  }
  return commit;
}
