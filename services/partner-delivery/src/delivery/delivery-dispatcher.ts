// Runs one EndpointWorker per usable endpoint of the catalog, and tells the right one when a document
// for it is queued. Endpoints whose secrets cannot be read are logged and counted, and their documents
// wait in the queue; the service stays ready (a partner's trouble is not ours).
import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { createLogger } from '@tradewind/observability';

import type { ReadyEndpoint, UnusableEndpoint } from '../channels/channel-factory';
import type { PartnerDeliveryMetrics } from '../partner-delivery.metrics';
import type { DeliveryQueue } from '../queue/delivery-queue.repository';
import { EndpointWorker } from './endpoint-worker';

export interface DispatcherSettings {
  readonly leaseMs: number;
  readonly pollMs: number;
  readonly jitter: number;
}

export class DeliveryDispatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = createLogger(DeliveryDispatcher.name);
  private readonly workers = new Map<string, EndpointWorker>();

  constructor(
    endpoints: { ready: readonly ReadyEndpoint[]; unusable: readonly UnusableEndpoint[] },
    queue: DeliveryQueue,
    private readonly metrics: PartnerDeliveryMetrics,
    settings: DispatcherSettings,
  ) {
    for (const { endpoint, sender } of endpoints.ready) {
      this.workers.set(endpoint.key, new EndpointWorker({ endpoint, sender, queue, metrics, ...settings }));
      metrics.endpointUnusable.set({ endpoint: endpoint.key }, 0);
    }
    for (const { endpoint, reason } of endpoints.unusable) {
      metrics.endpointUnusable.set({ endpoint: endpoint.key }, 1);
      this.log.error(
        { endpoint: endpoint.key, reason },
        `delivery endpoint ${endpoint.key} is not started (its documents wait): ${reason}`,
      );
    }
    for (const { endpoint, target } of endpoints.ready) {
      this.log.info({ endpoint: endpoint.key, target }, `delivery endpoint ${endpoint.key}: ${target}`);
    }
  }

  onApplicationBootstrap(): void {
    for (const worker of this.workers.values()) worker.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.workers.values()].map((w) => w.stop()));
  }

  /** A document was queued for `endpoint`. */
  notify(endpoint: string): void {
    this.workers.get(endpoint)?.wake();
  }

  breakerState(endpoint: string): 'closed' | 'half-open' | 'open' | undefined {
    return this.workers.get(endpoint)?.state;
  }
}
