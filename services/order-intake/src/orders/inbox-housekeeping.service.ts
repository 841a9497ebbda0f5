import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { createLogger } from '@tradewind/observability';
import { Inbox } from '@tradewind/persistence';
import { DataSource } from 'typeorm';

const PURGE_INTERVAL_MS = 3_600_000;
/**
 * Inbox marks are kept 30 days: longer than ingress.documents (7 d) and odoo.results (14 d) are retained,
 * plus a long consumer outage. An older redelivery cannot happen, and a replay past that is still caught
 * by the business key (orders) and the lifecycle (results).
 */
export const INBOX_RETENTION_MS = 30 * 86_400_000;

/** Forgets old inbox marks once an hour. */
@Injectable()
export class InboxHousekeeping implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = createLogger(InboxHousekeeping.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(Inbox) private readonly inbox: Inbox,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.running ??= this.purge().finally(() => (this.running = undefined));
    }, PURGE_INTERVAL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private async purge(): Promise<void> {
    try {
      const removed = await this.inbox.purge(this.dataSource, { olderThanMs: INBOX_RETENTION_MS });
      if (removed > 0) this.log.debug({ removed }, 'purged old inbox marks');
    } catch (error) {
      this.log.warn({ err: error }, 'purging old inbox marks failed');
    }
  }
}
