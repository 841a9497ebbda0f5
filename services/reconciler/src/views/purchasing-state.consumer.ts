// Consumes the compacted purchasing.state into the reconciler's view: the latest state of each purchase
// order sent to a supplier (the purchase-order workflow's platform leg).
import { Inject, Injectable } from '@nestjs/common';
import { PurchaseOrderStatus, TOPICS, type TopicValueMap } from '@tradewind/contracts';
import type { ConsumedRecord } from '@tradewind/messaging';
import { KafkaHandler } from '@tradewind/messaging-nest';

import { ReconcilerMetrics } from '../reconciler.metrics';
import { PURCHASE_ORDER_VIEWS } from '../reconciler.tokens';
import type { PurchaseOrderView, PurchaseOrderViews } from './purchase-order-views.repository';

export type PurchasingStateValue = TopicValueMap[typeof TOPICS.purchasingState];

export function purchaseOrderViewOf(value: PurchasingStateValue): PurchaseOrderView {
  // The latest revision's sending: its last `sent` step (a later answer does not move it).
  const sent = value.trace.filter(
    (event) => event.status === PurchaseOrderStatus.Sent && event.revision === value.revision,
  );
  return {
    purchaseOrderId: value.purchaseOrderId,
    odooOrderId: value.odooOrderId,
    poNumber: value.poNumber,
    supplierId: value.supplierId,
    revision: value.revision,
    status: value.status,
    lines: value.lines.map((line) => ({
      sku: line.sku,
      quantity: line.quantity,
      unitsPerUom: line.unitsPerUom,
      unitPrice: line.unitPrice,
    })),
    sentAt: sent.length === 0 ? null : Math.max(...sent.map((event) => event.at)),
    traceLength: value.trace.length,
    // The documents its trace names: the suppliers' (acknowledgements, ship notices: the gateway's ids)
    // and ours sent (outbound ids, which match no gateway document).
    documentIds: [
      ...new Set(value.trace.flatMap((event) => (event.documentId === null ? [] : [event.documentId]))),
    ],
    stateUpdatedAt: value.updatedAt,
    // Compaction keeps only the latest record: the earliest one this service saw stands for receipt.
    receivedAt: value.updatedAt,
  };
}

@Injectable()
export class PurchasingStateConsumer {
  constructor(
    @Inject(PURCHASE_ORDER_VIEWS) private readonly views: PurchaseOrderViews,
    @Inject(ReconcilerMetrics) private readonly metrics: ReconcilerMetrics,
  ) {}

  /** Idempotent: a redelivered or older record leaves the view as it is. */
  @KafkaHandler(TOPICS.purchasingState, { settings: 'purchasingState' })
  async handle(record: ConsumedRecord<PurchasingStateValue>): Promise<void> {
    const applied = await this.views.apply(purchaseOrderViewOf(record.value));
    this.metrics.records.inc({ outcome: applied ? 'purchase_order' : 'stale' });
  }
}
