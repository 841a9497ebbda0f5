// partners.outbound → the acknowledgements view: the last step of a lineage and the SLA timers.
import { Inject, Injectable } from '@nestjs/common';
import { type OutboundDocument, TOPICS } from '@tradewind/contracts';
import type { ConsumedRecord } from '@tradewind/messaging';
import { KafkaHandler } from '@tradewind/messaging-nest';
import { withTransaction } from '@tradewind/persistence';
import { DataSource } from 'typeorm';

import { ViewsRepository } from '../store/views.repository';

@Injectable()
export class PartnersOutboundConsumer {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(ViewsRepository) private readonly views: ViewsRepository,
  ) {}

  @KafkaHandler(TOPICS.partnersOutbound, { settings: 'partnersOutbound' })
  async handle(record: ConsumedRecord<OutboundDocument>): Promise<void> {
    await withTransaction(this.dataSource, (manager) => this.views.addAcknowledgement(manager, record.value));
  }
}
