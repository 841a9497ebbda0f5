import { type DynamicModule, Module } from '@nestjs/common';
import type { Environment } from '@tradewind/config';
import { loadPartnerCatalog, type PartnerCatalog } from '@tradewind/partner-catalog';
import { OutboxWriter } from '@tradewind/persistence';
import { ServiceKitModule } from '@tradewind/service-kit';
import { DataSource } from 'typeorm';

import { buildEndpoints } from './channels/channel-factory';
import { DeliveryDispatcher } from './delivery/delivery-dispatcher';
import type { PartnerDeliveryConfig } from './partner-delivery.config';
import { PartnerDeliveryErrorCode, PartnerDeliveryException } from './partner-delivery.exception';
import { PartnerDeliveryMetrics } from './partner-delivery.metrics';
import { PARTNER_CATALOG } from './partner-delivery.tokens';
import { CreateDeliveries1796140000000 } from './queue/deliveries.migration';
import { DeliveryQueue } from './queue/delivery-queue.repository';
import { OutboundIntake } from './queue/outbound-intake';
import { PartnersOutboundConsumer } from './queue/partners-outbound.consumer';

export interface AppModuleOverrides {
  /** Instead of loading PARTNER_CATALOG_DIR (tests give their own endpoints). */
  catalog?: PartnerCatalog;
  /** Where `env:` secret references are read (tests); the process environment otherwise. */
  secretsEnv?: Environment;
}

/**
 * partner-delivery: partners.outbound in, into a durable queue; one worker per partner endpoint sends
 * (webhook or SFTP) and records every attempt on partners.delivery-results through the outbox.
 */
@Module({})
export class AppModule {
  static forRoot(config: PartnerDeliveryConfig, overrides: AppModuleOverrides = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceKitModule.forRoot({ config, migrations: [CreateDeliveries1796140000000], outbox: true }),
      ],
      providers: [
        {
          provide: PARTNER_CATALOG,
          useFactory: () => overrides.catalog ?? loadPartnerCatalog(config.catalog.dir),
        },
        {
          provide: DeliveryQueue,
          inject: [DataSource, OutboxWriter],
          useFactory: (dataSource: DataSource, outbox: OutboxWriter) =>
            new DeliveryQueue(dataSource, outbox, config.service.name),
        },
        {
          provide: PartnerDeliveryMetrics,
          inject: [DeliveryQueue],
          useFactory: (queue: DeliveryQueue) => new PartnerDeliveryMetrics(() => queue.pending()),
        },
        {
          provide: DeliveryDispatcher,
          inject: [PARTNER_CATALOG, DeliveryQueue, PartnerDeliveryMetrics],
          useFactory: (catalog: PartnerCatalog, queue: DeliveryQueue, metrics: PartnerDeliveryMetrics) => {
            const longest = Math.max(0, ...catalog.delivery.endpoints.map((e) => e.timeoutMs));
            if (config.delivery.leaseMs < 2 * longest) {
              throw new PartnerDeliveryException(
                PartnerDeliveryErrorCode.LeaseTooShort,
                `DELIVERY_LEASE ${config.delivery.leaseMs} ms is shorter than twice the longest endpoint timeout (${longest} ms): a send could outlive its claim`,
              );
            }
            const endpoints = buildEndpoints(catalog.delivery.endpoints, {
              overrides: config.catalog.overrides,
              secretsRoot: config.catalog.secretsRoot,
              env: overrides.secretsEnv,
            });
            return new DeliveryDispatcher(endpoints, queue, metrics, config.delivery);
          },
        },
        {
          provide: OutboundIntake,
          inject: [PARTNER_CATALOG, DeliveryQueue, PartnerDeliveryMetrics, DeliveryDispatcher],
          useFactory: (
            catalog: PartnerCatalog,
            queue: DeliveryQueue,
            metrics: PartnerDeliveryMetrics,
            dispatcher: DeliveryDispatcher,
          ) =>
            new OutboundIntake(catalog.delivery, queue, metrics, (endpoint) => dispatcher.notify(endpoint)),
        },
        PartnersOutboundConsumer,
      ],
    };
  }
}
