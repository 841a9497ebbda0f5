// Consumes the compacted finance.state into the reconciler's view: the latest state of each customer
// invoice, settlement entry and supplier invoice (the finance workflows' platform leg).
import { Inject, Injectable } from '@nestjs/common';
import { TOPICS, type TopicValueMap } from '@tradewind/contracts';
import type { ConsumedRecord } from '@tradewind/messaging';
import { KafkaHandler } from '@tradewind/messaging-nest';

import { ReconcilerMetrics } from '../reconciler.metrics';
import { FINANCE_VIEWS } from '../reconciler.tokens';
import type { FinanceView, FinanceViews } from './finance-views.repository';

export type FinanceStateValue = TopicValueMap[typeof TOPICS.financeState];

export function financeViewOf(value: FinanceStateValue): FinanceView {
  return {
    key: value.key,
    subject: value.subject,
    status: value.status,
    partnerId: value.partnerId,
    reference: value.reference,
    currency: value.currency,
    amountMinor: value.amountMinor,
    residualMinor: value.residualMinor,
    billExternalId: value.billExternalId,
    reason: value.reason,
    version: value.version,
    stateUpdatedAt: value.updatedAt,
    // Compaction keeps only the latest record: the earliest one this service saw stands for receipt.
    receivedAt: value.updatedAt,
  };
}

@Injectable()
export class FinanceStateConsumer {
  constructor(
    @Inject(FINANCE_VIEWS) private readonly views: FinanceViews,
    @Inject(ReconcilerMetrics) private readonly metrics: ReconcilerMetrics,
  ) {}

  /** Idempotent: a redelivered or older record leaves the view as it is. */
  @KafkaHandler(TOPICS.financeState, { settings: 'financeState' })
  async handle(record: ConsumedRecord<FinanceStateValue>): Promise<void> {
    const applied = await this.views.apply(financeViewOf(record.value));
    this.metrics.records.inc({ outcome: applied ? 'finance' : 'stale' });
  }
}
