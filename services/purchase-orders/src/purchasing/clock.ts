/** The time the SLA timers and the trace use; tests set it (an SLA passes without waiting for it). */
export interface Clock {
  now(): number;
}

export const SYSTEM_CLOCK: Clock = Object.freeze({ now: () => Date.now() });

/** A clock that moves only when told to. */
export class ManualClock implements Clock {
  constructor(private at: number = Date.now()) {}

  now(): number {
    return this.at;
  }

  advance(ms: number): void {
    this.at += ms;
  }
}
