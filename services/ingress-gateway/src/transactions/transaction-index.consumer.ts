// Feeds the transaction index from the platform: order states (orders.state, upsert by version) and the
// acknowledgements owed to partners (partners.outbound, upsert by outboundId) and their delivery
// (partners.delivery-results, the latest attempt by number). All are idempotent
// upserts, so redeliveries and replays change nothing; neither throws anything but technical errors.
// Each handler has a consumer group of its own, `<SERVICE_NAME>.<topic>` unless the config's
// `consumers` section names one, so a test instance does not join the deployed gateway's groups.
import { Inject, Injectable } from '@nestjs/common';
import {
  type DeliveryResult,
  type OutboundDocument,
  type SalesOrderState,
  TOPICS,
} from '@tradewind/contracts';
import type { ConsumedRecord } from '@tradewind/messaging';
import { KafkaHandler } from '@tradewind/messaging-nest';

import { GATEWAY_METRICS } from '../gateway.tokens';
import type { GatewayMetrics } from '../metrics/gateway.metrics';
import { TransactionIndex } from './transaction-index.repository';

@Injectable()
export class TransactionIndexConsumer {
  constructor(
    @Inject(TransactionIndex) private readonly index: TransactionIndex,
    @Inject(GATEWAY_METRICS) private readonly metrics: GatewayMetrics,
  ) {}

  @KafkaHandler(TOPICS.ordersState, { settings: 'orderStates' })
  async onOrderState(record: ConsumedRecord<SalesOrderState>): Promise<void> {
    if (record.value.documentIds.length === 0) return;
    await this.index.applyOrderState(record.value);
  }

  @KafkaHandler(TOPICS.partnersOutbound, { settings: 'outbound' })
  async onOutbound(record: ConsumedRecord<OutboundDocument>): Promise<void> {
    // Only what answers inbound documents belongs to a transaction (not supplier POs or stock feeds).
    if (record.value.relatesTo.length === 0) return;
    if (await this.index.recordAcknowledgement(record.value)) {
      // Partners fetch what they are owed from the transaction API: indexed is delivered for now.
      const { partnerId: partner, documentType: document_type } = record.value;
      this.metrics.deliveries.inc({ partner, document_type, outcome: 'available' });
    }
  }

  /** partner-delivery's attempts: whether and when each acknowledgement reached the partner. */
  @KafkaHandler(TOPICS.partnersDeliveryResults, { settings: 'deliveryResults' })
  async onDeliveryResult(record: ConsumedRecord<DeliveryResult>): Promise<void> {
    if (record.value.relatesTo.length === 0) return;
    await this.index.recordDeliveryResult(record.value);
  }
}
