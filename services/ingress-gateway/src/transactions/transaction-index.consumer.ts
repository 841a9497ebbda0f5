// Feeds the transaction index from the platform: order states (orders.state, upsert by version) and the
// acknowledgements owed to partners (partners.outbound, upsert by outboundId). Both are idempotent
// upserts, so redeliveries and replays change nothing; neither throws anything but technical errors.
import { Inject, Injectable, type Type } from '@nestjs/common';
import { type OutboundDocument, type SalesOrderState, TOPICS } from '@tradewind/contracts';
import type { ConsumedRecord } from '@tradewind/messaging';
import { KafkaHandler } from '@tradewind/messaging-nest';

import { GATEWAY_METRICS } from '../gateway.tokens';
import type { GatewayMetrics } from '../metrics/gateway.metrics';
import { TransactionIndex } from './transaction-index.repository';

/**
 * The consumer class, with one consumer group per topic named after the service. The default group of
 * @KafkaHandler (the service name) would put both topics' consumers in one group, where each member
 * subscribes to a different topic and the assignment breaks; and the names must follow SERVICE_NAME so
 * a test instance does not join the deployed gateway's groups. Hence a class made from the name.
 */
export function transactionIndexConsumer(serviceName: string): Type<unknown> {
  @Injectable()
  class TransactionIndexConsumer {
    constructor(
      @Inject(TransactionIndex) private readonly index: TransactionIndex,
      @Inject(GATEWAY_METRICS) private readonly metrics: GatewayMetrics,
    ) {}

    @KafkaHandler(TOPICS.ordersState, { groupId: `${serviceName}.${TOPICS.ordersState}` })
    async onOrderState(record: ConsumedRecord<SalesOrderState>): Promise<void> {
      if (record.value.documentIds.length === 0) return;
      await this.index.applyOrderState(record.value);
    }

    @KafkaHandler(TOPICS.partnersOutbound, { groupId: `${serviceName}.${TOPICS.partnersOutbound}` })
    async onOutbound(record: ConsumedRecord<OutboundDocument>): Promise<void> {
      // Only what answers inbound documents belongs to a transaction (not supplier POs or stock feeds).
      if (record.value.relatesTo.length === 0) return;
      if (await this.index.recordAcknowledgement(record.value)) {
        // Partners fetch what they are owed from the transaction API: indexed is delivered for now.
        const { partnerId: partner, documentType: document_type } = record.value;
        this.metrics.deliveries.inc({ partner, document_type, outcome: 'available' });
      }
    }
  }
  return TransactionIndexConsumer;
}
