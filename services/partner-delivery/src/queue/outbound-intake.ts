// partners.outbound in: each document routed to its endpoint by the catalog's delivery channels and
// stored in the queue (idempotent on outboundId) before the handler returns, so the record's offset is
// committed only once the delivery is durable. A document no channel takes is stored as unroutable and
// reported on partners.delivery-results.
import { DeliveryChannel, type OutboundDocument } from '@tradewind/contracts';
import { TransactionStage } from '@tradewind/observability';
import type { DeliveryChannels } from '@tradewind/partner-catalog';

import type { PartnerDeliveryMetrics } from '../partner-delivery.metrics';
import type { DeliveryQueue } from './delivery-queue.repository';

export type IntakeOutcome = 'queued' | 'unroutable' | 'duplicate';

export class OutboundIntake {
  constructor(
    private readonly channels: DeliveryChannels,
    private readonly queue: DeliveryQueue,
    private readonly metrics: PartnerDeliveryMetrics,
    private readonly notify: (endpoint: string) => void,
  ) {}

  async take(document: OutboundDocument, correlationId: string | undefined): Promise<IntakeOutcome> {
    const endpoint = this.channels.endpointFor(document.partnerId, document.documentType);
    const stored = await this.queue.enqueue({
      document,
      correlationId,
      endpoint:
        endpoint === undefined
          ? undefined
          : {
              key: endpoint.key,
              channel: endpoint.channel.kind === 'webhook' ? DeliveryChannel.Webhook : DeliveryChannel.Sftp,
            },
    });
    const outcome: IntakeOutcome = !stored ? 'duplicate' : endpoint === undefined ? 'unroutable' : 'queued';
    this.metrics.records.inc({ outcome });
    if (outcome === 'unroutable') {
      this.metrics.deliveries.inc({
        partner: document.partnerId,
        document_type: document.documentType,
        outcome: 'unroutable',
      });
      this.metrics.transactions.transactions.inc({
        workflow: document.documentType,
        stage: TransactionStage.Delivered,
        outcome: 'unroutable',
        partner: document.partnerId,
      });
    }
    if (outcome === 'queued') this.notify(endpoint!.key);
    return outcome;
  }
}
