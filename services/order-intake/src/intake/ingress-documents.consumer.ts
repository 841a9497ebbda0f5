import { Inject, Injectable } from '@nestjs/common';
import { type IngressDocument, TOPICS } from '@tradewind/contracts';
import type { ConsumedRecord } from '@tradewind/messaging';
import { KafkaHandler } from '@tradewind/messaging-nest';
import { dataDomainOfDocument } from '@tradewind/partner-catalog';
import { isPurchasingDocumentType } from '@tradewind/partner-documents';

import { toRunnerError } from '../order-intake.exception';
import { SalesOrderIntake } from './sales-order-intake.service';

/**
 * ingress.documents → order decisions (settings and group: config `consumers.ingressDocuments`, INTAKE_DOCUMENTS_*). A rejected order is a
 * normal outcome (the partner is told); only a record that cannot be an order goes to ops.exceptions
 * (BusinessRuleError); Odoo or PostgreSQL being down holds the records (DependencyUnavailableError);
 * everything else thrown is technical and retried, then dead-lettered. The topic carries every inbound
 * document: those that write another data domain (stock events and snapshots: inventory-sync's) and the
 * purchasing ones (Odoo's purchase-order events, suppliers' 855/997: purchase-orders') are skipped.
 */
@Injectable()
export class IngressDocumentsConsumer {
  constructor(@Inject(SalesOrderIntake) private readonly intake: SalesOrderIntake) {}

  @KafkaHandler(TOPICS.ingressDocuments, { settings: 'ingressDocuments' })
  async onDocument(record: ConsumedRecord<IngressDocument>): Promise<void> {
    if (dataDomainOfDocument(record.value.documentType) !== undefined) return;
    if (isPurchasingDocumentType(record.value.documentType)) return;
    try {
      await this.intake.handle(record.value, record.headers, {
        partition: record.partition,
        offset: record.offset,
        key: record.key,
      });
    } catch (error) {
      throw toRunnerError(error);
    }
  }
}
