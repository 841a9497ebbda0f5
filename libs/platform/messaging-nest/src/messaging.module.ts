import {
  type BeforeApplicationShutdown,
  type DynamicModule,
  Inject,
  Injectable,
  Logger,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  Optional,
} from '@nestjs/common';
import { DiscoveryModule, DiscoveryService, MetadataScanner } from '@nestjs/core';
import {
  AvroSerde,
  type ConsumedRecord,
  consumerReadiness,
  ConsumerRunner,
  createKafka,
  type KafkaConnection,
  PostgresParkedRecordStore,
  type TopicSchemas,
  TypedProducer,
} from '@tradewind/messaging';
import { ReadinessService } from '@tradewind/observability-nest';
import type { Kafka } from 'kafkajs';
import { Pool } from 'pg';

import { defaultConsumerGroup, KAFKA_HANDLER, type KafkaHandlerMetadata } from './kafka-handler.decorator';

export interface MessagingModuleOptions {
  serviceName: string;
  kafka: KafkaConnection;
  registryUrl: string;
  /** Registry basic auth (SCHEMA_REGISTRY_USERNAME/PASSWORD): every lookup of the serde sends it. */
  registryAuth?: { username: string; password: string };
  schemas: TopicSchemas;
  /** PostgreSQL for the consumer's parked-record bookkeeping (the service's own database and schema). */
  database: { url: string; schema: string };
  /** Where a consumer group with no committed offsets starts (epoch ms); unset: the topic's beginning. */
  newGroupStartAt?: number;
  /** Start consumers on bootstrap (false in tests that only produce). */
  consume?: boolean;
}

export const MESSAGING_OPTIONS = Symbol('tradewind:messaging-options');
export const KAFKA = Symbol('tradewind:kafka');

/** Owns the Kafka client, the producer and one ConsumerRunner per @KafkaHandler. */
@Injectable()
export class MessagingLifecycle
  implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  private readonly logger = new Logger(MessagingLifecycle.name);
  private readonly runners: ConsumerRunner<unknown>[] = [];
  private pool: Pool | undefined;

  constructor(
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingModuleOptions,
    @Inject(KAFKA) private readonly kafka: Kafka,
    private readonly serde: AvroSerde,
    private readonly producer: TypedProducer<object>,
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    @Optional() private readonly readiness?: ReadinessService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.producer.connect();
    if (this.options.consume === false) return;
    const handlers = this.discoverHandlers();
    if (handlers.length === 0) return;
    this.pool = new Pool({
      connectionString: this.options.database.url,
      max: 4,
      application_name: this.options.serviceName,
    });
    const parked = new PostgresParkedRecordStore(this.pool, this.options.database.schema);
    // /health/ready shows a consumer that waits for a dependency (records held, none dead-lettered).
    this.readiness?.register(consumerReadiness(() => this.runners));
    // One consumer group per handler: kafkajs assigns a group's partitions across all its members'
    // topics, so two handlers sharing a group on different topics would each miss partitions.
    const groups = new Map<string, string>();
    for (const { metadata } of handlers) {
      const group = this.groupOf(metadata);
      const other = groups.get(group);
      if (other)
        throw new Error(
          `@KafkaHandler(${metadata.topic}) and @KafkaHandler(${other}) share consumer group ${group}`,
        );
      groups.set(group, metadata.topic);
    }
    for (const { metadata, invoke } of handlers) {
      const runner = new ConsumerRunner<unknown>({
        kafka: this.kafka,
        serde: this.serde,
        schemas: this.options.schemas,
        producer: this.producer,
        parked,
        groupId: this.groupOf(metadata),
        topic: metadata.topic,
        handler: invoke,
        retry: metadata.retry,
        keyConcurrency: metadata.keyConcurrency,
        newGroupStartAt: this.options.newGroupStartAt,
      });
      await runner.start();
      this.runners.push(runner);
      this.logger.log(`consuming ${metadata.topic} as ${this.groupOf(metadata)}`);
    }
  }

  /** SIGTERM (with app.enableShutdownHooks()): finish in-flight records, commit, leave the groups. */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(this.runners.map((runner) => runner.stop()));
  }

  /** After every module stopped producing: flush the producer. */
  async onApplicationShutdown(): Promise<void> {
    await this.producer.disconnect();
    await this.pool?.end();
  }

  private groupOf(metadata: KafkaHandlerMetadata): string {
    return metadata.groupId ?? defaultConsumerGroup(this.options.serviceName, metadata.topic);
  }

  private discoverHandlers(): {
    metadata: KafkaHandlerMetadata;
    invoke: (r: ConsumedRecord<unknown>) => Promise<void>;
  }[] {
    const found: { metadata: KafkaHandlerMetadata; invoke: (r: ConsumedRecord<unknown>) => Promise<void> }[] =
      [];
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object') continue;
      const prototype = Object.getPrototypeOf(instance) as object;
      for (const name of this.scanner.getAllMethodNames(prototype)) {
        const method = instance[name];
        if (typeof method !== 'function') continue;
        const metadata = Reflect.getMetadata(KAFKA_HANDLER, method) as KafkaHandlerMetadata | undefined;
        if (metadata) {
          found.push({
            metadata,
            invoke: (record) =>
              (method as (r: ConsumedRecord<unknown>) => Promise<void>).call(instance, record),
          });
        }
      }
    }
    return found;
  }
}

@Module({})
export class MessagingModule {
  static forRoot(options: MessagingModuleOptions): DynamicModule {
    return {
      module: MessagingModule,
      global: true,
      imports: [DiscoveryModule],
      providers: [
        { provide: MESSAGING_OPTIONS, useValue: options },
        {
          provide: KAFKA,
          useFactory: () =>
            createKafka({ ...options.kafka, clientId: options.kafka.clientId || options.serviceName }),
        },
        {
          provide: AvroSerde,
          useFactory: () => new AvroSerde({ registryUrl: options.registryUrl, auth: options.registryAuth }),
        },
        {
          provide: TypedProducer,
          inject: [KAFKA, AvroSerde],
          useFactory: (kafka: Kafka, serde: AvroSerde) =>
            new TypedProducer({ kafka, serde, schemas: options.schemas, sourceSystem: options.serviceName }),
        },
        MessagingLifecycle,
      ],
      exports: [KAFKA, AvroSerde, TypedProducer],
    };
  }
}
