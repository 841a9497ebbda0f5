// ops.audit → the audit view: the partner request of a lineage (who sent which bytes, when, under which
// policy), and the console's own actions as every other service sees them.
import { Inject, Injectable } from '@nestjs/common';
import { type AuditEvent, TOPICS } from '@tradewind/contracts';
import type { ConsumedRecord } from '@tradewind/messaging';
import { KafkaHandler } from '@tradewind/messaging-nest';
import { withTransaction } from '@tradewind/persistence';
import { DataSource } from 'typeorm';

import { ViewsRepository } from '../store/views.repository';

@Injectable()
export class OpsAuditConsumer {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(ViewsRepository) private readonly views: ViewsRepository,
  ) {}

  @KafkaHandler(TOPICS.opsAudit, { settings: 'opsAudit' })
  async handle(record: ConsumedRecord<AuditEvent>): Promise<void> {
    await withTransaction(this.dataSource, (manager) => this.views.addAudit(manager, record.value));
  }
}
