// Runtime knobs (latency, concurrency ceiling, injected errors, outage window, slow-down under load) and
// the counters tests and benchmarks read. Throughput ceiling: calls/s = maxConcurrency / latency, with
// latency = latencyMs + slowdownPerRequestMs × (concurrency − 1) when the slow-down knob is set.
import { PythonError, serializationFailure } from '../orm/python-error';

export interface SimulatorKnobs {
  /** Base latency added to every Odoo call, in ms. */
  latencyMs: number;
  /** Uniform random extra latency in [0, jitter) ms. */
  latencyJitterMs: number;
  /** Maximum requests in flight (0 = unlimited); beyond it the call is refused with `overloadStatus`. */
  maxConcurrency: number;
  overloadStatus: 429 | 503;
  /** Retry-After sent with overload refusals, in seconds. */
  retryAfterSeconds: number;
  /** Probability in [0, 1] that an admitted call fails before doing anything. */
  errorRate: number;
  /** What an injected failure looks like: a 500 internal error, a serialization failure, or either. */
  errorKind: 'internal' | 'serialization' | 'mixed';
  /** Every Odoo call answers 503 until this time (epoch ms); null = no outage. */
  outageUntil: number | null;
  /** Extra latency per other request in flight, in ms (a server that slows down under load). */
  slowdownPerRequestMs: number;
  /** Extra latency per row of a `load` and per record id of a call, in ms (big calls take longer). */
  latencyPerRowMs: number;
}

export interface SimulatorStats {
  /** Odoo calls admitted (rejected ones are not counted here). */
  calls: number;
  /** Admitted calls per `model.method` (JSON-2 / execute_kw) or `service.method` (common, db). */
  callsByMethod: Record<string, number>;
  inFlight: number;
  maxConcurrencyObserved: number;
  /** Calls refused by the concurrency ceiling or the outage window. */
  rejected: number;
  rejectedOverload: number;
  rejectedOutage: number;
  injectedErrors: number;
}

export const DEFAULT_KNOBS: SimulatorKnobs = {
  latencyMs: 0,
  latencyJitterMs: 0,
  maxConcurrency: 0,
  overloadStatus: 503,
  retryAfterSeconds: 1,
  errorRate: 0,
  errorKind: 'internal',
  outageUntil: null,
  slowdownPerRequestMs: 0,
  latencyPerRowMs: 0,
};

const emptyStats = (): SimulatorStats => ({
  calls: 0,
  callsByMethod: {},
  inFlight: 0,
  maxConcurrencyObserved: 0,
  rejected: 0,
  rejectedOverload: 0,
  rejectedOutage: 0,
  injectedErrors: 0,
});

export type Admission =
  | { admitted: true; delayMs: number; release: () => void }
  | { admitted: false; status: 429 | 503; retryAfterSeconds: number; reason: 'overload' | 'outage' };

export class LoadGovernor {
  private current: SimulatorKnobs;
  private counters = emptyStats();

  constructor(
    knobs: Partial<SimulatorKnobs> = {},
    private readonly random: () => number = Math.random,
  ) {
    this.current = validateKnobs({ ...DEFAULT_KNOBS, ...knobs });
  }

  knobs(): SimulatorKnobs {
    return { ...this.current };
  }

  setKnobs(patch: Partial<SimulatorKnobs> & { outageForMs?: number }): SimulatorKnobs {
    const { outageForMs, ...rest } = patch;
    const next = { ...this.current, ...rest };
    if (outageForMs !== undefined) next.outageUntil = outageForMs > 0 ? Date.now() + outageForMs : null;
    this.current = validateKnobs(next);
    return this.knobs();
  }

  stats(): SimulatorStats {
    return { ...this.counters, callsByMethod: { ...this.counters.callsByMethod } };
  }

  resetStats(): void {
    const inFlight = this.counters.inFlight;
    this.counters = emptyStats();
    this.counters.inFlight = inFlight;
  }

  /** `rows`: rows of a load or ids of a call, for the per-row latency. */
  admit(rows = 0): Admission {
    const now = Date.now();
    const knobs = this.current;
    if (knobs.outageUntil !== null && now < knobs.outageUntil) {
      this.counters.rejected += 1;
      this.counters.rejectedOutage += 1;
      return {
        admitted: false,
        status: 503,
        retryAfterSeconds: Math.max(1, Math.ceil((knobs.outageUntil - now) / 1000)),
        reason: 'outage',
      };
    }
    if (knobs.maxConcurrency > 0 && this.counters.inFlight >= knobs.maxConcurrency) {
      this.counters.rejected += 1;
      this.counters.rejectedOverload += 1;
      return {
        admitted: false,
        status: knobs.overloadStatus,
        retryAfterSeconds: knobs.retryAfterSeconds,
        reason: 'overload',
      };
    }
    this.counters.inFlight += 1;
    this.counters.calls += 1;
    this.counters.maxConcurrencyObserved = Math.max(
      this.counters.maxConcurrencyObserved,
      this.counters.inFlight,
    );
    const delayMs =
      knobs.latencyMs +
      (knobs.latencyJitterMs > 0 ? this.random() * knobs.latencyJitterMs : 0) +
      knobs.slowdownPerRequestMs * (this.counters.inFlight - 1) +
      knobs.latencyPerRowMs * rows;
    let released = false;
    return {
      admitted: true,
      delayMs,
      release: () => {
        if (!released) this.counters.inFlight -= 1;
        released = true;
      },
    };
  }

  countMethod(key: string): void {
    this.counters.callsByMethod[key] = (this.counters.callsByMethod[key] ?? 0) + 1;
  }

  /** A failure to inject for this call, per the error-rate knob. */
  injectedError(): PythonError | undefined {
    const { errorRate, errorKind } = this.current;
    if (errorRate <= 0 || this.random() >= errorRate) return undefined;
    this.counters.injectedErrors += 1;
    const serialization = errorKind === 'serialization' || (errorKind === 'mixed' && this.random() < 0.5);
    return serialization
      ? serializationFailure()
      : new PythonError(
          'builtins.RuntimeError',
          'Simulated internal server error',
          ['Simulated internal server error'],
          500,
        );
  }
}

function validateKnobs(knobs: SimulatorKnobs): SimulatorKnobs {
  const nonNegative = [
    'latencyMs',
    'latencyJitterMs',
    'maxConcurrency',
    'retryAfterSeconds',
    'slowdownPerRequestMs',
    'latencyPerRowMs',
  ] as const;
  for (const key of nonNegative) {
    if (typeof knobs[key] !== 'number' || !(knobs[key] >= 0))
      throw new RangeError(`knob ${key} must be a number >= 0`);
  }
  if (!(knobs.errorRate >= 0 && knobs.errorRate <= 1))
    throw new RangeError('knob errorRate must be within [0, 1]');
  if (knobs.overloadStatus !== 429 && knobs.overloadStatus !== 503)
    throw new RangeError('knob overloadStatus must be 429 or 503');
  if (!['internal', 'serialization', 'mixed'].includes(knobs.errorKind)) {
    throw new RangeError('knob errorKind must be internal, serialization or mixed');
  }
  if (knobs.outageUntil !== null && typeof knobs.outageUntil !== 'number') {
    throw new RangeError('knob outageUntil must be epoch milliseconds or null');
  }
  return knobs;
}
