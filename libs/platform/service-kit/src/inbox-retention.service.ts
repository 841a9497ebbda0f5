// Every service's inbox marks (one per message id handled) are forgotten after a retention, with the
// shared purge of @tradewind/persistence, once at start-up and then every hour (a Housekeeping job).
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { Inbox } from '@tradewind/persistence';
import { DataSource } from 'typeorm';

import { Housekeeping } from './housekeeping.service';

const PURGE_INTERVAL_MS = 3_600_000;

/**
 * 30 days: longer than any consumed topic keeps its records (ingress.documents 7 d, odoo.commands and
 * odoo.results 14 d) plus a long outage, so no redelivery can come after its mark is gone; a replay past
 * that is still caught by each service's business key (order-intake's PO guard, the writer's ledger hash).
 */
export const INBOX_RETENTION_MS = 30 * 86_400_000;

@Injectable()
export class InboxRetention implements OnModuleInit {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(Inbox) private readonly inbox: Inbox,
    @Inject(Housekeeping) private readonly housekeeping: Housekeeping,
  ) {}

  onModuleInit(): void {
    this.housekeeping.schedule({
      name: 'inbox marks',
      everyMs: PURGE_INTERVAL_MS,
      atStart: true,
      purge: () => this.purge(),
    });
  }

  /** One pass: resolves with the marks removed. */
  purge(): Promise<number> {
    return this.inbox.purge(this.dataSource, { olderThanMs: INBOX_RETENTION_MS });
  }
}
