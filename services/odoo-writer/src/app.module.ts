import { type DynamicModule, Module } from '@nestjs/common';
import { Inbox, OutboxWriter } from '@tradewind/persistence';
import { ServiceKitModule } from '@tradewind/service-kit';
import { DataSource } from 'typeorm';

import { CreateOdooWriteLedger1767400000000 } from './ledger/write-ledger.migration';
import { WriteLedger } from './ledger/write-ledger.repository';
import { odooReadiness } from './odoo/odoo.readiness';
import { OdooCommandsConsumer } from './odoo-commands.consumer';
import type { OdooWriterConfig } from './odoo-writer.config';
import { createOdooWriterCore } from './odoo-writer.core';
import { ODOO_WRITER_CONFIG, ODOO_WRITER_CORE } from './odoo-writer.tokens';

/** The odoo-writer: odoo.commands in, Odoo writes, odoo.results out (through the outbox). */
@Module({})
export class AppModule {
  static forRoot(config: OdooWriterConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceKitModule.forRoot({
          config,
          migrations: [CreateOdooWriteLedger1767400000000],
          outbox: true,
          readinessChecks: [odooReadiness(config.odoo.url)],
        }),
      ],
      providers: [
        { provide: ODOO_WRITER_CONFIG, useValue: config },
        { provide: ODOO_WRITER_CORE, useFactory: () => createOdooWriterCore(config) },
        {
          provide: WriteLedger,
          inject: [DataSource, OutboxWriter, Inbox],
          useFactory: (dataSource: DataSource, outbox: OutboxWriter, inbox: Inbox) =>
            new WriteLedger(dataSource, outbox, inbox, config.service.name),
        },
        OdooCommandsConsumer,
      ],
    };
  }
}
