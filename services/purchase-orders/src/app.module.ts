import { type DynamicModule, Module } from '@nestjs/common';
import { odooClientFrom } from '@tradewind/odoo-client';
import { loadPartnerCatalog, type PartnerCatalog, PartnerKind } from '@tradewind/partner-catalog';
import { OutboxWriter } from '@tradewind/persistence';
import { ServiceKitModule } from '@tradewind/service-kit';
import { DataSource } from 'typeorm';

import { IngressDocumentsConsumer } from './intake/ingress-documents.consumer';
import { PurchaseOrderIntake } from './intake/purchase-order.intake';
import { PurchasingSchedule } from './intake/purchasing.schedule';
import type { PurchaseOrdersConfig } from './purchase-orders.config';
import { PurchaseOrdersMetrics } from './purchase-orders.metrics';
import {
  PARTNER_CATALOG,
  PURCHASE_ORDERS_CONFIG,
  PURCHASE_ORDERS_READER,
  PURCHASING_CLOCK,
} from './purchase-orders.tokens';
import { type Clock, SYSTEM_CLOCK } from './purchasing/clock';
import { OdooPurchaseOrdersReader } from './purchasing/odoo-purchase-orders.reader';
import { PurchasingCore } from './purchasing/purchasing.core';
import {
  AddPurchaseOrderWriteDate1796150000000,
  CreatePurchasing1796140000000,
} from './purchasing/purchasing.migration';

export interface PurchaseOrdersOptions {
  /** The SLA timers' clock; tests pass a ManualClock. */
  readonly clock?: Clock;
}

/** res.partner id of each supplier's Odoo vendor (the catalog's odooVendorRef), read once and kept. */
function vendorDirectory(reader: OdooPurchaseOrdersReader, catalog: PartnerCatalog) {
  let cached: Promise<ReadonlyMap<number, string>> | undefined;
  return (): Promise<ReadonlyMap<number, string>> => {
    cached ??= (async () => {
      const map = new Map<number, string>();
      for (const partner of catalog.partners()) {
        if (partner.kind !== PartnerKind.Supplier || partner.purchasing === undefined) continue;
        const id = await reader.resolveExternalId(partner.purchasing.odooVendorRef);
        if (id !== undefined) map.set(id, partner.id);
      }
      return map;
    })().catch((error: unknown) => {
      cached = undefined;
      throw error;
    });
    return cached;
  };
}

/**
 * purchase-orders: confirmed Odoo purchase orders (webhook on ingress.documents, poll by write_date) out to
 * suppliers on partners.outbound in their format; their answers in; the trace on purchasing.state; date
 * changes to Odoo on odoo.commands; business exceptions and SLA escalations on ops.exceptions.
 */
@Module({})
export class AppModule {
  static forRoot(config: PurchaseOrdersConfig, options: PurchaseOrdersOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceKitModule.forRoot({
          config,
          migrations: [CreatePurchasing1796140000000, AddPurchaseOrderWriteDate1796150000000],
          outbox: true,
        }),
      ],
      providers: [
        { provide: PURCHASE_ORDERS_CONFIG, useValue: config },
        { provide: PURCHASING_CLOCK, useValue: options.clock ?? SYSTEM_CLOCK },
        { provide: PurchaseOrdersMetrics, useFactory: () => new PurchaseOrdersMetrics() },
        { provide: PARTNER_CATALOG, useFactory: () => loadPartnerCatalog(config.catalog.dir) },
        {
          provide: PURCHASE_ORDERS_READER,
          useFactory: () =>
            new OdooPurchaseOrdersReader(
              odooClientFrom(config.odoo, {
                userAgent: 'tradewind-purchase-orders',
                maxConcurrentRequests: 4,
              }),
            ),
        },
        {
          provide: PurchasingCore,
          inject: [
            DataSource,
            OutboxWriter,
            PARTNER_CATALOG,
            PURCHASING_CLOCK,
            PurchaseOrdersMetrics,
            PURCHASE_ORDERS_READER,
          ],
          useFactory: (
            dataSource: DataSource,
            outbox: OutboxWriter,
            catalog: PartnerCatalog,
            clock: Clock,
            metrics: PurchaseOrdersMetrics,
            reader: OdooPurchaseOrdersReader,
          ) =>
            new PurchasingCore(
              dataSource,
              outbox,
              catalog,
              clock,
              metrics,
              { serviceName: config.service.name, sourceSystem: config.service.sourceSystem },
              vendorDirectory(reader, catalog),
              async (id) => (await reader.byIds([id]))[0],
            ),
        },
        {
          provide: PurchaseOrderIntake,
          inject: [DataSource, PurchasingCore, PURCHASE_ORDERS_READER, PARTNER_CATALOG],
          useFactory: (
            dataSource: DataSource,
            core: PurchasingCore,
            reader: OdooPurchaseOrdersReader,
            catalog: PartnerCatalog,
          ) => new PurchaseOrderIntake(dataSource, core, reader, catalog, config.poll),
        },
        PurchasingSchedule,
        IngressDocumentsConsumer,
      ],
    };
  }
}
