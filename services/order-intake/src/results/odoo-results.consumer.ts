// Consumes odoo.results: Odoo's answers to the commands this service issued (and to re-drives of its orders).
import { Inject, Injectable } from '@nestjs/common';
import { type OdooResult, TOPICS } from '@tradewind/contracts';
import type { ConsumedRecord } from '@tradewind/messaging';
import { defaultConsumerGroup, KafkaHandler } from '@tradewind/messaging-nest';

import { toRunnerError } from '../order-intake.exception';
import { OdooResultsService } from './odoo-results.service';

/** The inbox's consumer group for odoo.results (the Kafka group's default name; INTAKE_RESULTS_GROUP may differ). */
export function resultsGroupOf(serviceName: string): string {
  return defaultConsumerGroup(serviceName, TOPICS.odooResults);
}

@Injectable()
export class OdooResultsConsumer {
  constructor(@Inject(OdooResultsService) private readonly results: OdooResultsService) {}

  @KafkaHandler(TOPICS.odooResults, { settings: 'odooResults' })
  async handle(record: ConsumedRecord<OdooResult>): Promise<void> {
    try {
      await this.results.handle(record.value, record.headers);
    } catch (error) {
      throw toRunnerError(error);
    }
  }
}
