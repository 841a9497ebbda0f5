// inventory-sync's configuration: the platform's variables (Kafka, registry, PostgreSQL, HTTP, logs), the
// settings of each handler (<PREFIX>_MAX_ATTEMPTS, _RETRY_DELAYS, _KEY_CONCURRENCY…), the partner catalog
// (systems of record, channel allocation rules) and the sweep of expired channel holds.
import { type ConfigValues, defineConfig, duration, str, variable } from '@tradewind/config';
import { TOPICS } from '@tradewind/contracts';
import { consumerConfig } from '@tradewind/messaging-nest';
import { platformConfig } from '@tradewind/service-kit';

export const inventorySyncConfig = defineConfig({
  ...platformConfig({ name: 'inventory-sync', port: 3040, schema: 'inventory_sync' }),
  consumers: {
    reservationRequests: consumerConfig(
      'INVENTORY_RESERVATION_REQUESTS',
      TOPICS.inventoryReservationRequests,
    ),
    reservationReleases: consumerConfig(
      'INVENTORY_RESERVATION_RELEASES',
      TOPICS.inventoryReservationReleases,
    ),
    stockEvents: consumerConfig('INVENTORY_STOCK_EVENTS', TOPICS.inventoryStockEvents),
    ingressDocuments: consumerConfig('INVENTORY_DOCUMENTS', TOPICS.ingressDocuments),
  },
  catalog: {
    dir: variable(
      'PARTNER_CATALOG_DIR',
      str({ desc: 'Directory of the partner catalog (catalog.yaml, xref/)', default: 'config/partners' }),
    ),
  },
  reservations: {
    expiryIntervalMs: variable(
      'RESERVATION_EXPIRY_INTERVAL',
      duration({ desc: 'How often channel holds past their TTL are released', default: 30_000 }),
    ),
  },
});

export type InventorySyncConfig = ConfigValues<typeof inventorySyncConfig>;
