import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { Housekeeping } from '@tradewind/service-kit';

import type { InventorySyncConfig } from '../inventory-sync.config';
import { InventorySyncMetrics } from '../inventory-sync.metrics';
import { INVENTORY_SYNC_CONFIG } from '../inventory-sync.tokens';
import { ChannelFeedPublisher, type PublishedFeed } from './channel-feed.publisher';

/**
 * Looks for due channel feeds every INVENTORY_FEED_TICK on the kit's Housekeeping; each channel's own rate
 * (the catalog's feedEverySeconds) is enforced by the publisher's claim, whichever replica ticks.
 */
@Injectable()
export class ChannelFeedsService implements OnModuleInit {
  constructor(
    @Inject(Housekeeping) private readonly housekeeping: Housekeeping,
    @Inject(ChannelFeedPublisher) private readonly publisher: ChannelFeedPublisher,
    @Inject(InventorySyncMetrics) private readonly metrics: InventorySyncMetrics,
    @Inject(INVENTORY_SYNC_CONFIG) private readonly config: InventorySyncConfig,
  ) {}

  onModuleInit(): void {
    if (this.config.feeds.tickMs === 0) return;
    this.housekeeping.schedule({
      name: 'channel stock feeds',
      everyMs: this.config.feeds.tickMs,
      logLevel: 'debug',
      purge: async () => (await this.publishDue()).length,
    });
  }

  /** One pass now (the schedule's, and tests'). */
  async publishDue(now = new Date()): Promise<PublishedFeed[]> {
    const feeds = await this.publisher.publishDue(now);
    for (const feed of feeds)
      for (const format of feed.formats) this.metrics.feedDocuments.inc({ channel: feed.channelId, format });
    return feeds;
  }
}
