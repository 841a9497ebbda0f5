import { type BeforeApplicationShutdown, Injectable } from '@nestjs/common';
import {
  DEFAULT_CHECK_TIMEOUT_MS,
  type ReadinessCheck,
  type ReadinessReport,
  runReadinessChecks,
} from '@tradewind/observability';

/**
 * The service's readiness checks. Modules that own a dependency add theirs with `register()`
 * (the messaging module its Kafka admin, the persistence module its DataSource).
 */
@Injectable()
export class ReadinessService implements BeforeApplicationShutdown {
  private readonly checks: ReadinessCheck[] = [];
  private inFlight: Promise<ReadinessReport> | undefined;
  private shuttingDown = false;

  constructor(
    checks: readonly ReadinessCheck[] = [],
    private readonly defaultTimeoutMs = DEFAULT_CHECK_TIMEOUT_MS,
  ) {
    this.checks.push(...checks);
  }

  register(check: ReadinessCheck): void {
    this.checks.push(check);
  }

  /** Concurrent probes share one run, so a burst of probes never multiplies the load on dependencies. */
  check(): Promise<ReadinessReport> {
    if (this.shuttingDown) {
      return Promise.resolve({
        status: 'not_ready',
        checks: [{ name: 'shutdown', status: 'down', durationMs: 0, error: 'the service is shutting down' }],
      });
    }
    this.inFlight ??= runReadinessChecks(this.checks, this.defaultTimeoutMs).finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  /** With `app.enableShutdownHooks()`: stop advertising readiness as soon as shutdown begins. */
  beforeApplicationShutdown(): void {
    this.shuttingDown = true;
  }
}
