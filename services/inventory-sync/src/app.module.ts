import { type DynamicModule, Module } from '@nestjs/common';
import { TOPICS } from '@tradewind/contracts';
import {
  type ChannelFeed,
  ChannelFeedStore,
  inventoryMigrations,
  InventorySyncCore,
  ReservationStore,
  StockLedgerStore,
  StockReconciliationStore,
} from '@tradewind/inventory-store';
import { defaultConsumerGroup } from '@tradewind/messaging-nest';
import { type OdooClient, odooClientFrom } from '@tradewind/odoo-client';
import {
  allocateToChannel,
  DataDomain,
  loadPartnerCatalog,
  type PartnerCatalog,
} from '@tradewind/partner-catalog';
import { Inbox, OutboxWriter } from '@tradewind/persistence';
import { ServiceKitModule } from '@tradewind/service-kit';
import { DataSource } from 'typeorm';

import { ChannelFeedPublisher } from './feeds/channel-feed.publisher';
import { ChannelFeedsService } from './feeds/channel-feeds.service';
import { DeliveryResultsConsumer } from './feeds/delivery-results.consumer';
import type { InventorySyncConfig } from './inventory-sync.config';
import { InventorySyncMetrics } from './inventory-sync.metrics';
import { INVENTORY_SYNC_CONFIG, ODOO_CLIENT, PARTNER_CATALOG } from './inventory-sync.tokens';
import { OdooStockReconciliation } from './reconciliation/odoo-stock.reconciliation';
import { StockReconciliationService } from './reconciliation/stock-reconciliation.service';
import { HoldExpiry } from './reservations/hold-expiry.service';
import { OdooCancellations } from './reservations/odoo-cancellations';
import { OdooCancellationsService } from './reservations/odoo-cancellations.service';
import { ReservationReleasesConsumer } from './reservations/reservation-releases.consumer';
import { ReservationRequestsConsumer } from './reservations/reservation-requests.consumer';
import { IngressDocumentsConsumer } from './stock/ingress-documents.consumer';
import { OdooStockEventIntake } from './stock/odoo-stock-events.intake';
import { StockEventsConsumer } from './stock/stock-events.consumer';
import { WmsDocumentIntake } from './stock/wms-documents.intake';

/** The catalog's channel partners, each with its warehouses and its share of their availability. */
function channelFeeds(catalog: PartnerCatalog): ReadonlyMap<string, ChannelFeed> {
  const feeds = new Map<string, ChannelFeed>();
  for (const partner of catalog.channelPartners()) {
    const rule = partner.allocation!;
    feeds.set(partner.id, {
      warehouses: rule.warehouses,
      allocate: (available) => allocateToChannel(rule, available),
    });
  }
  return feeds;
}

/**
 * inventory-sync: the stock ledger and the reservations. ingress.documents (the WMS's stock documents)
 * → inventory.stock-events → ledger (Odoo's stock-quant-event → a comparison with Odoo); inventory.reservation-requests/-releases → reservations; replies and
 * inventory.availability out through the outbox.
 */
@Module({})
export class AppModule {
  static forRoot(config: InventorySyncConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [ServiceKitModule.forRoot({ config, migrations: inventoryMigrations, outbox: true })],
      providers: [
        { provide: INVENTORY_SYNC_CONFIG, useValue: config },
        { provide: InventorySyncMetrics, useFactory: () => new InventorySyncMetrics() },
        { provide: PARTNER_CATALOG, useFactory: () => loadPartnerCatalog(config.catalog.dir) },
        {
          provide: InventorySyncCore,
          inject: [DataSource, Inbox, OutboxWriter, PARTNER_CATALOG],
          useFactory: (
            dataSource: DataSource,
            inbox: Inbox,
            outbox: OutboxWriter,
            catalog: PartnerCatalog,
          ) => {
            const feeds = channelFeeds(catalog);
            const feedStore = new ChannelFeedStore();
            return new InventorySyncCore(
              dataSource,
              inbox,
              outbox,
              new ReservationStore(),
              new StockLedgerStore(),
              {
                groupOf: (topic) => defaultConsumerGroup(config.service.name, topic),
                channels: () => feeds,
                feeds: config.feeds.tickMs === 0 ? undefined : feedStore,
              },
            );
          },
        },
        {
          provide: WmsDocumentIntake,
          inject: [DataSource, Inbox, OutboxWriter, PARTNER_CATALOG],
          useFactory: (dataSource: DataSource, inbox: Inbox, outbox: OutboxWriter, catalog: PartnerCatalog) =>
            new WmsDocumentIntake(
              dataSource,
              inbox,
              outbox,
              catalog,
              defaultConsumerGroup(config.service.name, TOPICS.ingressDocuments),
            ),
        },
        {
          // The read-only key: stock quants (reconciliation) and cancelled sale orders.
          provide: ODOO_CLIENT,
          useFactory: () =>
            odooClientFrom(config.odoo, { userAgent: 'tradewind-inventory-sync', maxConcurrentRequests: 2 }),
        },
        {
          provide: OdooStockReconciliation,
          inject: [DataSource, OutboxWriter, PARTNER_CATALOG, ODOO_CLIENT],
          useFactory: (
            dataSource: DataSource,
            outbox: OutboxWriter,
            catalog: PartnerCatalog,
            odoo: OdooClient,
          ) =>
            new OdooStockReconciliation(dataSource, outbox, new StockReconciliationStore(), odoo, {
              serviceName: config.service.name,
              stockOwner: catalog.systemOfRecord(DataDomain.StockOnHand),
              correct: config.reconciliation.correct,
            }),
        },
        StockReconciliationService,
        {
          provide: OdooStockEventIntake,
          inject: [PARTNER_CATALOG, ODOO_CLIENT, StockReconciliationService],
          useFactory: (catalog: PartnerCatalog, odoo: OdooClient, service: StockReconciliationService) =>
            new OdooStockEventIntake(catalog, odoo, (skus) => service.reconcile(skus)),
        },
        {
          provide: OdooCancellations,
          inject: [DataSource, InventorySyncCore, ODOO_CLIENT],
          useFactory: (dataSource: DataSource, core: InventorySyncCore, odoo: OdooClient) =>
            new OdooCancellations(
              dataSource,
              core,
              new ReservationStore(),
              new StockReconciliationStore(),
              odoo,
            ),
        },
        OdooCancellationsService,
        { provide: ChannelFeedStore, useFactory: () => new ChannelFeedStore() },
        {
          provide: ChannelFeedPublisher,
          inject: [DataSource, OutboxWriter, ChannelFeedStore, PARTNER_CATALOG],
          useFactory: (
            dataSource: DataSource,
            outbox: OutboxWriter,
            feedStore: ChannelFeedStore,
            catalog: PartnerCatalog,
          ) => new ChannelFeedPublisher(dataSource, outbox, feedStore, catalog),
        },
        DeliveryResultsConsumer,
        ChannelFeedsService,
        HoldExpiry,
        ReservationRequestsConsumer,
        ReservationReleasesConsumer,
        StockEventsConsumer,
        IngressDocumentsConsumer,
      ],
    };
  }
}
