// ops-console's configuration: the platform's variables (Kafka, registry, PostgreSQL, HTTP, logs), the
// settings of its handler (OPS_EXCEPTIONS_MAX_ATTEMPTS, _RETRY_DELAYS, _KEY_CONCURRENCY…); add the
// service's own beside them, each with a description and a default or an example.
import { type ConfigValues, defineConfig } from '@tradewind/config';
import { TOPICS } from '@tradewind/contracts';
import { consumerConfig } from '@tradewind/messaging-nest';
import { platformConfig } from '@tradewind/service-kit';

export const opsConsoleConfig = defineConfig({
  ...platformConfig({ name: 'ops-console', port: 3100, schema: 'ops_console' }),
  consumers: {
    opsExceptions: consumerConfig('OPS_EXCEPTIONS', TOPICS.opsExceptions),
  },
});

export type OpsConsoleConfig = ConfigValues<typeof opsConsoleConfig>;
