import {
  type BeforeApplicationShutdown,
  type DynamicModule,
  Inject,
  Injectable,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  Optional,
} from '@nestjs/common';
import { DiscoveryModule, DiscoveryService, MetadataScanner } from '@nestjs/core';
import type { TopicValueMap } from '@tradewind/contracts';
import {
  AvroSerde,
  consumerReadiness,
  ConsumerRunner,
  createKafka,
  type KafkaConnection,
  PostgresParkedRecordStore,
  type RecordHandler,
  type TopicSchemas,
  TypedProducer,
} from '@tradewind/messaging';
import { createLogger } from '@tradewind/observability';
import { ReadinessService } from '@tradewind/observability-nest';
import type { Kafka } from 'kafkajs';
import { Pool } from 'pg';

import type { ConsumerSettings } from './consumer.config';
import { defaultConsumerGroup, KAFKA_HANDLER, type KafkaHandlerMetadata } from './kafka-handler.decorator';
import { type ErasedRegistration, KafkaHandlers } from './kafka-handlers.registry';

export interface MessagingModuleOptions {
  serviceName: string;
  kafka: KafkaConnection;
  /** The default producer's linger (KAFKA_PRODUCER_LINGER); TypedProducer's own default when unset. */
  producerLingerMs?: number;
  registryUrl: string;
  /** Registry basic auth (SCHEMA_REGISTRY_USERNAME/PASSWORD): every lookup of the serde sends it. */
  registryAuth?: { username: string; password: string };
  schemas: TopicSchemas;
  /** The handlers' settings by section name (the service config's `consumers`, consumerConfig fragments). */
  consumers?: Readonly<Record<string, ConsumerSettings>>;
  /** PostgreSQL for the consumer's parked-record bookkeeping (the service's own database and schema). */
  database: { url: string; schema: string };
  /** Where a consumer group starts on a partition it has never committed (epoch ms); unset: the topic's beginning. */
  newGroupStartAt?: number;
  /** Start consumers on bootstrap (false in tests that only produce). */
  consume?: boolean;
}

export const MESSAGING_OPTIONS = Symbol('tradewind:messaging-options');
export const KAFKA = Symbol('tradewind:kafka');

/** A handler ready to start: its settings resolved and its group named. */
interface ResolvedHandler {
  name: string;
  topic: string;
  schemas: TopicSchemas;
  groupId: string;
  settings: ConsumerSettings;
  handler: RecordHandler<unknown>;
}

/** Owns the Kafka client, the producer and one ConsumerRunner per handler (@KafkaHandler or registered). */
@Injectable()
export class MessagingLifecycle
  implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  private readonly log = createLogger(MessagingLifecycle.name);
  private readonly runners: ConsumerRunner<unknown>[] = [];
  private pool: Pool | undefined;

  constructor(
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingModuleOptions,
    @Inject(KAFKA) private readonly kafka: Kafka,
    private readonly serde: AvroSerde,
    private readonly producer: TypedProducer<TopicValueMap>,
    private readonly registry: KafkaHandlers,
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    @Optional() private readonly readiness?: ReadinessService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const registrations = [...this.discoverHandlers(), ...this.registry.seal()];
    // Before connecting: a missing settings section fails the start-up at once.
    const handlers = this.options.consume === false ? [] : this.resolve(registrations);
    await this.producer.connect();
    if (handlers.length === 0) return;
    this.pool = new Pool({
      connectionString: this.options.database.url,
      max: 4,
      application_name: this.options.serviceName,
    });
    const parked = new PostgresParkedRecordStore(this.pool, this.options.database.schema);
    // /health/ready shows a consumer that waits for a dependency (records held, none dead-lettered).
    this.readiness?.register(consumerReadiness(() => this.runners));
    for (const { name, topic, schemas, groupId, settings, handler } of handlers) {
      const runner = new ConsumerRunner<unknown>({
        kafka: this.kafka,
        serde: this.serde,
        schemas,
        producer: this.producer,
        parked,
        groupId,
        topic,
        handler,
        retry: {
          inProcessAttempts: settings.inProcessAttempts,
          maxAttempts: settings.maxAttempts,
          delaysMs: [...settings.retryDelaysMs],
        },
        keyConcurrency: settings.keyConcurrency,
        partitionsConsumedConcurrently: settings.partitionsConcurrently,
        sessionTimeoutMs: settings.sessionTimeoutMs,
        newGroupStartAt: this.options.newGroupStartAt,
      });
      await runner.start();
      this.runners.push(runner);
      this.log.info({ topic, group: groupId }, `consuming ${name}`);
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

  /** Settings and groups of every handler; fails start-up listing each missing section and shared group. */
  private resolve(registrations: readonly ErasedRegistration[]): ResolvedHandler[] {
    const problems: string[] = [];
    const groups = new Map<string, string>();
    const resolved: ResolvedHandler[] = [];
    for (const registration of registrations) {
      const section = registration.settings;
      const settings = typeof section === 'string' ? this.options.consumers?.[section] : section;
      if (settings === undefined) {
        problems.push(
          `${registration.name}: the config has no consumers.${typeof section === 'string' ? section : '?'} section`,
        );
        continue;
      }
      const topic = registration.readFrom ?? registration.topic;
      const groupId =
        settings.group ?? registration.defaultGroup ?? defaultConsumerGroup(this.options.serviceName, topic);
      // One consumer group per handler: kafkajs assigns a group's partitions across all its members'
      // topics, so two handlers sharing a group on different topics would each miss partitions.
      const other = groups.get(groupId);
      if (other !== undefined)
        problems.push(`${registration.name} and ${other} share consumer group ${groupId}`);
      groups.set(groupId, registration.name);
      resolved.push({
        name: registration.name,
        topic,
        schemas: this.schemasFor(topic, registration.topic),
        groupId,
        settings,
        handler: registration.handler,
      });
    }
    if (problems.length > 0) throw new Error(`Kafka handlers cannot start: ${problems.join('; ')}`);
    return resolved;
  }

  /** The catalog, with `read` decoded by `typedAs`'s schema when a handler reads a topic of its own. */
  private schemasFor(read: string, typedAs: string): TopicSchemas {
    const catalog = this.options.schemas;
    if (read === typedAs) return catalog;
    return { valueSchema: (topic) => catalog.valueSchema(topic === read ? typedAs : topic) };
  }

  private discoverHandlers(): ErasedRegistration[] {
    const found: ErasedRegistration[] = [];
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
            topic: metadata.topic,
            settings: metadata.settings,
            name: `@KafkaHandler(${metadata.topic}) ${prototype.constructor.name}.${name}`,
            handler: (record) => (method as RecordHandler<unknown>).call(instance, record),
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
            // Typed over every topic: send(TOPICS.x, …) takes that topic's value type.
            new TypedProducer<TopicValueMap>({
              kafka,
              serde,
              schemas: options.schemas,
              sourceSystem: options.serviceName,
              lingerMs: options.producerLingerMs,
            }),
        },
        KafkaHandlers,
        MessagingLifecycle,
      ],
      exports: [KAFKA, AvroSerde, TypedProducer, KafkaHandlers],
    };
  }
}
