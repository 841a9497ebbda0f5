import { type DynamicModule, Module } from '@nestjs/common';
import { TOPICS } from '@tradewind/contracts';
import { createLogger } from '@tradewind/observability';
import { odooClientFrom } from '@tradewind/odoo-client';
import { loadPartnerCatalog, type PartnerCatalog } from '@tradewind/partner-catalog';
import { OutboxWriter } from '@tradewind/persistence';
import { ServiceKitModule } from '@tradewind/service-kit';
import { DataSource } from 'typeorm';

import { InvoiceBook } from './book/invoice-book.repository';
import { InvoiceBookSync } from './book/invoice-book.sync';
import { CreateInvoicesTables1796140000000 } from './book/invoices.migration';
import { OdooInvoicesReader } from './book/odoo-invoices.reader';
import { InvoiceExportSchedule } from './export/invoice-export.schedule';
import { InvoiceExportService } from './export/invoice-export.service';
import type { InvoicesConfig } from './invoices.config';
import { InvoicesMetrics } from './invoices.metrics';
import { INVOICE_BOOK, INVOICES_CONFIG, ODOO_INVOICES, PARTNER_CATALOG } from './invoices.tokens';
import { PaymentResultsConsumer } from './settlement/payment-results.consumer';
import { SettlementService } from './settlement/settlement.service';
import { SettlementDocumentsConsumer } from './settlement/settlement-documents.consumer';
import { OdooPurchaseOrdersReader } from './supplier-bills/odoo-purchase-orders.reader';
import {
  AddSupplierInvoiceStates1796160000000,
  CreateSupplierBillTables1796150000000,
} from './supplier-bills/supplier-bills.migration';
import { SupplierBillsService } from './supplier-bills/supplier-bills.service';

/**
 * invoices: Odoo's customer invoices read (read-only key) into its invoice book; bank statements and
 * gateway payouts from ingress.documents matched against them (payments through odoo.commands, the
 * rest to ops.exceptions); suppliers' invoices matched to the purchase order and the receipt (vendor
 * bills through odoo.commands, the held ones to ops.exceptions); finance.state.
 */
@Module({})
export class AppModule {
  static forRoot(config: InvoicesConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceKitModule.forRoot({
          config,
          migrations: [
            CreateInvoicesTables1796140000000,
            CreateSupplierBillTables1796150000000,
            AddSupplierInvoiceStates1796160000000,
          ],
          outbox: true,
          topicAliases:
            config.invoices.commandsTopic === TOPICS.odooCommands
              ? {}
              : { [config.invoices.commandsTopic]: TOPICS.odooCommands },
        }),
      ],
      providers: [
        { provide: INVOICES_CONFIG, useValue: config },
        { provide: InvoicesMetrics, useFactory: () => new InvoicesMetrics() },
        {
          provide: INVOICE_BOOK,
          inject: [DataSource],
          useFactory: (dataSource: DataSource) => new InvoiceBook(dataSource),
        },
        {
          provide: ODOO_INVOICES,
          useFactory: () =>
            new OdooInvoicesReader(
              odooClientFrom(config.odoo, { userAgent: 'tradewind-invoices', maxConcurrentRequests: 4 }),
            ),
        },
        {
          provide: SettlementService,
          inject: [DataSource, INVOICE_BOOK, OutboxWriter, InvoicesMetrics],
          useFactory: (
            dataSource: DataSource,
            book: InvoiceBook,
            outbox: OutboxWriter,
            metrics: InvoicesMetrics,
          ) =>
            new SettlementService(dataSource, book, outbox, metrics, {
              serviceName: config.service.name,
              commandsTopic: config.invoices.commandsTopic,
            }),
        },
        { provide: PARTNER_CATALOG, useFactory: () => loadPartnerCatalog(config.catalog.dir) },
        {
          provide: InvoiceExportService,
          inject: [DataSource, INVOICE_BOOK, OutboxWriter, PARTNER_CATALOG, InvoicesMetrics],
          useFactory: (
            dataSource: DataSource,
            book: InvoiceBook,
            outbox: OutboxWriter,
            catalog: PartnerCatalog,
            metrics: InvoicesMetrics,
          ) =>
            new InvoiceExportService(
              dataSource,
              book,
              outbox,
              catalog,
              metrics,
              createLogger('InvoiceExport'),
              {
                serviceName: config.service.name,
                batchSize: config.invoices.exportBatchSize,
              },
            ),
        },
        {
          provide: SupplierBillsService,
          inject: [DataSource, OutboxWriter, PARTNER_CATALOG, InvoicesMetrics],
          useFactory: (
            dataSource: DataSource,
            outbox: OutboxWriter,
            catalog: PartnerCatalog,
            metrics: InvoicesMetrics,
          ) =>
            new SupplierBillsService(
              dataSource,
              outbox,
              new OdooPurchaseOrdersReader(
                odooClientFrom(config.odoo, { userAgent: 'tradewind-invoices', maxConcurrentRequests: 4 }),
              ),
              catalog,
              metrics,
              { serviceName: config.service.name, commandsTopic: config.invoices.commandsTopic },
            ),
        },
        InvoiceExportSchedule,
        InvoiceBookSync,
        SettlementDocumentsConsumer,
        PaymentResultsConsumer,
      ],
    };
  }
}
