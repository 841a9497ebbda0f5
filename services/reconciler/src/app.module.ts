import { type DynamicModule, Module } from '@nestjs/common';
import { type OdooClient, odooClientFrom } from '@tradewind/odoo-client';
import { loadPartnerCatalog } from '@tradewind/partner-catalog';
import { ServiceKitModule } from '@tradewind/service-kit';
import { DataSource } from 'typeorm';

import { OdooAccountMovesReader } from './odoo/odoo-account-moves.reader';
import { OdooDeliveriesReader } from './odoo/odoo-deliveries.reader';
import { OdooPurchaseOrdersReader } from './odoo/odoo-purchase-orders.reader';
import { OdooSaleOrdersReader } from './odoo/odoo-sale-orders.reader';
import type { ReconcilerConfig } from './reconciler.config';
import { ReconcilerMetrics } from './reconciler.metrics';
import {
  FINANCE_VIEWS,
  GATEWAY_LEG,
  ODOO_ACCOUNT_MOVES,
  ODOO_CLIENT,
  ODOO_DELIVERIES,
  ODOO_PURCHASE_ORDERS,
  ODOO_SALE_ORDERS,
  PARTNER_CATALOG,
  PURCHASE_ORDER_VIEWS,
  RECONCILER_CONFIG,
  RECONCILIATION_RUNS,
  REDRIVE_STORE,
  SHIPMENT_VIEWS,
  WRITER_BREAKER,
} from './reconciler.tokens';
import { CompletenessPageController } from './reconciliation/completeness-page.controller';
import { ReconciliationController } from './reconciliation/reconciliation.controller';
import { ReconciliationSchedule } from './reconciliation/reconciliation.schedule';
import { ReconciliationService } from './reconciliation/reconciliation.service';
import { ReconciliationRuns } from './reconciliation/reconciliation-runs.repository';
import { OdooResultsConsumer } from './redrive/odoo-results.consumer';
import { RedriveController } from './redrive/redrive.controller';
import { CreateRedrives1796300000000 } from './redrive/redrive.migration';
import { RedriveService } from './redrive/redrive.service';
import { RedriveStore } from './redrive/redrive.store';
import { HttpWriterBreaker, UngatedWriterBreaker } from './redrive/writer-breaker';
import { FinanceStateConsumer } from './views/finance-state.consumer';
import { CreateFinanceViews1796300000005 } from './views/finance-views.migration';
import { FinanceViews } from './views/finance-views.repository';
import { GatewayLegConsumer } from './views/gateway-leg.consumer';
import { CreateGatewayLeg1796300000002 } from './views/gateway-leg.migration';
import { GatewayLeg } from './views/gateway-leg.repository';
import { ORDER_VIEWS, PostgresOrderViews } from './views/order-views.repository';
import { AddOrderViewsCustomer1796300000001 } from './views/order-views-customer.migration';
import { OrdersStateConsumer } from './views/orders-state.consumer';
import { CreatePurchaseOrderDocuments1796300000006 } from './views/purchase-order-documents.migration';
import { CreatePurchaseOrderViews1796300000003 } from './views/purchase-order-views.migration';
import { PurchaseOrderViews } from './views/purchase-order-views.repository';
import { PurchasingStateConsumer } from './views/purchasing-state.consumer';
import { CreateReconcilerViews1796125653527 } from './views/reconciler-views.migration';
import { CreateShipmentViews1796300000004 } from './views/shipment-views.migration';
import { ShipmentViews } from './views/shipment-views.repository';
import { ShipmentsStateConsumer } from './views/shipments-state.consumer';

/** reconciler: orders.state, purchasing.state, shipments.state and finance.state into its views; windows reconciled against Odoo (read-only) on a schedule and on request. */
@Module({})
export class AppModule {
  static forRoot(config: ReconcilerConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceKitModule.forRoot({
          config,
          migrations: [
            CreateReconcilerViews1796125653527,
            CreateRedrives1796300000000,
            AddOrderViewsCustomer1796300000001,
            CreateGatewayLeg1796300000002,
            CreatePurchaseOrderViews1796300000003,
            CreateShipmentViews1796300000004,
            CreateFinanceViews1796300000005,
            CreatePurchaseOrderDocuments1796300000006,
          ],
        }),
      ],
      controllers: [ReconciliationController, RedriveController, CompletenessPageController],
      providers: [
        { provide: RECONCILER_CONFIG, useValue: config },
        { provide: PARTNER_CATALOG, useFactory: () => loadPartnerCatalog(config.catalog.dir) },
        { provide: ReconcilerMetrics, useFactory: () => new ReconcilerMetrics() },
        {
          provide: ORDER_VIEWS,
          inject: [DataSource],
          useFactory: (dataSource: DataSource) => new PostgresOrderViews(dataSource),
        },
        {
          provide: RECONCILIATION_RUNS,
          inject: [DataSource],
          useFactory: (dataSource: DataSource) => new ReconciliationRuns(dataSource),
        },
        {
          provide: ODOO_CLIENT,
          useFactory: () =>
            odooClientFrom(config.odoo, {
              userAgent: 'tradewind-reconciler',
              maxConcurrentRequests: config.reconciliation.odooConcurrency,
            }),
        },
        {
          provide: ODOO_SALE_ORDERS,
          inject: [ODOO_CLIENT],
          useFactory: (client: OdooClient) => new OdooSaleOrdersReader(client),
        },
        {
          provide: ODOO_PURCHASE_ORDERS,
          inject: [ODOO_CLIENT],
          useFactory: (client: OdooClient) => new OdooPurchaseOrdersReader(client),
        },
        {
          provide: PURCHASE_ORDER_VIEWS,
          inject: [DataSource],
          useFactory: (dataSource: DataSource) => new PurchaseOrderViews(dataSource),
        },
        {
          provide: ODOO_DELIVERIES,
          inject: [ODOO_CLIENT],
          useFactory: (client: OdooClient) => new OdooDeliveriesReader(client),
        },
        {
          provide: SHIPMENT_VIEWS,
          inject: [DataSource],
          useFactory: (dataSource: DataSource) => new ShipmentViews(dataSource),
        },
        {
          provide: ODOO_ACCOUNT_MOVES,
          inject: [ODOO_CLIENT],
          useFactory: (client: OdooClient) => new OdooAccountMovesReader(client),
        },
        {
          provide: FINANCE_VIEWS,
          inject: [DataSource],
          useFactory: (dataSource: DataSource) => new FinanceViews(dataSource),
        },
        {
          provide: GATEWAY_LEG,
          inject: [DataSource],
          useFactory: (dataSource: DataSource) => new GatewayLeg(dataSource),
        },
        {
          provide: REDRIVE_STORE,
          inject: [DataSource],
          useFactory: (dataSource: DataSource) => new RedriveStore(dataSource),
        },
        {
          provide: WRITER_BREAKER,
          useFactory: () =>
            config.reconciliation.writerMetricsUrls === undefined
              ? new UngatedWriterBreaker()
              : new HttpWriterBreaker(config.reconciliation.writerMetricsUrls),
        },
        ReconciliationService,
        RedriveService,
        OdooResultsConsumer,
        GatewayLegConsumer,
        ReconciliationSchedule,
        OrdersStateConsumer,
        PurchasingStateConsumer,
        ShipmentsStateConsumer,
        FinanceStateConsumer,
      ],
    };
  }
}
