import type { DataSource, EntityManager } from 'typeorm';

import type { PostgresDataSourceOptions } from './data-source.factory';

export type IsolationLevel = NonNullable<PostgresDataSourceOptions['isolationLevel']>;

export interface TransactionOptions {
  isolationLevel?: IsolationLevel;
  /**
   * Attempts in all (default 1). Above 1, a transaction that fails with a serialization failure or a
   * deadlock (SQLSTATE 40001, 40P01) is run again from the start, so `fn` must be safe to repeat.
   */
  maxAttempts?: number;
}

const RETRYABLE_SQLSTATES = new Set(['40001', '40P01']);

/**
 * Runs `fn` in one database transaction: commits when it resolves, rolls back when it throws.
 * Every write that must be atomic with an outbox message or an inbox mark goes through `manager`.
 */
export async function withTransaction<T>(
  dataSource: DataSource,
  fn: (manager: EntityManager) => Promise<T>,
  options: TransactionOptions = {},
): Promise<T> {
  const maxAttempts = Math.max(1, options.maxAttempts ?? 1);
  for (let attempt = 1; ; attempt++) {
    try {
      return options.isolationLevel === undefined
        ? await dataSource.transaction(fn)
        : await dataSource.transaction(options.isolationLevel, fn);
    } catch (error) {
      if (attempt >= maxAttempts || !isRetryable(error)) throw error;
    }
  }
}

export function sqlState(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, driverError } = error as { code?: unknown; driverError?: unknown };
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  return driverError === undefined ? undefined : sqlState(driverError);
}

function isRetryable(error: unknown): boolean {
  const state = sqlState(error);
  return state !== undefined && RETRYABLE_SQLSTATES.has(state);
}
