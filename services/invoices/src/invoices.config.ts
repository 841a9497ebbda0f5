// invoices's configuration: the platform's variables (Kafka, registry, PostgreSQL, HTTP, logs), the
// settings of its ingress.documents handler (INGRESS_DOCUMENTS_MAX_ATTEMPTS, _RETRY_DELAYS…), Odoo with
// the read-only key, the invoice polling and the export schedule.
import { type ConfigValues, defineConfig, duration, intInRange, str, variable } from '@tradewind/config';
import { TOPICS } from '@tradewind/contracts';
import { consumerConfig } from '@tradewind/messaging-nest';
import { odooConnectionConfig } from '@tradewind/odoo-client';
import { platformConfig } from '@tradewind/service-kit';

export const invoicesConfig = defineConfig({
  ...platformConfig({ name: 'invoices', port: 3090, schema: 'invoices' }),
  consumers: {
    ingressDocuments: consumerConfig('INGRESS_DOCUMENTS', TOPICS.ingressDocuments),
    odooResults: consumerConfig('INVOICES_RESULTS', TOPICS.odooResults),
  },
  catalog: {
    dir: variable(
      'PARTNER_CATALOG_DIR',
      str({ desc: 'Directory of the partner catalog (catalog.yaml, xref/)', default: 'config/partners' }),
    ),
  },
  odoo: odooConnectionConfig({ access: 'read', timeoutMs: 30_000 }),
  invoices: {
    commandsTopic: variable(
      'INVOICES_COMMANDS_TOPIC',
      str({
        desc: 'Topic of the odoo.commands it issues (tests point it at a topic of their own)',
        default: TOPICS.odooCommands,
      }),
    ),
    pollEveryMs: variable(
      'INVOICES_POLL_EVERY',
      duration({
        desc: "How often Odoo's customer invoices written since the last poll are read",
        default: 10_000,
      }),
    ),
    pollBatchSize: variable(
      'INVOICES_POLL_BATCH_SIZE',
      intInRange(1, 5000)({ desc: 'Invoices per Odoo search_read of the poll', default: 500 }),
    ),
    exportEveryMs: variable(
      'INVOICES_EXPORT_EVERY',
      duration({
        desc: 'How often due export windows are looked for (each window runs once)',
        default: 60_000,
      }),
    ),
    exportBatchSize: variable(
      'INVOICES_EXPORT_BATCH_SIZE',
      intInRange(
        1,
        10_000,
      )({
        desc: 'Invoice versions per export transaction (a crash resumes after the last one)',
        default: 200,
      }),
    ),
    gaugesEveryMs: variable(
      'INVOICES_GAUGES_EVERY',
      duration({ desc: 'How often the unmatched-cash gauges are read from the database', default: 30_000 }),
    ),
  },
});

export type InvoicesConfig = ConfigValues<typeof invoicesConfig>;
