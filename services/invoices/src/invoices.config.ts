// invoices's configuration: the platform's variables (Kafka, registry, PostgreSQL, HTTP, logs), the
// settings of its handler (INGRESS_DOCUMENTS_MAX_ATTEMPTS, _RETRY_DELAYS, _KEY_CONCURRENCY…); add the
// service's own beside them, each with a description and a default or an example.
import { type ConfigValues, defineConfig } from '@tradewind/config';
import { TOPICS } from '@tradewind/contracts';
import { consumerConfig } from '@tradewind/messaging-nest';
import { platformConfig } from '@tradewind/service-kit';

export const invoicesConfig = defineConfig({
  ...platformConfig({ name: 'invoices', port: 3090, schema: 'invoices' }),
  consumers: {
    ingressDocuments: consumerConfig('INGRESS_DOCUMENTS', TOPICS.ingressDocuments),
  },
});

export type InvoicesConfig = ConfigValues<typeof invoicesConfig>;
