// Consumes the compacted shipments.state into the reconciler's view: the latest state of each shipment
// and its customer orders' picking validations (the shipment workflow's platform leg).
import { Inject, Injectable } from '@nestjs/common';
import { TOPICS, type TopicValueMap } from '@tradewind/contracts';
import type { ConsumedRecord } from '@tradewind/messaging';
import { KafkaHandler } from '@tradewind/messaging-nest';

import { ReconcilerMetrics } from '../reconciler.metrics';
import { SHIPMENT_VIEWS } from '../reconciler.tokens';
import type { ShipmentView, ShipmentViews } from './shipment-views.repository';

export type ShipmentsStateValue = TopicValueMap[typeof TOPICS.shipmentsState];

export function shipmentViewOf(value: ShipmentsStateValue): ShipmentView {
  return {
    shipmentId: value.shipmentId,
    trackingNumber: value.trackingNumber,
    milestone: value.milestone,
    terminal: value.terminal,
    orders: value.orders.map((order) => ({
      partnerId: order.partnerId,
      poNumber: order.poNumber,
      pickingValidation: order.pickingValidation,
    })),
    proofOfDelivery: value.proofOfDelivery !== null,
    version: value.version,
    stateUpdatedAt: value.updatedAt,
    // Compaction keeps only the latest record: the earliest one this service saw stands for receipt.
    receivedAt: value.updatedAt,
  };
}

@Injectable()
export class ShipmentsStateConsumer {
  constructor(
    @Inject(SHIPMENT_VIEWS) private readonly views: ShipmentViews,
    @Inject(ReconcilerMetrics) private readonly metrics: ReconcilerMetrics,
  ) {}

  /** Idempotent: a redelivered or older record leaves the view as it is. */
  @KafkaHandler(TOPICS.shipmentsState, { settings: 'shipmentsState' })
  async handle(record: ConsumedRecord<ShipmentsStateValue>): Promise<void> {
    const applied = await this.views.apply(shipmentViewOf(record.value));
    this.metrics.records.inc({ outcome: applied ? 'shipment' : 'stale' });
  }
}
