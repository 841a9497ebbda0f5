// A circuit breaker whose callers *wait* while it is open instead of failing: the writer's commands stay
// in Kafka, uncommitted, through an Odoo outage, and nothing is dead-lettered by it. (opossum rejects
// calls while open and expects a fallback, the opposite of what the writer needs.)

export enum BreakerState {
  Closed = 'closed',
  HalfOpen = 'half-open',
  Open = 'open',
}

export interface CircuitBreakerOptions {
  /** Share of failed calls in the window that opens the circuit (with at least `minCalls` calls). */
  failureRatio: number;
  minCalls: number;
  /** Failures in a row that open the circuit whatever the ratio. */
  consecutiveFailures: number;
  windowMs: number;
  /** First open period; doubles after each failed probe, up to maxOpenMs. */
  openMs: number;
  maxOpenMs: number;
  now?: () => number;
  onStateChange?: (change: {
    from: BreakerState;
    to: BreakerState;
    reason: string;
    openForMs?: number;
  }) => void;
}

/** Admission to one call; report its verdict exactly once. */
export interface BreakerTicket {
  /** The half-open trial call: its verdict closes or re-opens the circuit. */
  readonly probe: boolean;
  /** Odoo answered (a business refusal counts: Odoo is healthy). */
  success(): void;
  /** Odoo failed technically; `retryAfterMs` from its Retry-After keeps the circuit open at least that long. */
  failure(retryAfterMs?: number): void;
  /** No verdict (the call failed on our side). */
  neutral(): void;
}

interface Bucket {
  start: number;
  ok: number;
  failed: number;
}

const BUCKETS = 10;

export class CircuitBreaker {
  private current = BreakerState.Closed;
  private generation = 0;
  private openUntil = 0;
  private openForMs: number;
  private probeInFlight = false;
  private consecutive = 0;
  private buckets: Bucket[] = [];
  private waiters: (() => void)[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly now: () => number;

  constructor(private readonly options: CircuitBreakerOptions) {
    if (!(options.failureRatio > 0 && options.failureRatio <= 1))
      throw new RangeError('failureRatio must be in (0, 1]');
    this.now = options.now ?? Date.now;
    this.openForMs = options.openMs;
  }

  get state(): BreakerState {
    return this.current;
  }

  /** Resolves when a call may go out: at once while closed; one probe at a time when half-open. */
  async admit(): Promise<BreakerTicket> {
    for (;;) {
      if (this.current === BreakerState.Open && this.now() >= this.openUntil) {
        this.transition(BreakerState.HalfOpen, 'open period over');
      }
      if (this.current === BreakerState.Closed) return this.ticket(false);
      if (this.current === BreakerState.HalfOpen && !this.probeInFlight) {
        this.probeInFlight = true;
        return this.ticket(true);
      }
      if (this.current === BreakerState.Open) this.armTimer();
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** Stops the open-period timer (shutdown). */
  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private ticket(probe: boolean): BreakerTicket {
    const generation = this.generation;
    let settled = false;
    const once = (fn: () => void) => () => {
      if (settled) return;
      settled = true;
      fn();
    };
    return {
      probe,
      success: once(() => this.onSuccess(probe, generation)),
      failure: (retryAfterMs?: number) => once(() => this.onFailure(probe, generation, retryAfterMs))(),
      neutral: once(() => {
        if (probe) {
          this.probeInFlight = false;
          this.wake();
        }
      }),
    };
  }

  private onSuccess(probe: boolean, generation: number): void {
    if (probe) {
      this.probeInFlight = false;
      this.openForMs = this.options.openMs;
      this.transition(BreakerState.Closed, 'probe succeeded');
      return;
    }
    // A call admitted before the circuit opened says nothing about Odoo now.
    if (generation !== this.generation || this.current !== BreakerState.Closed) return;
    this.consecutive = 0;
    this.bucket().ok += 1;
  }

  private onFailure(probe: boolean, generation: number, retryAfterMs?: number): void {
    if (probe) {
      this.probeInFlight = false;
      this.openForMs = Math.min(this.options.maxOpenMs, this.openForMs * 2);
      this.trip('probe failed', retryAfterMs);
      return;
    }
    if (generation !== this.generation || this.current !== BreakerState.Closed) return;
    this.consecutive += 1;
    this.bucket().failed += 1;
    const { ok, failed } = this.totals();
    if (retryAfterMs !== undefined && retryAfterMs >= this.options.openMs) {
      // Odoo (or its proxy) announced an outage at least as long as an open period: believe it.
      this.trip(`Odoo asked to retry after ${Math.round(retryAfterMs / 1000)} s`, retryAfterMs);
    } else if (this.consecutive >= this.options.consecutiveFailures) {
      this.trip(`${this.consecutive} failures in a row`, retryAfterMs);
    } else if (ok + failed >= this.options.minCalls && failed / (ok + failed) >= this.options.failureRatio) {
      this.trip(`${failed} of ${ok + failed} calls failed in ${this.options.windowMs} ms`, retryAfterMs);
    }
  }

  private trip(reason: string, retryAfterMs?: number): void {
    const openFor = Math.min(this.options.maxOpenMs, Math.max(this.openForMs, retryAfterMs ?? 0));
    this.openUntil = this.now() + openFor;
    this.generation += 1;
    this.transition(BreakerState.Open, reason, openFor);
    clearTimeout(this.timer);
    this.timer = undefined;
    this.armTimer();
  }

  /** Waiters re-check at the end of the open period, and one of them probes. */
  private armTimer(): void {
    if (this.timer) return;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.wake();
      },
      Math.max(1, this.openUntil - this.now() + 1),
    );
  }

  private transition(to: BreakerState, reason: string, openForMs?: number): void {
    const from = this.current;
    if (from === to && to !== BreakerState.Open) return;
    this.current = to;
    if (to === BreakerState.Closed) {
      this.consecutive = 0;
      this.buckets = [];
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.options.onStateChange?.({ from, to, reason, openForMs });
    this.wake();
  }

  private wake(): void {
    const waiting = this.waiters;
    this.waiters = [];
    for (const resolve of waiting) resolve();
  }

  private bucket(): Bucket {
    const now = this.now();
    const width = this.options.windowMs / BUCKETS;
    this.buckets = this.buckets.filter((b) => b.start > now - this.options.windowMs);
    const last = this.buckets.at(-1);
    if (last && now < last.start + width) return last;
    const fresh = { start: now, ok: 0, failed: 0 };
    this.buckets.push(fresh);
    return fresh;
  }

  private totals(): { ok: number; failed: number } {
    return this.buckets.reduce((sum, b) => ({ ok: sum.ok + b.ok, failed: sum.failed + b.failed }), {
      ok: 0,
      failed: 0,
    });
  }
}
