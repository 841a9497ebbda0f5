// Consumes the compacted orders.state into the reconciler's own view: the latest version of each order.
import { Inject, Injectable } from '@nestjs/common';
import { TOPICS, type TopicValueMap } from '@tradewind/contracts';
import type { ConsumedRecord } from '@tradewind/messaging';
import { KafkaHandler } from '@tradewind/messaging-nest';

import { ReconcilerMetrics } from '../reconciler.metrics';
import { ORDER_VIEWS, type OrderView, type OrderViews } from './order-views.repository';

export type OrdersStateValue = TopicValueMap[typeof TOPICS.ordersState];

export function orderViewOf(value: OrdersStateValue): OrderView {
  return {
    orderId: value.orderId,
    partnerId: value.partnerId,
    poNumber: value.poNumber,
    status: value.status,
    version: value.version,
    odooExternalId: value.odooExternalId,
    odooPartnerId: value.odooPartnerId,
    customerRef: value.customerRef,
    rejected: value.rejectionReasons.length > 0,
    lines: value.lines.map((line) => ({ sku: line.sku, quantity: line.quantity, unitPrice: line.unitPrice })),
    documentIds: [...value.documentIds, ...value.duplicateDocumentIds],
    stateUpdatedAt: value.updatedAt,
    // Compaction keeps only the latest version: the earliest one this service saw stands for receipt.
    receivedAt: value.updatedAt,
  };
}

@Injectable()
export class OrdersStateConsumer {
  constructor(
    @Inject(ORDER_VIEWS) private readonly views: OrderViews,
    @Inject(ReconcilerMetrics) private readonly metrics: ReconcilerMetrics,
  ) {}

  /** Idempotent on the version: a redelivered or older record leaves the view as it is. */
  @KafkaHandler(TOPICS.ordersState, { settings: 'ordersState' })
  async handle(record: ConsumedRecord<OrdersStateValue>): Promise<void> {
    const applied = await this.views.apply(orderViewOf(record.value));
    this.metrics.records.inc({ outcome: applied ? 'applied' : 'stale' });
  }
}
