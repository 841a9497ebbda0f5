// Refusals of callers that were never authenticated (no headers, an unknown key id or API key, a route
// that does not exist): anyone can send them, as fast as they like, so each must not become a 365-day
// ops.audit record. They are counted per kind and address over a window and recorded once per window
// with their count (the metrics still count every request). Nest-free, on an injectable clock.
import { randomUUID } from 'node:crypto';

import type { AuditEvent, AuditOutcome } from '@tradewind/contracts';

export interface AnonymousRefusal {
  readonly action: string;
  readonly outcome: AuditOutcome;
  readonly httpStatus: number;
  readonly policy: string | null;
  readonly reason: string | null;
  readonly reasonCode: string | null;
  readonly remoteAddress: string | null;
}

export interface AnonymousRefusalOptions {
  /** Length of a window; its records are published at its end. */
  readonly windowMs: number;
  /** Distinct (kind, address) pairs kept per window; beyond it, addresses are not told apart. */
  readonly maxKeys: number;
  readonly publish: (events: readonly AuditEvent[]) => Promise<void>;
  readonly now?: () => number;
}

interface Tally {
  readonly refusal: AnonymousRefusal;
  /** The overflow tally of its kind: its refusals came from addresses not told apart. */
  readonly manyAddresses: boolean;
  readonly firstAt: number;
  lastAt: number;
  count: number;
}

export class AnonymousRefusals {
  private tallies = new Map<string, Tally>();
  private timer: NodeJS.Timeout | undefined;
  private readonly now: () => number;

  constructor(private readonly options: AnonymousRefusalOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Publishes what has been counted at the end of every window, until stop(). */
  start(): void {
    this.timer ??= setInterval(() => void this.flush(), this.options.windowMs);
    this.timer.unref();
  }

  /** Stops the timer and publishes what is left. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
  }

  add(refusal: AnonymousRefusal): void {
    const kind = [refusal.action, refusal.httpStatus, refusal.reasonCode, refusal.policy].join('|');
    let key = `${kind}|${refusal.remoteAddress ?? ''}`;
    let manyAddresses = false;
    // A flood from many addresses must not grow the map without bound: past the limit, one tally per kind.
    if (!this.tallies.has(key) && this.tallies.size >= this.options.maxKeys) {
      key = `${kind}|*`;
      manyAddresses = true;
    }
    const now = this.now();
    const tally = this.tallies.get(key);
    if (tally === undefined) {
      const counted = manyAddresses ? { ...refusal, remoteAddress: null } : refusal;
      this.tallies.set(key, { refusal: counted, manyAddresses, firstAt: now, lastAt: now, count: 1 });
    } else {
      tally.count++;
      tally.lastAt = now;
    }
  }

  /** One audit record per tally of the window so far; the counting starts again. */
  async flush(): Promise<void> {
    if (this.tallies.size === 0) return;
    const tallies = [...this.tallies.values()];
    this.tallies = new Map();
    await this.options.publish(tallies.map(toAuditEvent));
  }
}

function toAuditEvent(tally: Tally): AuditEvent {
  const { refusal, count } = tally;
  const window = `${new Date(tally.firstAt).toISOString()} to ${new Date(tally.lastAt).toISOString()}`;
  return {
    auditId: randomUUID(),
    occurredAt: tally.firstAt,
    partnerId: null,
    principal: null,
    action: refusal.action,
    documentType: null,
    trackingId: null,
    sizeBytes: 0,
    sha256: null,
    outcome: refusal.outcome,
    httpStatus: refusal.httpStatus,
    policy: refusal.policy,
    reason: `${count === 1 ? 'once' : `${count} times`} from ${window}${tally.manyAddresses ? ', from many addresses' : ''}: ${refusal.reason ?? refusal.reasonCode ?? 'refused'}`,
    remoteAddress: refusal.remoteAddress,
    count,
  };
}
