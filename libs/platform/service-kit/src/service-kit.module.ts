import { type DynamicModule, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { TOPIC_CATALOG } from '@tradewind/contracts';
import { topicSchemasFrom } from '@tradewind/messaging';
import { MessagingModule } from '@tradewind/messaging-nest';
import { databaseReadiness, kafkaReadiness, registryReadiness } from '@tradewind/observability';
import { ObservabilityModule } from '@tradewind/observability-nest';
import { createDataSource, Inbox, OutboxWriter, persistenceMigrations } from '@tradewind/persistence';
import { DataSource } from 'typeorm';

import { Housekeeping } from './housekeeping.service';
import { InboxRetention } from './inbox-retention.service';
import { OutboxRelayService } from './outbox-relay.service';
import { SERVICE_KIT_OPTIONS, type ServiceKitOptions } from './service-kit.options';

@Injectable()
class DataSourceLifecycle implements OnApplicationShutdown {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

/**
 * Everything a Tradewind service shares, from its loaded configuration: JSON logs with correlation
 * ids, /metrics and /health endpoints (ready when Kafka, the registry and PostgreSQL answer), the
 * typed Avro producer and @KafkaHandler consumers, the service's own PostgreSQL schema with its
 * migrations, the transactional outbox (and its relay), the inbox and its retention, and Housekeeping
 * for a service's own periodic purges.
 */
@Module({})
export class ServiceKitModule {
  static forRoot(options: ServiceKitOptions): DynamicModule {
    const { config } = options;
    return {
      module: ServiceKitModule,
      global: true,
      imports: [
        ObservabilityModule.forRoot({
          serviceName: config.service.name,
          logLevel: config.log.level,
          readinessChecks: [
            kafkaReadiness([...config.kafka.brokers]),
            registryReadiness(config.registry.url, {
              username: config.registry.username,
              password: config.registry.password,
            }),
            databaseReadiness(config.database.url),
            ...(options.readinessChecks ?? []),
          ],
        }),
        MessagingModule.forRoot({
          serviceName: config.service.name,
          producerLingerMs: config.kafka.producerLingerMs,
          kafka: {
            brokers: [...config.kafka.brokers],
            clientId: config.kafka.clientId,
            ssl: config.kafka.ssl,
            sasl:
              config.kafka.sasl.mechanism && config.kafka.sasl.username && config.kafka.sasl.password
                ? {
                    mechanism: config.kafka.sasl.mechanism,
                    username: config.kafka.sasl.username,
                    password: config.kafka.sasl.password,
                  }
                : undefined,
          },
          registryUrl: config.registry.url,
          newGroupStartAt: config.kafka.newGroupStartAt,
          registryAuth:
            config.registry.username === undefined
              ? undefined
              : { username: config.registry.username, password: config.registry.password ?? '' },
          schemas: topicSchemasFrom({
            ...TOPIC_CATALOG,
            ...Object.fromEntries(
              Object.entries(options.topicAliases ?? {}).map(([alias, topic]) => [
                alias,
                TOPIC_CATALOG[topic],
              ]),
            ),
          }),
          consumers: config.consumers,
          database: { url: config.database.url, schema: config.database.schema },
          consume: options.consume,
        }),
      ],
      providers: [
        { provide: SERVICE_KIT_OPTIONS, useValue: options },
        {
          provide: DataSource,
          useFactory: () =>
            createDataSource({
              url: config.database.url,
              schema: config.database.schema,
              applicationName: config.service.name,
              poolSize: config.database.poolSize,
              entities: options.entities,
              migrations: [...persistenceMigrations, ...(options.migrations ?? [])],
            }),
        },
        DataSourceLifecycle,
        { provide: OutboxWriter, useValue: new OutboxWriter() },
        { provide: Inbox, useValue: new Inbox() },
        OutboxRelayService,
        Housekeeping,
        InboxRetention,
      ],
      exports: [DataSource, OutboxWriter, Inbox, Housekeeping],
    };
  }
}
