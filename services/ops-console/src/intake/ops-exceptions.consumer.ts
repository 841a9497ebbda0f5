// ops.exceptions → the queue: one row per exceptionId whatever the deliveries; supersession in the same
// transaction (store/exceptions.repository.ts).
import { Inject, Injectable } from '@nestjs/common';
import { type OpsException, TOPICS } from '@tradewind/contracts';
import type { ConsumedRecord } from '@tradewind/messaging';
import { KafkaHandler } from '@tradewind/messaging-nest';
import { withTransaction } from '@tradewind/persistence';
import { DataSource } from 'typeorm';

import { OpsConsoleMetrics } from '../ops-console.metrics';
import { ExceptionsRepository } from '../store/exceptions.repository';

@Injectable()
export class OpsExceptionsConsumer {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(ExceptionsRepository) private readonly exceptions: ExceptionsRepository,
    @Inject(OpsConsoleMetrics) private readonly metrics: OpsConsoleMetrics,
  ) {}

  @KafkaHandler(TOPICS.opsExceptions, { settings: 'opsExceptions' })
  async handle(record: ConsumedRecord<OpsException>): Promise<void> {
    const outcome = await withTransaction(this.dataSource, (manager) =>
      this.exceptions.ingest(manager, record.value),
    );
    this.metrics.exceptions.inc({
      kind: record.value.kind,
      outcome: outcome.stored ? outcome.state : 'duplicate',
    });
  }
}
