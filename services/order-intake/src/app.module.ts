import { type DynamicModule, Module } from '@nestjs/common';
import { odooClientFrom } from '@tradewind/odoo-client';
import { loadPartnerCatalog, type PartnerCatalog } from '@tradewind/partner-catalog';
import { Inbox, OutboxWriter } from '@tradewind/persistence';
import { ServiceKitModule } from '@tradewind/service-kit';
import { DataSource } from 'typeorm';

import { acknowledgementKindFor } from './acknowledgements/order-acknowledgement.builder';
import { IngressDocumentsConsumer } from './intake/ingress-documents.consumer';
import { SalesOrderIntake } from './intake/sales-order-intake.service';
import { type OrderIntakeMetrics, orderIntakeMetrics } from './metrics/order-intake.metrics';
import type { OrderIntakeConfig } from './order-intake.config';
import {
  ORDER_INTAKE_CONFIG,
  ORDER_INTAKE_METRICS,
  PARTNER_CATALOG,
  PRICE_BOOK,
} from './order-intake.tokens';
import { EXTERNAL_ID_MODULE } from './orders/order-identity';
import { OrderTransitions } from './orders/order-transitions';
import { CreateOrders1767500000000, IndexOpenOrders1767600000000 } from './orders/orders.migration';
import { OrdersRepository } from './orders/orders.repository';
import { OdooPriceBook } from './pricing/odoo-price-book';
import type { PriceBook } from './pricing/price-book';
import type { ReservationSettings } from './reservations/order-reservations';
import { repliesGroupOf, ReservationRepliesConsumer } from './reservations/reservation-replies.consumer';
import { ReservationRepliesService } from './reservations/reservation-replies.service';
import { OdooResultsConsumer, resultsGroupOf } from './results/odoo-results.consumer';
import { OdooResultsService } from './results/odoo-results.service';

export interface AppModuleOverrides {
  /** Instead of the Odoo-backed price book (tests). */
  priceBook?: PriceBook;
  /** Instead of loading PARTNER_CATALOG_DIR. */
  catalog?: PartnerCatalog;
}

/**
 * order-intake: ingress.documents in; orders.state, odoo.commands and partner acknowledgements out
 * through the outbox; odoo.results in to close each order's loop.
 */
@Module({})
export class AppModule {
  static forRoot(config: OrderIntakeConfig, overrides: AppModuleOverrides = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceKitModule.forRoot({
          config,
          migrations: [CreateOrders1767500000000, IndexOpenOrders1767600000000],
          outbox: true,
        }),
      ],
      providers: [
        { provide: ORDER_INTAKE_CONFIG, useValue: config },
        // No `now`: credentials are the gateway's concern, an expired key must not stop order intake.
        {
          provide: PARTNER_CATALOG,
          useFactory: () => overrides.catalog ?? loadPartnerCatalog(config.catalog.dir),
        },
        {
          provide: ORDER_INTAKE_METRICS,
          inject: [DataSource, OrdersRepository, PARTNER_CATALOG],
          useFactory: (dataSource: DataSource, orders: OrdersRepository, catalog: PartnerCatalog) => {
            const acknowledging = new Map(
              catalog
                .partners()
                .filter((p) => acknowledgementKindFor(p) !== undefined)
                .map((p) => [p.id, p.sla.acknowledgeWithinMinutes]),
            );
            return orderIntakeMetrics(() => orders.openOrders(dataSource, acknowledging));
          },
        },
        {
          provide: PRICE_BOOK,
          inject: [ORDER_INTAKE_METRICS],
          useFactory: (metrics: OrderIntakeMetrics) => overrides.priceBook ?? odooPriceBook(config, metrics),
        },
        { provide: OrdersRepository, useValue: new OrdersRepository() },
        {
          provide: OrderTransitions,
          inject: [OutboxWriter, OrdersRepository, PARTNER_CATALOG],
          useFactory: (outbox: OutboxWriter, orders: OrdersRepository, catalog: PartnerCatalog) =>
            new OrderTransitions(outbox, orders, catalog, {
              issuedBy: config.service.name,
              pricelistRef: config.odoo.pricelistExternalId,
              warehouseRef: config.odoo.warehouseExternalId ?? null,
            }),
        },
        {
          provide: SalesOrderIntake,
          inject: [
            DataSource,
            Inbox,
            OrdersRepository,
            OrderTransitions,
            PARTNER_CATALOG,
            PRICE_BOOK,
            ORDER_INTAKE_METRICS,
          ],
          useFactory: (
            dataSource: DataSource,
            inbox: Inbox,
            orders: OrdersRepository,
            transitions: OrderTransitions,
            catalog: PartnerCatalog,
            prices: PriceBook,
            metrics: OrderIntakeMetrics,
          ) =>
            new SalesOrderIntake(
              dataSource,
              inbox,
              orders,
              transitions,
              catalog,
              prices,
              metrics,
              config.service.name,
              reservationSettings(config),
            ),
        },
        {
          provide: OdooResultsService,
          inject: [DataSource, Inbox, OrdersRepository, OrderTransitions, ORDER_INTAKE_METRICS],
          useFactory: (
            dataSource: DataSource,
            inbox: Inbox,
            orders: OrdersRepository,
            transitions: OrderTransitions,
            metrics: OrderIntakeMetrics,
          ) =>
            new OdooResultsService(
              dataSource,
              inbox,
              orders,
              transitions,
              metrics,
              resultsGroupOf(config.service.name),
              config.reservations.policy !== 'off',
            ),
        },
        IngressDocumentsConsumer,
        OdooResultsConsumer,
        // Replies are read only when this service asks for reservations.
        ...(reservationSettings(config) === undefined
          ? []
          : [
              {
                provide: ReservationRepliesService,
                inject: [DataSource, Inbox, OrdersRepository, OrderTransitions, ORDER_INTAKE_METRICS],
                useFactory: (
                  dataSource: DataSource,
                  inbox: Inbox,
                  orders: OrdersRepository,
                  transitions: OrderTransitions,
                  metrics: OrderIntakeMetrics,
                ) =>
                  new ReservationRepliesService(
                    dataSource,
                    inbox,
                    orders,
                    transitions,
                    metrics,
                    repliesGroupOf(config.service.name),
                  ),
              },
              ReservationRepliesConsumer,
            ]),
      ],
    };
  }
}

/** RESERVATION_POLICY: off, or how a line without stock is treated. */
function reservationSettings(config: OrderIntakeConfig): ReservationSettings | undefined {
  const { policy, holdTtlMs } = config.reservations;
  return policy === 'off' ? undefined : { policy, holdTtlMs };
}

function odooPriceBook(config: OrderIntakeConfig, metrics: OrderIntakeMetrics): OdooPriceBook {
  const client = odooClientFrom(config.odoo, {
    maxConcurrentRequests: 4,
    userAgent: `tradewind-${config.service.name}`,
  });
  return new OdooPriceBook(client, {
    pricelistExternalId: config.odoo.pricelistExternalId,
    ttlMs: config.prices.ttlMs,
    maxStaleMs: config.prices.maxStaleMs,
    preferredModule: EXTERNAL_ID_MODULE,
    onLookup: (result, count) => metrics.priceLookups.inc({ result }, count),
  });
}
