// shipments's configuration: the platform's variables (Kafka, registry, PostgreSQL, HTTP, logs), the
// settings of its handler (SHIPMENT_DOCUMENTS_MAX_ATTEMPTS, _RETRY_DELAYS, _KEY_CONCURRENCY…) and the
// partner catalog (milestone mappings, notice subscriptions, systems of record).
import { type ConfigValues, defineConfig, str, variable } from '@tradewind/config';
import { TOPICS } from '@tradewind/contracts';
import { consumerConfig } from '@tradewind/messaging-nest';
import { platformConfig } from '@tradewind/service-kit';

export const shipmentsConfig = defineConfig({
  ...platformConfig({ name: 'shipments', port: 3070, schema: 'shipments' }),
  consumers: {
    ingressDocuments: consumerConfig('SHIPMENT_DOCUMENTS', TOPICS.ingressDocuments),
  },
  catalog: {
    dir: variable(
      'PARTNER_CATALOG_DIR',
      str({ desc: 'Directory of the partner catalog (catalog.yaml, xref/)', default: 'config/partners' }),
    ),
  },
});

export type ShipmentsConfig = ConfigValues<typeof shipmentsConfig>;
