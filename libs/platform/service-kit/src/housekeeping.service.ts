// Periodic purges every service has (inbox marks) or adds (the gateway's nonces and idempotency keys):
// one timer per job, never two passes of a job at once, failures logged and retried at the next tick,
// the running passes awaited on shutdown.
import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { createLogger } from '@tradewind/observability';

export interface HousekeepingJob {
  /** For the logs: `inbox marks`, `expired nonces`. */
  name: string;
  everyMs: number;
  /** Also once at start-up (default false: first pass after `everyMs`). */
  atStart?: boolean;
  /** How a pass that removed rows is logged (default info; a frequent purge of short-lived rows: debug). */
  logLevel?: 'info' | 'debug';
  /** One pass; resolves with how many rows it removed. */
  purge: () => Promise<number>;
}

/** Schedule jobs in `onModuleInit`; they start on bootstrap. */
@Injectable()
export class Housekeeping implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = createLogger(Housekeeping.name);
  private readonly jobs: HousekeepingJob[] = [];
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly running = new Map<HousekeepingJob, Promise<number>>();

  schedule(job: HousekeepingJob): void {
    this.jobs.push(job);
  }

  onApplicationBootstrap(): void {
    for (const job of this.jobs) {
      if (job.atStart) void this.run(job);
      const timer = setInterval(() => void this.run(job), job.everyMs);
      timer.unref();
      this.timers.push(timer);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    await Promise.all(this.running.values());
  }

  /** One pass of `job` (joins the running one); resolves with the rows removed, 0 when it failed (logged). */
  run(job: HousekeepingJob): Promise<number> {
    const running = this.running.get(job);
    if (running) return running;
    const pass = job
      .purge()
      .then(
        (removed) => {
          if (removed > 0) this.log[job.logLevel ?? 'info']({ job: job.name, removed }, `purged ${job.name}`);
          return removed;
        },
        (error: unknown) => {
          this.log.warn({ err: error, job: job.name }, `purging ${job.name} failed`);
          return 0;
        },
      )
      .finally(() => this.running.delete(job));
    this.running.set(job, pass);
    return pass;
  }
}
