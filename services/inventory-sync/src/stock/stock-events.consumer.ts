import { Inject, Injectable } from '@nestjs/common';
import { type StockEvent, TOPICS } from '@tradewind/contracts';
import { InventorySyncCore } from '@tradewind/inventory-store';
import type { ConsumedRecord } from '@tradewind/messaging';
import { KafkaHandler } from '@tradewind/messaging-nest';

import { toRunnerError } from '../inventory-sync.exception';
import { InventorySyncMetrics } from '../inventory-sync.metrics';

/** inventory.stock-events → the ledger (newest wins, stale recorded, duplicates ignored) → availability. */
@Injectable()
export class StockEventsConsumer {
  constructor(
    @Inject(InventorySyncCore) private readonly core: InventorySyncCore,
    @Inject(InventorySyncMetrics) private readonly metrics: InventorySyncMetrics,
  ) {}

  @KafkaHandler(TOPICS.inventoryStockEvents, { settings: 'stockEvents' })
  async onStockEvent(record: ConsumedRecord<StockEvent>): Promise<void> {
    try {
      const outcome = await this.core.onStockEvent(record.value, record.headers);
      this.metrics.records.inc({ topic: record.topic, outcome });
    } catch (error) {
      throw toRunnerError(error);
    }
  }
}
