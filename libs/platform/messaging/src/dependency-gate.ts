import { DependencyUnavailableError } from './messaging.exception';

/** PostgreSQL states that mean "the database is not there right now", not "this statement is wrong". */
const DATABASE_UNAVAILABLE_STATES = new Set(['57P01', '57P02', '57P03', '53300']);
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);
// Not pg-pool's "timeout exceeded when trying to connect": a saturated pool under load says it too,
// and holding every record would only slow the consumer down.
const DATABASE_MESSAGES = /connection terminated|the database system is/i;

/**
 * The dependency an error says is unavailable, or undefined when the error is the record's own.
 * Recognises DependencyUnavailableError anywhere in the cause chain (typeorm's `driverError` too),
 * PostgreSQL's connection failures and refused or dropped connections.
 */
export function unavailableDependency(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current !== null && typeof current === 'object'; depth++) {
    if (current instanceof DependencyUnavailableError) return current.dependency;
    const { code, message, cause, driverError } = current as {
      code?: unknown;
      message?: unknown;
      cause?: unknown;
      driverError?: unknown;
    };
    if (typeof code === 'string') {
      if (code.startsWith('08') && code.length === 5) return 'database';
      if (DATABASE_UNAVAILABLE_STATES.has(code)) return 'database';
      if (NETWORK_CODES.has(code)) return 'network';
    }
    if (typeof message === 'string' && DATABASE_MESSAGES.test(message)) return 'database';
    if (current instanceof AggregateError) {
      const inner = current.errors.map(unavailableDependency).find((d) => d !== undefined);
      if (inner !== undefined) return inner;
    }
    current = driverError ?? cause;
  }
  return undefined;
}

export interface OutagePolicy {
  /** First wait after a dependency is found down; doubles per failed probe. */
  initialDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_OUTAGE_POLICY: OutagePolicy = { initialDelayMs: 500, maxDelayMs: 15_000 };

export interface UnavailableDependency {
  dependency: string;
  since: number;
  error: string;
}

export interface GateListener {
  down(dependency: string): void;
  up(dependency: string): void;
}

/**
 * Holds a consumer's records while a dependency is down. The first failure closes the gate; from then
 * on one record at a time probes (after a backoff that doubles up to `maxDelayMs`) and the others wait.
 * The first success opens it again for everyone. Waiting records keep their attempt count.
 */
export class DependencyGate {
  private readonly down = new Map<string, UnavailableDependency>();
  private delayMs: number;
  private nextProbeAt = 0;
  private probing = false;
  private wake: (() => void)[] = [];

  constructor(
    private readonly policy: OutagePolicy = DEFAULT_OUTAGE_POLICY,
    private readonly listener?: GateListener,
  ) {
    this.delayMs = policy.initialDelayMs;
  }

  get unavailable(): UnavailableDependency[] {
    return [...this.down.values()];
  }

  /**
   * Resolves when the caller may run its attempt: at once while nothing is down, else when it is the
   * next probe or the gate opens. `probe` tells the caller to report back with `failed(…, true)`.
   * Resolves `admitted: false` as soon as `isActive` turns false (shutdown, rebalance).
   */
  async admit(isActive: () => boolean): Promise<{ admitted: boolean; probe: boolean }> {
    for (;;) {
      if (!isActive()) return { admitted: false, probe: false };
      if (this.down.size === 0) return { admitted: true, probe: false };
      const now = Date.now();
      if (!this.probing && now >= this.nextProbeAt) {
        this.probing = true;
        return { admitted: true, probe: true };
      }
      // Re-checked on every change and at least every 250 ms, so a stop is noticed promptly.
      const wait = this.probing ? 250 : Math.min(Math.max(this.nextProbeAt - now, 1), 250);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, wait);
        function done(): void {
          clearTimeout(timer);
          resolve();
        }
        this.wake.push(done);
      });
    }
  }

  /** An attempt got through to the dependency (it succeeded, or failed on its own). */
  succeeded(probe: boolean): void {
    if (probe) this.probing = false;
    if (this.down.size === 0) return;
    for (const dependency of this.down.keys()) this.listener?.up(dependency);
    this.down.clear();
    this.delayMs = this.policy.initialDelayMs;
    this.notify();
  }

  /** An attempt found `dependency` unavailable. */
  failed(dependency: string, error: string, probe: boolean): void {
    const wasDown = this.down.size > 0;
    if (!this.down.has(dependency)) {
      this.down.set(dependency, { dependency, since: Date.now(), error });
      this.listener?.down(dependency);
    } else {
      this.down.get(dependency)!.error = error;
    }
    if (probe) {
      this.probing = false;
      this.delayMs = Math.min(this.delayMs * 2, this.policy.maxDelayMs);
      this.nextProbeAt = Date.now() + this.delayMs;
    } else if (!wasDown) {
      this.nextProbeAt = Date.now() + this.delayMs;
    }
    this.notify();
  }

  /** Lets waiting callers re-check `isActive` (stop()). */
  notify(): void {
    const waiting = this.wake;
    this.wake = [];
    for (const wake of waiting) wake();
  }
}
