// ingress.documents → the purchase-order workflow: Odoo's purchase-order events (the internal partner's
// webhook: the order is read again from Odoo, the webhook only names it) and the suppliers' answers
// (855 / JSON acknowledgement, 997). Other document types are other services'. Inbox-deduplicated: a
// redelivered record changes nothing (and the workflow is idempotent on its own).
import { Inject, Injectable } from '@nestjs/common';
import { HEADER, TOPICS, type TopicValueMap } from '@tradewind/contracts';
import { type ConsumedRecord } from '@tradewind/messaging';
import { KafkaHandler } from '@tradewind/messaging-nest';

import { toRunnerError } from '../purchase-orders.exception';
import { PurchaseOrderIntake } from './purchase-order.intake';

export type IngressDocumentsValue = TopicValueMap[typeof TOPICS.ingressDocuments];

@Injectable()
export class IngressDocumentsConsumer {
  constructor(@Inject(PurchaseOrderIntake) private readonly intake: PurchaseOrderIntake) {}

  @KafkaHandler(TOPICS.ingressDocuments, { settings: 'ingressDocuments' })
  async handle(record: ConsumedRecord<IngressDocumentsValue>): Promise<void> {
    try {
      await this.intake.handle(record.value, record.headers[HEADER.correlationId]);
    } catch (error) {
      throw toRunnerError(error);
    }
  }
}
