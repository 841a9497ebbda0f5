import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { TopicValueMap } from '@tradewind/contracts';
import { TypedProducer } from '@tradewind/messaging';
import { createLogger, metricsRegistry } from '@tradewind/observability';
import { OutboxRelay, prometheusOutboxMetrics } from '@tradewind/persistence';

import { KafkaOutboxPublisher } from './kafka-outbox.publisher';
import { SERVICE_KIT_OPTIONS, type ServiceKitOptions } from './service-kit.options';

/** Drains the service's transactional outbox into Kafka through the typed (Avro) producer. */
@Injectable()
export class OutboxRelayService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private relay: OutboxRelay | undefined;

  constructor(
    @Inject(SERVICE_KIT_OPTIONS) private readonly options: ServiceKitOptions,
    private readonly producer: TypedProducer<TopicValueMap>,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.options.outbox) return;
    const { database } = this.options.config;
    this.relay = new OutboxRelay({
      url: database.url,
      schema: database.schema,
      applicationName: `${this.options.config.service.name}:outbox-relay`,
      metrics: prometheusOutboxMetrics(metricsRegistry),
      logger: createLogger('OutboxRelay'),
      publisher: new KafkaOutboxPublisher(this.producer, {
        service: this.options.config.service.name,
        schema: database.schema,
      }),
    });
    this.relay.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.relay?.stop();
  }
}
