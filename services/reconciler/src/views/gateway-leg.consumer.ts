// Consumes what the gateway accepted (ingress.documents: the types whose id a workflow's state names,
// GATEWAY_WORKFLOWS; the payload ignored) and what partners were told (partners.outbound: order
// acknowledgements, by the documents they answer) into the gateway's leg. Idempotent inserts:
// redeliveries and replays change nothing.
import { Inject, Injectable } from '@nestjs/common';
import { type IngressDocument, type OutboundDocument, TOPICS } from '@tradewind/contracts';
import type { ConsumedRecord } from '@tradewind/messaging';
import { KafkaHandler } from '@tradewind/messaging-nest';

import { ReconcilerMetrics } from '../reconciler.metrics';
import { GATEWAY_LEG } from '../reconciler.tokens';
import {
  GATEWAY_DOCUMENT_TYPES,
  type GatewayLeg,
  ORDER_ACKNOWLEDGEMENT_TYPES,
} from './gateway-leg.repository';

@Injectable()
export class GatewayLegConsumer {
  constructor(
    @Inject(GATEWAY_LEG) private readonly leg: GatewayLeg,
    @Inject(ReconcilerMetrics) private readonly metrics: ReconcilerMetrics,
  ) {}

  @KafkaHandler(TOPICS.ingressDocuments, { settings: 'ingressDocuments' })
  async onDocument(record: ConsumedRecord<IngressDocument>): Promise<void> {
    const { documentId, partnerId, documentType, businessRef, receivedAt } = record.value;
    if (!GATEWAY_DOCUMENT_TYPES.has(documentType)) return;
    await this.leg.recordDocument({ documentId, partnerId, documentType, businessRef, receivedAt });
    this.metrics.records.inc({ outcome: 'gateway_document' });
  }

  @KafkaHandler(TOPICS.partnersOutbound, { settings: 'partnersOutbound' })
  async onOutbound(record: ConsumedRecord<OutboundDocument>): Promise<void> {
    const { outboundId, documentType, relatesTo, createdAt } = record.value;
    if (!ORDER_ACKNOWLEDGEMENT_TYPES.has(documentType) || relatesTo.length === 0) return;
    await this.leg.recordAcknowledgement(outboundId, relatesTo, createdAt);
    this.metrics.records.inc({ outcome: 'acknowledgement' });
  }
}
