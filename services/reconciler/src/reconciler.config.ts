// reconciler's configuration: the platform's variables (Kafka, registry, PostgreSQL, HTTP, logs), the
// settings of its handler (ORDERS_STATE_MAX_ATTEMPTS, _RETRY_DELAYS, _KEY_CONCURRENCY…); add the
// service's own beside them, each with a description and a default or an example.
import { type ConfigValues, defineConfig } from '@tradewind/config';
import { TOPICS } from '@tradewind/contracts';
import { consumerConfig } from '@tradewind/messaging-nest';
import { platformConfig } from '@tradewind/service-kit';

export const reconcilerConfig = defineConfig({
  ...platformConfig({ name: 'reconciler', port: 3040, schema: 'reconciler' }),
  consumers: {
    ordersState: consumerConfig('ORDERS_STATE', TOPICS.ordersState),
  },
});

export type ReconcilerConfig = ConfigValues<typeof reconcilerConfig>;
