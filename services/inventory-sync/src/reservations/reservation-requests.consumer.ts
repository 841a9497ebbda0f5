import { Inject, Injectable } from '@nestjs/common';
import { type ReservationRequest, TOPICS } from '@tradewind/contracts';
import { InventorySyncCore } from '@tradewind/inventory-store';
import type { ConsumedRecord } from '@tradewind/messaging';
import { KafkaHandler } from '@tradewind/messaging-nest';

import { toRunnerError } from '../inventory-sync.exception';
import { InventorySyncMetrics } from '../inventory-sync.metrics';

/** inventory.reservation-requests → the order's lines decided; the reply once every line is. */
@Injectable()
export class ReservationRequestsConsumer {
  constructor(
    @Inject(InventorySyncCore) private readonly core: InventorySyncCore,
    @Inject(InventorySyncMetrics) private readonly metrics: InventorySyncMetrics,
  ) {}

  @KafkaHandler(TOPICS.inventoryReservationRequests, { settings: 'reservationRequests' })
  async onRequest(record: ConsumedRecord<ReservationRequest>): Promise<void> {
    try {
      const outcome = await this.core.onReservationRequest(record.value, record.headers);
      this.metrics.records.inc({ topic: record.topic, outcome });
    } catch (error) {
      throw toRunnerError(error);
    }
  }
}
