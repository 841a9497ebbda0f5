import { type DynamicModule, Module } from '@nestjs/common';
import { TOPICS } from '@tradewind/contracts';
import { defaultConsumerGroup } from '@tradewind/messaging-nest';
import { loadPartnerCatalog, type PartnerCatalog } from '@tradewind/partner-catalog';
import { Inbox, OutboxWriter } from '@tradewind/persistence';
import { ServiceKitModule } from '@tradewind/service-kit';
import { DataSource } from 'typeorm';

import { IngressDocumentsConsumer } from './intake/ingress-documents.consumer';
import type { ShipmentsConfig } from './shipments.config';
import { ShipmentsCore } from './shipments.core';
import { ShipmentsMetrics } from './shipments.metrics';
import { CreateShipments1769000000000 } from './store/shipments.migration';

export const PARTNER_CATALOG = Symbol('shipments:partner-catalog');

/**
 * shipments: carriers' and 3PLs' documents on ingress.documents → the milestone state per shipment
 * (shipments.state), picking validations (odoo.commands), customer notices (partners.outbound) and
 * impossible milestones (ops.exceptions), all through the outbox.
 */
@Module({})
export class AppModule {
  static forRoot(config: ShipmentsConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceKitModule.forRoot({ config, migrations: [CreateShipments1769000000000], outbox: true }),
      ],
      providers: [
        { provide: ShipmentsMetrics, useFactory: () => new ShipmentsMetrics() },
        { provide: PARTNER_CATALOG, useFactory: () => loadPartnerCatalog(config.catalog.dir) },
        {
          provide: ShipmentsCore,
          inject: [DataSource, Inbox, OutboxWriter, PARTNER_CATALOG],
          useFactory: (dataSource: DataSource, inbox: Inbox, outbox: OutboxWriter, catalog: PartnerCatalog) =>
            new ShipmentsCore(dataSource, inbox, outbox, catalog, {
              consumerGroup: defaultConsumerGroup(config.service.name, TOPICS.ingressDocuments),
              serviceName: config.service.name,
            }),
        },
        IngressDocumentsConsumer,
      ],
    };
  }
}
