// Every service's inbox marks (one per message id handled) are forgotten after a retention, with the
// shared purge of @tradewind/persistence, once at start-up and then every hour.
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { createLogger } from '@tradewind/observability';
import { Inbox } from '@tradewind/persistence';
import { DataSource } from 'typeorm';

const PURGE_INTERVAL_MS = 3_600_000;

/**
 * 30 days: longer than any consumed topic keeps its records (ingress.documents 7 d, odoo.commands and
 * odoo.results 14 d) plus a long outage, so no redelivery can come after its mark is gone; a replay past
 * that is still caught by each service's business key (order-intake's PO guard, the writer's ledger hash).
 */
export const INBOX_RETENTION_MS = 30 * 86_400_000;

@Injectable()
export class InboxRetention implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = createLogger(InboxRetention.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(Inbox) private readonly inbox: Inbox,
  ) {}

  onApplicationBootstrap(): void {
    void this.purge();
    this.timer = setInterval(() => void this.purge(), PURGE_INTERVAL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One pass (never two at once); resolves with the marks removed, 0 when it failed (logged). */
  purge(): Promise<number> {
    this.running ??= this.inbox
      .purge(this.dataSource, { olderThanMs: INBOX_RETENTION_MS })
      .then(
        (removed) => {
          if (removed > 0) this.log.info({ removed }, 'purged old inbox marks');
          return removed;
        },
        (error: unknown) => {
          this.log.warn({ err: error }, 'purging old inbox marks failed');
          return 0;
        },
      )
      .finally(() => (this.running = undefined));
    return this.running;
  }
}
