// purchase-orders's configuration: the platform's variables (Kafka, registry, PostgreSQL, HTTP, logs), its
// ingress.documents handler (INGRESS_DOCUMENTS_MAX_ATTEMPTS, _RETRY_DELAYS, ...), Odoo with the read-only
// key, the partner catalog, the poll of confirmed purchase orders and the SLA sweep.
import { type ConfigValues, defineConfig, duration, intInRange, str, variable } from '@tradewind/config';
import { TOPICS } from '@tradewind/contracts';
import { consumerConfig } from '@tradewind/messaging-nest';
import { odooConnectionConfig } from '@tradewind/odoo-client';
import { platformConfig } from '@tradewind/service-kit';

export const purchaseOrdersConfig = defineConfig({
  ...platformConfig({ name: 'purchase-orders', port: 3080, schema: 'purchase_orders' }),
  consumers: {
    ingressDocuments: consumerConfig('INGRESS_DOCUMENTS', TOPICS.ingressDocuments),
  },
  odoo: odooConnectionConfig({ access: 'read', timeoutMs: 30_000 }),
  catalog: {
    dir: variable(
      'PARTNER_CATALOG_DIR',
      str({ desc: 'Directory of the partner catalog (catalog.yaml, xref/)', default: 'config/partners' }),
    ),
  },
  poll: {
    everyMs: variable(
      'PO_POLL_EVERY',
      duration({
        desc: 'How often Odoo is polled for purchase orders written since the mark',
        default: 60_000,
      }),
    ),
    overlapMs: variable(
      'PO_POLL_OVERLAP',
      duration({
        desc: 'How far before the mark each poll reads again (equal timestamps, clock skew, late commits)',
        default: 120_000,
      }),
    ),
    batchSize: variable(
      'PO_POLL_BATCH_SIZE',
      intInRange(1, 1000)({ desc: 'Purchase orders one poll reads at most', default: 200 }),
    ),
  },
  sla: {
    everyMs: variable(
      'PO_SLA_SWEEP_EVERY',
      duration({ desc: 'How often due 855/997 timers are escalated', default: 15_000 }),
    ),
  },
});

export type PurchaseOrdersConfig = ConfigValues<typeof purchaseOrdersConfig>;
