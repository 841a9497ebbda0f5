// Consumes partners.outbound into the delivery queue. Idempotent (outboundId), so redeliveries change
// nothing; a database outage holds the records (the runner's dependency handling), it never skips one.
import { Inject, Injectable } from '@nestjs/common';
import { type OutboundDocument, TOPICS } from '@tradewind/contracts';
import { type ConsumedRecord, HEADER } from '@tradewind/messaging';
import { KafkaHandler } from '@tradewind/messaging-nest';

import { OutboundIntake } from './outbound-intake';

@Injectable()
export class PartnersOutboundConsumer {
  constructor(@Inject(OutboundIntake) private readonly intake: OutboundIntake) {}

  @KafkaHandler(TOPICS.partnersOutbound, { settings: 'partnersOutbound' })
  async handle(record: ConsumedRecord<OutboundDocument>): Promise<void> {
    await this.intake.take(record.value, record.headers[HEADER.correlationId]);
  }
}
