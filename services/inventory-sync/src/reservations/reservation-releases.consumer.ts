import { Inject, Injectable } from '@nestjs/common';
import { type ReservationRelease, TOPICS } from '@tradewind/contracts';
import { InventorySyncCore } from '@tradewind/inventory-store';
import type { ConsumedRecord } from '@tradewind/messaging';
import { KafkaHandler } from '@tradewind/messaging-nest';

import { toRunnerError } from '../inventory-sync.exception';
import { InventorySyncMetrics } from '../inventory-sync.metrics';

/** inventory.reservation-releases → holds returned (rejected, cancelled) or consumed (shipped). */
@Injectable()
export class ReservationReleasesConsumer {
  constructor(
    @Inject(InventorySyncCore) private readonly core: InventorySyncCore,
    @Inject(InventorySyncMetrics) private readonly metrics: InventorySyncMetrics,
  ) {}

  @KafkaHandler(TOPICS.inventoryReservationReleases, { settings: 'reservationReleases' })
  async onRelease(record: ConsumedRecord<ReservationRelease>): Promise<void> {
    try {
      const outcome = await this.core.onReservationRelease(record.value, record.headers);
      this.metrics.records.inc({ topic: record.topic, outcome });
    } catch (error) {
      throw toRunnerError(error);
    }
  }
}
