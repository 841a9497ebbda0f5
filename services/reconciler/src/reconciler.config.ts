// reconciler's configuration: the platform's variables (Kafka, registry, PostgreSQL, HTTP, logs), the
// settings of its orders.state, purchasing.state, shipments.state and finance.state handlers
// (ORDERS_STATE_MAX_ATTEMPTS, _RETRY_DELAYS…), Odoo with the read-only key, and the reconciliation's
// windows and SLAs.
import {
  type ConfigValues,
  defineConfig,
  duration,
  intInRange,
  list,
  num,
  str,
  variable,
} from '@tradewind/config';
import { TOPICS } from '@tradewind/contracts';
import { consumerConfig } from '@tradewind/messaging-nest';
import { odooConnectionConfig } from '@tradewind/odoo-client';
import { platformConfig } from '@tradewind/service-kit';

export const reconcilerConfig = defineConfig({
  ...platformConfig({ name: 'reconciler', port: 3050, schema: 'reconciler' }),
  consumers: {
    ordersState: consumerConfig('ORDERS_STATE', TOPICS.ordersState),
    // The purchase-order workflow: what was sent to suppliers (compacted).
    purchasingState: consumerConfig('PURCHASING_STATE', TOPICS.purchasingState),
    // The shipment workflow: what shipped, and whether its picking validation was sent (compacted).
    shipmentsState: consumerConfig('SHIPMENTS_STATE', TOPICS.shipmentsState),
    // The finance workflows: customer invoices, settlement entries and supplier invoices (compacted).
    financeState: consumerConfig('FINANCE_STATE', TOPICS.financeState),
    // Odoo's answers to the re-drive's own commands (the canary's success opens the rest).
    odooResults: consumerConfig('ODOO_RESULTS', TOPICS.odooResults),
    // The gateway's leg: what it accepted, and the acknowledgements partners were sent.
    ingressDocuments: consumerConfig('INGRESS_DOCUMENTS', TOPICS.ingressDocuments),
    partnersOutbound: consumerConfig('PARTNERS_OUTBOUND', TOPICS.partnersOutbound),
  },
  odoo: odooConnectionConfig({ access: 'read', timeoutMs: 30_000 }),
  catalog: {
    dir: variable(
      'PARTNER_CATALOG_DIR',
      str({
        desc: "Directory of the partner catalog (catalog.yaml, xref/): our customers' Odoo external ids",
        default: 'config/partners',
      }),
    ),
  },
  reconciliation: {
    everyMs: variable(
      'RECONCILER_EVERY',
      duration({ desc: 'How often the previous and the current window are reconciled', default: 300_000 }),
    ),
    windowMs: variable(
      'RECONCILER_WINDOW',
      duration({ desc: 'Size of one reconciliation window (aligned on the epoch)', default: 3_600_000 }),
    ),
    stuckAfterMs: variable(
      'RECONCILER_STUCK_AFTER',
      duration({
        desc: 'An order with no final state this long after receipt is stuck (and its Odoo command overdue)',
        default: 1_800_000,
      }),
    ),
    acknowledgeWithinMs: variable(
      'RECONCILER_ACKNOWLEDGE_WITHIN',
      duration({
        desc: 'A decided order without an acknowledgement this long after receipt was never acknowledged',
        default: 3_600_000,
      }),
    ),
    deliverWithinMs: variable(
      'RECONCILER_SHIPMENT_DELIVER_WITHIN',
      duration({
        desc: 'A shipment not delivered (or otherwise terminal) this long after the reconciler first saw it is stuck',
        default: 7 * 86_400_000,
      }),
    ),
    odooBatchSize: variable(
      'RECONCILER_ODOO_BATCH_SIZE',
      intInRange(1, 5000)({ desc: 'External ids / references per Odoo search_read', default: 2000 }),
    ),
    odooConcurrency: variable(
      'RECONCILER_ODOO_CONCURRENCY',
      intInRange(
        1,
        16,
      )({
        desc: "Odoo requests in flight at once while a window is read (the read-only key's rate limit bounds it)",
        default: 4,
      }),
    ),
    redriveMaxOrders: variable(
      'RECONCILER_REDRIVE_MAX_ORDERS',
      intInRange(
        1,
        1000,
      )({
        desc: 'Orders one re-drive call sends again at most (the rest wait for the next call)',
        default: 20,
      }),
    ),
    redriveRatePerSecond: variable(
      'RECONCILER_REDRIVE_RATE',
      num({ desc: 'Orders a re-drive sends again per second after its canary', default: 5 }),
    ),
    canaryTimeoutMs: variable(
      'RECONCILER_REDRIVE_CANARY_TIMEOUT',
      duration({
        desc: "How long a re-drive waits for its canary's success on odoo.results (breaker pauses excluded) before it stops",
        default: 120_000,
      }),
    ),
    writerMetricsUrls: variable(
      'RECONCILER_ODOO_WRITER_METRICS_URLS',
      list({
        desc: "Every odoo-writer replica's /metrics: a re-drive pauses while any one's Odoo breaker is not closed (or cannot be read)",
        default: undefined,
      }),
    ),
    breakerPollMs: variable(
      'RECONCILER_BREAKER_POLL',
      duration({ desc: "How often a paused re-drive reads the writers' breakers again", default: 2_000 }),
    ),
    retentionMs: variable(
      'RECONCILER_RUN_RETENTION',
      duration({
        desc: 'Stored reconciliation runs, re-drives and gateway documents older than this are purged by housekeeping',
        default: 90 * 86_400_000,
      }),
    ),
  },
});

export type ReconcilerConfig = ConfigValues<typeof reconcilerConfig>;
