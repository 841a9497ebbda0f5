import { Inject, Injectable } from '@nestjs/common';
import { type DeliveryResult, TOPICS } from '@tradewind/contracts';
import { ChannelFeedStore } from '@tradewind/inventory-store';
import type { ConsumedRecord } from '@tradewind/messaging';
import { KafkaHandler } from '@tradewind/messaging-nest';
import { STOCK_FEED_DOCUMENT_TYPE } from '@tradewind/partner-catalog';
import { withTransaction } from '@tradewind/persistence';
import { DataSource } from 'typeorm';

import { toRunnerError } from '../inventory-sync.exception';
import { InventorySyncMetrics } from '../inventory-sync.metrics';
import { feedSettlement } from './channel-feed.publisher';

/**
 * partners.delivery-results → the channel feeds' acknowledged quantities (delivered), or the SKUs of a
 * document partner-delivery gave up on due again (decision 0021). Settling is idempotent: a document is
 * settled once, a redelivery finds it settled.
 */
@Injectable()
export class DeliveryResultsConsumer {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(ChannelFeedStore) private readonly feeds: ChannelFeedStore,
    @Inject(InventorySyncMetrics) private readonly metrics: InventorySyncMetrics,
  ) {}

  @KafkaHandler(TOPICS.partnersDeliveryResults, { settings: 'deliveryResults' })
  async onResult(record: ConsumedRecord<DeliveryResult>): Promise<void> {
    const settlement = feedSettlement(record.value.outcome);
    if (record.value.documentType !== STOCK_FEED_DOCUMENT_TYPE || settlement === undefined) {
      this.metrics.records.inc({ topic: record.topic, outcome: 'skipped' });
      return;
    }
    try {
      const changed = await withTransaction(
        this.dataSource,
        (manager) => this.feeds.settleDocument(manager, record.value.outboundId, settlement),
        { maxAttempts: 5 },
      );
      this.metrics.records.inc({
        topic: record.topic,
        outcome: changed.length > 0 ? settlement : 'redelivered',
      });
    } catch (error) {
      throw toRunnerError(error);
    }
  }
}
