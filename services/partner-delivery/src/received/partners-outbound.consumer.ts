// Consumes partners.outbound: one received_records row per record, whatever the number of deliveries.
import { Inject, Injectable } from '@nestjs/common';
import { TOPICS, type TopicValueMap } from '@tradewind/contracts';
import { type ConsumedRecord, HEADER } from '@tradewind/messaging';
import { KafkaHandler } from '@tradewind/messaging-nest';

import { PartnerDeliveryMetrics } from '../partner-delivery.metrics';
import { RECEIVED_RECORDS, type ReceivedRecords } from './received-records.repository';

export type PartnersOutboundValue = TopicValueMap[typeof TOPICS.partnersOutbound];

@Injectable()
export class PartnersOutboundConsumer {
  constructor(
    @Inject(RECEIVED_RECORDS) private readonly received: ReceivedRecords,
    @Inject(PartnerDeliveryMetrics) private readonly metrics: PartnerDeliveryMetrics,
  ) {}

  /**
   * Idempotent, as every handler must be (delivery is at least once): a redelivered record finds its row.
   * A thrown error is retried, then dead-lettered; throw BusinessRuleError for a business-rule failure.
   */
  @KafkaHandler(TOPICS.partnersOutbound, { settings: 'partnersOutbound' })
  async handle(record: ConsumedRecord<PartnersOutboundValue>): Promise<void> {
    const stored = await this.received.add({
      // Without a message-id the record's position identifies it: its redeliveries share it.
      messageId: record.headers[HEADER.messageId] ?? `${record.topic}/${record.partition}/${record.offset}`,
      topic: record.topic,
      key: record.key,
    });
    this.metrics.records.inc({ outcome: stored ? 'stored' : 'duplicate' });
  }
}
