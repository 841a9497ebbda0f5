// Consumes odoo.results. Not an @KafkaHandler: its consumer group must differ from the one reading
// ingress.documents, and kafkajs' assigners spread every topic of a group over every member whatever
// each member subscribed to (a member drops the partitions of topics it did not subscribe to, so two
// handlers in one group would each leave part of their topic unread). The group name is derived from
// the configured service name, which a decorator's arguments cannot read.
import { type BeforeApplicationShutdown, Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { type OdooResult, TOPIC_CATALOG, TOPICS, type TopicValueMap } from '@tradewind/contracts';
import {
  AvroSerde,
  type ConsumedRecord,
  ConsumerRunner,
  PostgresParkedRecordStore,
  topicSchemasFrom,
  TypedProducer,
} from '@tradewind/messaging';
import { KAFKA } from '@tradewind/messaging-nest';
import { createLogger } from '@tradewind/observability';
import type { Kafka } from 'kafkajs';
import { Pool } from 'pg';

import type { OrderIntakeConfig } from '../order-intake.config';
import { ORDER_INTAKE_CONFIG } from '../order-intake.tokens';
import { OdooResultsService } from './odoo-results.service';

/** The consumer group reading odoo.results (the ingress.documents group is the service name). */
export function resultsGroupOf(serviceName: string): string {
  return `${serviceName}.odoo-results`;
}

@Injectable()
export class OdooResultsConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log = createLogger(OdooResultsConsumer.name);
  private runner: ConsumerRunner<OdooResult> | undefined;
  private pool: Pool | undefined;

  constructor(
    @Inject(ORDER_INTAKE_CONFIG) private readonly config: OrderIntakeConfig,
    @Inject(KAFKA) private readonly kafka: Kafka,
    private readonly serde: AvroSerde,
    private readonly producer: TypedProducer<TopicValueMap>,
    @Inject(OdooResultsService) private readonly results: OdooResultsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { database, service } = this.config;
    const groupId = resultsGroupOf(service.name);
    this.pool = new Pool({ connectionString: database.url, max: 2, application_name: `${service.name}:results` });
    this.runner = new ConsumerRunner<OdooResult>({
      kafka: this.kafka,
      serde: this.serde,
      schemas: topicSchemasFrom(TOPIC_CATALOG),
      producer: this.producer,
      parked: new PostgresParkedRecordStore(this.pool, database.schema),
      groupId,
      topic: TOPICS.odooResults,
      handler: (record) => this.handle(record),
    });
    await this.runner.start();
    this.log.info({ topic: TOPICS.odooResults, group: groupId }, 'consuming Odoo results');
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.runner?.stop();
    await this.pool?.end();
  }

  async handle(record: ConsumedRecord<OdooResult>): Promise<void> {
    await this.results.handle(record.value, record.headers);
  }
}
