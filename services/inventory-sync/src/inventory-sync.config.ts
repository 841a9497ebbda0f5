// inventory-sync's configuration: the platform's variables (Kafka, registry, PostgreSQL, HTTP, logs), the
// settings of each handler (<PREFIX>_MAX_ATTEMPTS, _RETRY_DELAYS, _KEY_CONCURRENCY…), the partner catalog
// (systems of record, channel allocation rules), the sweep of expired channel holds and the poll of sale
// orders cancelled in Odoo.
import { bool, type ConfigValues, defineConfig, duration, str, variable } from '@tradewind/config';
import { TOPICS } from '@tradewind/contracts';
import { consumerConfig } from '@tradewind/messaging-nest';
import { odooConnectionConfig } from '@tradewind/odoo-client';
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
    deliveryResults: consumerConfig('INVENTORY_DELIVERY_RESULTS', TOPICS.partnersDeliveryResults),
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
    cancellationsEveryMs: variable(
      'INVENTORY_CANCELLATIONS_EVERY',
      duration({
        desc: "How often Odoo's cancelled sale orders are read (by write_date, read-only key) to release what they hold; 0: never",
        default: 60_000,
      }),
    ),
  },
  feeds: {
    tickMs: variable(
      'INVENTORY_FEED_TICK',
      duration({
        desc: "How often channel stock feeds due are looked for (each channel's rate is the catalog's feedEverySeconds); 0: no feeds",
        default: 1_000,
      }),
    ),
  },
  // Odoo's stock is read with the read-only key only; corrections go through the odoo-writer.
  odoo: odooConnectionConfig({ access: 'read', timeoutMs: 30_000 }),
  reconciliation: {
    everyMs: variable(
      'INVENTORY_RECONCILE_EVERY',
      duration({
        desc: "How often the ledger is compared with Odoo's stock (drifts to ops.exceptions); 0: never",
        default: 300_000,
      }),
    ),
    correct: variable(
      'INVENTORY_RECONCILE_CORRECT',
      bool({
        desc: "Set Odoo's on hand to the ledger's (set_stock_level through the odoo-writer) where the ledger carries the stock owner's count; false: report only",
        default: true,
      }),
    ),
  },
});

export type InventorySyncConfig = ConfigValues<typeof inventorySyncConfig>;
