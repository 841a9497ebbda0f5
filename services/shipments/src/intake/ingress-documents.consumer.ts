// ingress.documents → carriers' and 3PLs' shipment documents through ShipmentsCore (others skipped).
import { Inject, Injectable } from '@nestjs/common';
import { type IngressDocument, TOPICS } from '@tradewind/contracts';
import type { ConsumedRecord } from '@tradewind/messaging';
import { KafkaHandler } from '@tradewind/messaging-nest';

import { ShipmentsCore } from '../shipments.core';
import { toRunnerError } from '../shipments.exception';
import { ShipmentsMetrics } from '../shipments.metrics';

@Injectable()
export class IngressDocumentsConsumer {
  constructor(
    @Inject(ShipmentsCore) private readonly core: ShipmentsCore,
    @Inject(ShipmentsMetrics) private readonly metrics: ShipmentsMetrics,
  ) {}

  @KafkaHandler(TOPICS.ingressDocuments, { settings: 'ingressDocuments' })
  async handle(record: ConsumedRecord<IngressDocument>): Promise<void> {
    try {
      const outcome = await this.core.onDocument(record.value, record.headers, {
        topic: record.topic,
        partition: record.partition,
        offset: record.offset,
      });
      this.metrics.records.inc({ outcome });
    } catch (error) {
      throw toRunnerError(error);
    }
  }
}
