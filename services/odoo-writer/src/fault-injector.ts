import { AsyncLocalStorage } from 'node:async_hooks';

import type { CrashPoint } from './odoo-writer.config';

export interface FaultInjectorOptions {
  crashAt: CrashPoint | undefined;
  /** Crash the n-th time the point is reached. */
  crashAfter: number;
  /** Count only passages for commands of this type. */
  crashType?: string;
  /** during-call: time between sending the request and exiting. */
  crashDelayMs: number;
}

/** The exit status of a process killed by SIGKILL (128 + 9), which is what the crash imitates. */
export const CRASH_EXIT_CODE = 137;

/**
 * Test-only fault injection (ODOO_WRITER_CRASH_AT): stops the process abruptly at one point of a write,
 * so tests can prove that replaying the command from Kafka afterwards leaves exactly one record in Odoo.
 * Inert unless configured.
 */
export class FaultInjector {
  private reached = 0;
  private readonly scope = new AsyncLocalStorage<{ type: string }>();

  constructor(
    private readonly options: FaultInjectorOptions,
    private readonly exit: (code: number) => never = (code) => process.exit(code),
  ) {}

  /** Runs `fn` with the command type the Odoo calls inside it are for. */
  forType<T>(type: string, fn: () => Promise<T>): Promise<T> {
    return this.options.crashAt === undefined ? fn() : this.scope.run({ type }, fn);
  }

  /** Crashes here when this is the configured point and its n-th passage. */
  reach(point: CrashPoint, context: { type?: string; [key: string]: unknown } = {}): void {
    if (!this.due(point, context.type)) return;
    this.crash(point, context);
  }

  /** For during-call: the request is on its way; crash before the answer arrives. */
  inFlight(context: Record<string, unknown> = {}): void {
    if (!this.due('during-call')) return;
    setTimeout(() => this.crash('during-call', context), this.options.crashDelayMs);
  }

  private due(point: CrashPoint, type?: string): boolean {
    if (this.options.crashAt !== point) return false;
    const { crashType } = this.options;
    if (crashType !== undefined && (type ?? this.scope.getStore()?.type) !== crashType) return false;
    this.reached += 1;
    return this.reached === this.options.crashAfter;
  }

  private crash(point: CrashPoint, context: Record<string, unknown>): never {
    // Synchronous write: nothing asynchronous runs after this point, as with a real crash.
    process.stderr.write(
      `${JSON.stringify({ level: 'fatal', msg: 'fault injection: crashing', crashPoint: point, ...context })}\n`,
    );
    return this.exit(CRASH_EXIT_CODE);
  }
}
