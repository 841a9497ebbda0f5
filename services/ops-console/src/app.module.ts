import { type DynamicModule, Inject, Module, type OnModuleDestroy } from '@nestjs/common';
import { AvroSerde } from '@tradewind/messaging';
import { KAFKA } from '@tradewind/messaging-nest';
import { loadPartnerCatalog, type PartnerCatalog } from '@tradewind/partner-catalog';
import { OutboxWriter } from '@tradewind/persistence';
import { ServiceKitModule } from '@tradewind/service-kit';
import type { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';

import { ExceptionActions } from './actions/exception-actions.service';
import { ConsoleAuth } from './auth/console-auth';
import { LocalUsers } from './auth/local-users';
import { OidcClient } from './auth/oidc.client';
import { authSettingsFrom } from './auth/oidc.settings';
import { SessionSigner } from './auth/session';
import { OpsAuditConsumer } from './intake/ops-audit.consumer';
import { OpsExceptionsConsumer } from './intake/ops-exceptions.consumer';
import { OrdersStateConsumer } from './intake/orders-state.consumer';
import { PartnersOutboundConsumer } from './intake/partners-outbound.consumer';
import { DeadLettersCollector } from './lineage/dead-letters.collector';
import { SourceRecordsReader } from './lineage/source-records.reader';
import type { OpsConsoleConfig } from './ops-console.config';
import { OpsConsoleMetrics } from './ops-console.metrics';
import { OPS_CONSOLE_CONFIG, PARTNER_CATALOG } from './ops-console.tokens';
import { CreateConsoleTables1796140000000 } from './store/console.migration';
import { ExceptionsRepository } from './store/exceptions.repository';
import { ViewsRepository } from './store/views.repository';
import { ConsolePagesController } from './web/console-pages.controller';

/** Closes what the composition root opened that Nest does not know about (the re-drive producer). */
class ActionsLifecycle implements OnModuleDestroy {
  constructor(@Inject(ExceptionActions) private readonly actions: ExceptionActions) {}

  onModuleDestroy(): Promise<void> {
    return this.actions.close();
  }
}

/**
 * ops-console: ops.exceptions, ops.audit, orders.state, partners.outbound and every dead-letter topic into
 * its own tables; the pages people act through; actions published through the outbox.
 */
@Module({})
export class AppModule {
  static forRoot(config: OpsConsoleConfig, overrides: { catalog?: PartnerCatalog } = {}): DynamicModule {
    // Checked before anything connects: a misconfigured sign-in stops the start with every problem named.
    const auth = authSettingsFrom(config.auth);
    return {
      module: AppModule,
      imports: [
        ServiceKitModule.forRoot({ config, outbox: true, migrations: [CreateConsoleTables1796140000000] }),
      ],
      controllers: [ConsolePagesController],
      providers: [
        { provide: OPS_CONSOLE_CONFIG, useValue: config },
        { provide: OpsConsoleMetrics, useFactory: () => new OpsConsoleMetrics() },
        {
          provide: PARTNER_CATALOG,
          useFactory: () => overrides.catalog ?? loadPartnerCatalog(config.catalog.dir),
        },
        { provide: ExceptionsRepository, useValue: new ExceptionsRepository() },
        { provide: ViewsRepository, useValue: new ViewsRepository() },
        {
          provide: ConsoleAuth,
          useFactory: () =>
            new ConsoleAuth(
              auth,
              new SessionSigner(auth.sessionSecret, auth.sessionTtlMs),
              config.auth.secureCookies,
              auth.mode === 'local' ? LocalUsers.load(auth.usersFile) : undefined,
              auth.mode === 'oidc' ? new OidcClient(auth.oidc) : undefined,
            ),
        },
        {
          provide: ExceptionActions,
          inject: [
            DataSource,
            ExceptionsRepository,
            ViewsRepository,
            OutboxWriter,
            PARTNER_CATALOG,
            KAFKA,
            OpsConsoleMetrics,
          ],
          useFactory: (
            dataSource: DataSource,
            exceptions: ExceptionsRepository,
            views: ViewsRepository,
            outbox: OutboxWriter,
            catalog: PartnerCatalog,
            kafka: Kafka,
            metrics: OpsConsoleMetrics,
          ) =>
            new ExceptionActions(
              dataSource,
              exceptions,
              views,
              outbox,
              catalog,
              kafka,
              metrics,
              config.service.name,
            ),
        },
        {
          provide: SourceRecordsReader,
          inject: [KAFKA, AvroSerde, DataSource, ViewsRepository],
          useFactory: (kafka: Kafka, serde: AvroSerde, dataSource: DataSource, views: ViewsRepository) =>
            new SourceRecordsReader(kafka, serde, dataSource, views, config.service.name),
        },
        ActionsLifecycle,
        DeadLettersCollector,
        OpsExceptionsConsumer,
        OpsAuditConsumer,
        OrdersStateConsumer,
        PartnersOutboundConsumer,
      ],
    };
  }
}
