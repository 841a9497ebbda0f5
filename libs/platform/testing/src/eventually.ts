import { setTimeout as sleep } from 'node:timers/promises';

export interface EventuallyOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** Shown when the condition never held. */
  description?: string;
}

/**
 * Polls `probe` until it stops throwing (assertions included) and returns its value.
 * Use instead of sleeps: the test waits exactly as long as the system needs, up to the timeout.
 */
export async function expectEventually<T>(
  probe: () => T | Promise<T>,
  options: EventuallyOptions = {},
): Promise<T> {
  const { timeoutMs = 30_000, intervalMs = 100, description = 'condition' } = options;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      return await probe();
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      throw new Error(`${description} did not hold within ${timeoutMs} ms`, { cause: lastError });
    }
    await sleep(intervalMs);
  }
}

/**
 * Waits until `read` returns the same value for `quietMs` in a row: the system has stopped moving
 * (for example a count of written records). Returns that value.
 */
export async function waitForQuiescence<T>(
  read: () => T | Promise<T>,
  options: { quietMs?: number; timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const { quietMs = 2_000, timeoutMs = 120_000, intervalMs = 200 } = options;
  const deadline = Date.now() + timeoutMs;
  let last = await read();
  let stableSince = Date.now();
  while (Date.now() < deadline) {
    await sleep(intervalMs);
    const current = await read();
    if (JSON.stringify(current) !== JSON.stringify(last)) {
      last = current;
      stableSince = Date.now();
    } else if (Date.now() - stableSince >= quietMs) {
      return current;
    }
  }
  throw new Error(`no quiescence within ${timeoutMs} ms (last value ${JSON.stringify(last)})`);
}
