// order-intake's configuration: the platform's variables, the partner catalog, and a read-only view of
// Odoo (products, price list) for price checks. The write key stays with the odoo-writer.
import { type ConfigValues, defineConfig, duration, oneOf, str, variable } from '@tradewind/config';
import { TOPICS } from '@tradewind/contracts';
import { consumerConfig } from '@tradewind/messaging-nest';
import { odooConnectionConfig } from '@tradewind/odoo-client';
import { platformConfig } from '@tradewind/service-kit';

export const orderIntakeConfig = defineConfig({
  ...platformConfig({ name: 'order-intake', port: 3020, schema: 'order_intake' }),
  catalog: {
    dir: variable(
      'PARTNER_CATALOG_DIR',
      str({ desc: 'Directory of the partner catalog (catalog.yaml, xref/)', default: 'config/partners' }),
    ),
  },
  odoo: {
    // Read-only: products and prices. The write key stays with the odoo-writer.
    ...odooConnectionConfig({ access: 'read', timeoutMs: 15_000 }),
    pricelistExternalId: variable(
      'ODOO_PRICELIST_EXTERNAL_ID',
      str({
        desc: "External id of the company's B2B price list: partner prices are checked against it and orders are priced with it",
        default: 'tradewind.pricelist_b2b',
      }),
    ),
    warehouseExternalId: variable(
      'ODOO_WAREHOUSE_EXTERNAL_ID',
      str({
        desc: 'External id of the warehouse sale orders ship from; unset: Odoo picks its default',
        default: undefined,
      }),
    ),
  },
  consumers: {
    ingressDocuments: consumerConfig('INTAKE_DOCUMENTS', TOPICS.ingressDocuments),
    odooResults: consumerConfig('INTAKE_RESULTS', TOPICS.odooResults),
    reservationReplies: consumerConfig('INTAKE_RESERVATION_REPLIES', TOPICS.inventoryReservationReplies),
  },
  prices: {
    ttlMs: variable(
      'PRICE_CACHE_TTL',
      duration({
        desc: 'How long a product price read from Odoo is used before it is read again',
        default: 300_000,
      }),
    ),
    maxStaleMs: variable(
      'PRICE_CACHE_MAX_STALE',
      duration({
        desc: 'While Odoo cannot be read, prices up to this old are still used (0: never use an expired price)',
        default: 3_600_000,
      }),
    ),
  },
  reservations: {
    policy: variable(
      'RESERVATION_POLICY',
      oneOf(['off', 'reject', 'backorder'] as const)({
        desc: "Ask inventory-sync to hold an accepted order's lines before it goes to Odoo: off (not asked), reject (a line without stock rejects the order with INSUFFICIENT_STOCK), backorder (the shortfall is backordered); a partner's catalog `inventory.shortagePolicy` wins over reject/backorder",
        default: 'off',
      }),
    ),
    holdTtlMs: variable(
      'RESERVATION_HOLD_TTL',
      duration({
        desc: "How long inventory-sync holds the units before it releases them (0: until released), for partners without the catalog's `inventory.holdTtlMinutes`",
        default: 0,
      }),
    ),
  },
});

export type OrderIntakeConfig = ConfigValues<typeof orderIntakeConfig>;
