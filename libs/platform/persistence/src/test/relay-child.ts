import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';

export interface RelayEvent {
  event: string;
  at: number;
  [field: string]: unknown;
}

const REPO_ROOT = resolve(__dirname, '../../../../..');
const FIXTURE = resolve(__dirname, 'outbox-relay.process.ts');

/** The relay fixture as a real process, with its JSON-line events. */
export class RelayChild {
  readonly events: RelayEvent[] = [];
  private readonly process: ChildProcess;
  private readonly exited: Promise<unknown>;
  private waiters: (() => void)[] = [];

  constructor(env: Record<string, string>) {
    this.process = spawn(process.execPath, ['-r', '@swc-node/register', FIXTURE], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    this.exited = once(this.process, 'exit');
    createInterface({ input: this.process.stdout! }).on('line', (line) => {
      try {
        this.events.push(JSON.parse(line) as RelayEvent);
      } catch {
        this.events.push({ event: 'output', at: Date.now(), line });
      }
      for (const wake of this.waiters) wake();
    });
  }

  /** Resolves with the first event matching `predicate` (already seen or still to come). */
  async waitFor(predicate: (event: RelayEvent) => boolean, timeoutMs = 60_000): Promise<RelayEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find(predicate);
      if (found) return found;
      const failed = this.events.find((event) => event.event === 'failed');
      if (failed) throw new Error(`relay process failed: ${String(failed.error)}`);
      if (this.process.exitCode !== null) throw new Error(`relay process exited (${this.process.exitCode})`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`relay process: no matching event within ${timeoutMs} ms`);
      await new Promise<void>((wake) => {
        const timer = setTimeout(wake, Math.min(left, 500));
        this.waiters.push(() => {
          clearTimeout(timer);
          wake();
        });
      });
      this.waiters = [];
    }
  }

  async kill(signal: NodeJS.Signals): Promise<void> {
    if (this.process.exitCode === null && this.process.signalCode === null) this.process.kill(signal);
    await this.exited;
  }
}
