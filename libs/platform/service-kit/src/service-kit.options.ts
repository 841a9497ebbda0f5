import type { TOPIC_CATALOG } from '@tradewind/contracts';
import type { ConsumerSettings } from '@tradewind/messaging-nest';
import type { ReadinessCheck } from '@tradewind/observability';
import type { ServiceDataSourceConfig } from '@tradewind/persistence';

import type { PlatformValues } from './platform-config';

export const SERVICE_KIT_OPTIONS = Symbol('tradewind:service-kit-options');

export interface ServiceKitOptions {
  /** The service's loaded config: the platform's values, and its handlers' `consumers` sections. */
  config: PlatformValues & { readonly consumers?: Readonly<Record<string, ConsumerSettings>> };
  /** The service's typeorm entities and migrations; the outbox and inbox migrations are added. */
  entities?: ServiceDataSourceConfig['entities'];
  migrations?: ServiceDataSourceConfig['migrations'];
  /** Run the outbox relay (services that enqueue events in their transactions). */
  outbox?: boolean;
  /** Start the Kafka handlers (@KafkaHandler and KafkaHandlers.register; default true). */
  consume?: boolean;
  readinessChecks?: ReadinessCheck[];
  /**
   * Topics that carry a catalog topic's schema (alias → catalog topic): a test points a service's
   * output at a topic of its own, as the odoo-writer's ODOO_COMMANDS_TOPIC points its input.
   */
  topicAliases?: Readonly<Record<string, keyof typeof TOPIC_CATALOG>>;
}
