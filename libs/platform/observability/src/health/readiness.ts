import { ObservabilityErrorCode, ObservabilityException } from '../observability.exception';

/** One dependency the service needs before it can take traffic. */
export interface ReadinessCheck {
  /** Shown in the /health/ready body, e.g. `kafka`, `schema-registry`, `database`. */
  name: string;
  /** Resolves when the dependency answers; rejects with the reason otherwise. Abort on `signal`. */
  check(signal: AbortSignal): Promise<void>;
  /** Overrides the runner's default timeout for this check. */
  timeoutMs?: number;
}

export interface CheckResult {
  name: string;
  status: 'up' | 'down';
  durationMs: number;
  /** Why it is down (the error message with its causes). */
  error?: string;
}

export interface ReadinessReport {
  status: 'ready' | 'not_ready';
  checks: CheckResult[];
}

export const DEFAULT_CHECK_TIMEOUT_MS = 2_000;

/** Runs every check in parallel, each within its timeout; ready only when all are up. */
export async function runReadinessChecks(
  checks: readonly ReadinessCheck[],
  defaultTimeoutMs = DEFAULT_CHECK_TIMEOUT_MS,
): Promise<ReadinessReport> {
  const results = await Promise.all(
    checks.map((check) => runCheck(check, check.timeoutMs ?? defaultTimeoutMs)),
  );
  return { status: results.every((r) => r.status === 'up') ? 'ready' : 'not_ready', checks: results };
}

async function runCheck(check: ReadinessCheck, timeoutMs: number): Promise<CheckResult> {
  const started = performance.now();
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new ObservabilityException(
        ObservabilityErrorCode.CheckTimeout,
        `no answer within ${timeoutMs} ms`,
      );
      controller.abort(error);
      reject(error);
    }, timeoutMs);
  });
  try {
    // A check that ignores the signal still loses the race; its late answer is dropped.
    await Promise.race([Promise.resolve().then(() => check.check(controller.signal)), timeout]);
    return { name: check.name, status: 'up', durationMs: elapsed(started) };
  } catch (error) {
    return { name: check.name, status: 'down', durationMs: elapsed(started), error: errorText(error) };
  } finally {
    clearTimeout(timer);
  }
}

const elapsed = (started: number): number => Math.round(performance.now() - started);

/** An error's message followed by its causes': `fetch failed: connect ECONNREFUSED 127.0.0.1:1`. */
export function errorText(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 5; depth++) {
    if (current instanceof AggregateError && current.message === '') {
      parts.push(current.errors.map((e) => errorText(e)).join('; '));
      break;
    }
    if (current instanceof Error) {
      if (current.message !== '') parts.push(current.message);
      else if ('code' in current && typeof current.code === 'string') parts.push(current.code);
      current = current.cause;
    } else {
      parts.push(typeof current === 'string' ? current : JSON.stringify(current));
      break;
    }
  }
  return parts.length > 0 ? parts.join(': ') : 'unknown error';
}
