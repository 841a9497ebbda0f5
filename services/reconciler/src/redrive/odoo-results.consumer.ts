// Consumes odoo.results for the re-drives' own commands: each answer is stored beside its command, so the
// replica waiting on a canary sees it whichever replica's partition it arrived on. Others' results are
// one indexed UPDATE that matches nothing.
import { Inject, Injectable } from '@nestjs/common';
import { type OdooResult, TOPICS } from '@tradewind/contracts';
import type { ConsumedRecord } from '@tradewind/messaging';
import { KafkaHandler } from '@tradewind/messaging-nest';

import { ReconcilerMetrics } from '../reconciler.metrics';
import { REDRIVE_STORE } from '../reconciler.tokens';
import type { RedriveStore } from './redrive.store';

@Injectable()
export class OdooResultsConsumer {
  constructor(
    @Inject(REDRIVE_STORE) private readonly store: RedriveStore,
    @Inject(ReconcilerMetrics) private readonly metrics: ReconcilerMetrics,
  ) {}

  @KafkaHandler(TOPICS.odooResults, { settings: 'odooResults' })
  async handle(record: ConsumedRecord<OdooResult>): Promise<void> {
    const { commandId, outcome, errorClass, errorMessage, completedAt } = record.value;
    const ours = await this.store.recordResult({
      commandId,
      outcome,
      error: errorClass === null ? errorMessage : `${errorClass}: ${errorMessage ?? ''}`,
      completedAt,
    });
    if (ours) this.metrics.redriveResults.inc({ outcome });
  }
}
