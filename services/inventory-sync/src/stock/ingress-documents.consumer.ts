import { Inject, Injectable } from '@nestjs/common';
import { type IngressDocument, TOPICS } from '@tradewind/contracts';
import type { ConsumedRecord } from '@tradewind/messaging';
import { KafkaHandler } from '@tradewind/messaging-nest';

import { toRunnerError } from '../inventory-sync.exception';
import { InventorySyncMetrics } from '../inventory-sync.metrics';
import { isOdooStockQuantEvent, OdooStockEventIntake } from './odoo-stock-events.intake';
import { WmsDocumentIntake } from './wms-documents.intake';

/**
 * ingress.documents → the WMS's stock documents as canonical inventory.stock-events, and Odoo's
 * stock-quant-event webhooks as a comparison with Odoo at once (others skipped).
 */
@Injectable()
export class IngressDocumentsConsumer {
  constructor(
    @Inject(WmsDocumentIntake) private readonly intake: WmsDocumentIntake,
    @Inject(OdooStockEventIntake) private readonly odooIntake: OdooStockEventIntake,
    @Inject(InventorySyncMetrics) private readonly metrics: InventorySyncMetrics,
  ) {}

  @KafkaHandler(TOPICS.ingressDocuments, { settings: 'ingressDocuments' })
  async onDocument(record: ConsumedRecord<IngressDocument>): Promise<void> {
    try {
      const outcome = isOdooStockQuantEvent(record.value.documentType)
        ? await this.odooIntake.handle(record.value)
        : await this.intake.handle(record.value, record.headers);
      this.metrics.records.inc({ topic: record.topic, outcome });
    } catch (error) {
      throw toRunnerError(error);
    }
  }
}
