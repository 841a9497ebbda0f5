// Adaptive concurrency limit for Odoo calls (AIMD, as TCP congestion control): the limit grows by about
// one per round of calls while Odoo answers quickly, and is cut multiplicatively on overload signals:
// 429/503 refusals, timeouts, or recent latency well above the baseline. Retry-After pauses new calls.

export type LimiterSignal =
  | { kind: 'success'; latencyMs: number }
  | { kind: 'overload'; retryAfterMs?: number; reason: string }
  | { kind: 'neutral' };

export interface LimiterPermit {
  release(signal: LimiterSignal): void;
}

export interface AdaptiveLimiterOptions {
  min: number;
  max: number;
  initial: number;
  /** Recent latency above baseline × tolerance counts as overload. */
  latencyTolerance: number;
  /** Multiplier on overload (0.5 halves the limit). */
  decreaseFactor?: number;
  /** Multiplier when latency rises (a gentler signal than a refusal). */
  latencyDecreaseFactor?: number;
  now?: () => number;
  onChange?: (change: { limit: number; reason: string }) => void;
}

interface Waiter {
  resolve: (permit: LimiterPermit) => void;
}

const MIN_SAMPLES = 10;

export class AdaptiveConcurrencyLimiter {
  private limitValue: number;
  private active = 0;
  private readonly waiters: Waiter[] = [];
  private capacityWaiters: (() => void)[] = [];
  private pausedUntil = 0;
  private pauseTimer: NodeJS.Timeout | undefined;
  private lastDecreaseAt = -Infinity;
  private ewmaMs: number | undefined;
  private baselineMs: number | undefined;
  private samples = 0;
  private readonly now: () => number;

  constructor(private readonly options: AdaptiveLimiterOptions) {
    if (!(options.min >= 1 && options.max >= options.min)) throw new RangeError('need 1 <= min <= max');
    if (!(options.latencyTolerance > 1)) throw new RangeError('latencyTolerance must be above 1');
    this.limitValue = Math.min(options.max, Math.max(options.min, options.initial));
    this.now = options.now ?? Date.now;
  }

  /** Calls allowed in flight now. */
  get limit(): number {
    return Math.floor(this.limitValue);
  }

  get inFlight(): number {
    return this.active;
  }

  get waiting(): number {
    return this.waiters.length;
  }

  acquire(): Promise<LimiterPermit> {
    return new Promise((resolve) => {
      this.waiters.push({ resolve });
      this.pump();
    });
  }

  /** Resolves when a call could start now (without taking the slot): batchers keep filling until then. */
  whenAvailable(): Promise<void> {
    if (this.hasCapacity() && this.waiters.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.capacityWaiters.push(resolve));
  }

  /** Stops the pause timer (shutdown). */
  close(): void {
    clearTimeout(this.pauseTimer);
  }

  private hasCapacity(): boolean {
    return this.active < this.limit && this.now() >= this.pausedUntil;
  }

  private pump(): void {
    while (this.waiters.length > 0 && this.hasCapacity()) {
      const waiter = this.waiters.shift()!;
      this.active += 1;
      waiter.resolve(this.permit());
    }
    if (this.waiters.length === 0 && this.hasCapacity()) {
      const waiting = this.capacityWaiters;
      this.capacityWaiters = [];
      for (const resolve of waiting) resolve();
    }
    const pausedFor = this.pausedUntil - this.now();
    if (pausedFor > 0 && !this.pauseTimer) {
      this.pauseTimer = setTimeout(() => {
        this.pauseTimer = undefined;
        this.pump();
      }, pausedFor);
    }
  }

  private permit(): LimiterPermit {
    let released = false;
    return {
      release: (signal) => {
        if (released) return;
        released = true;
        const saturated = this.waiters.length > 0 || this.active >= this.limit;
        this.active -= 1;
        this.feedback(signal, saturated);
        this.pump();
      },
    };
  }

  private feedback(signal: LimiterSignal, saturated: boolean): void {
    switch (signal.kind) {
      case 'success': {
        const latency = signal.latencyMs;
        this.samples += 1;
        this.ewmaMs = this.ewmaMs === undefined ? latency : this.ewmaMs * 0.8 + latency * 0.2;
        // The baseline follows improvements at once and degradations slowly, so a lasting change
        // (bigger batches, a busier Odoo) becomes the new normal instead of throttling forever.
        this.baselineMs =
          this.baselineMs === undefined || latency < this.baselineMs
            ? latency
            : this.baselineMs + (latency - this.baselineMs) * 0.01;
        if (
          this.samples >= MIN_SAMPLES &&
          this.ewmaMs > Math.max(this.baselineMs, 1) * this.options.latencyTolerance
        ) {
          this.decrease(
            this.options.latencyDecreaseFactor ?? 0.8,
            `latency ${Math.round(this.ewmaMs)} ms vs baseline ${Math.round(this.baselineMs)} ms`,
          );
        } else if (saturated && this.limitValue < this.options.max) {
          const before = this.limit;
          this.limitValue = Math.min(this.options.max, this.limitValue + 1 / this.limitValue);
          if (this.limit !== before) this.options.onChange?.({ limit: this.limit, reason: 'healthy' });
        }
        return;
      }
      case 'overload':
        if (signal.retryAfterMs !== undefined && signal.retryAfterMs > 0) {
          this.pausedUntil = Math.max(this.pausedUntil, this.now() + signal.retryAfterMs);
        }
        this.decrease(this.options.decreaseFactor ?? 0.5, signal.reason);
        return;
      case 'neutral':
        return;
    }
  }

  private decrease(factor: number, reason: string): void {
    // One cut per round trip: the refusals of calls already in flight describe the same overload.
    const now = this.now();
    if (now - this.lastDecreaseAt < Math.max(100, this.ewmaMs ?? 0)) return;
    this.lastDecreaseAt = now;
    this.limitValue = Math.max(this.options.min, this.limitValue * factor);
    // Judge the next calls at the new limit, not the slow ones that caused the cut.
    if (this.ewmaMs !== undefined && this.baselineMs !== undefined) this.ewmaMs = this.baselineMs;
    this.options.onChange?.({ limit: this.limit, reason });
  }
}
