// Child process of tools/bench/odoo-writer.ts: drives the writer's Odoo-facing core (micro-batcher,
// adaptive limit, breaker, gateway, load) with sale order upserts, without Kafka and PostgreSQL, and
// prints one JSON line. Args: odooUrl apiKey records maxBatch maxConcurrency inFlight prefix
import { loadConfig } from '@tradewind/config';
import { configureLogging } from '@tradewind/observability';

import { createWriterCommand } from '../commands/writer-command';
import { odooWriterConfig } from '../odoo-writer.config';
import { createOdooWriterCore } from '../odoo-writer.core';
import { upsertSaleOrder } from './command-fixtures';

async function main(): Promise<void> {
  configureLogging({ level: 'warn' });
  const [url, apiKey, records, maxBatch, maxConcurrency, inFlight, prefix] = process.argv.slice(2);
  const total = Number(records);
  const { values } = loadConfig(odooWriterConfig, {
    ODOO_URL: url,
    ODOO_API_KEY: apiKey,
    ODOO_API_FLAVOR: 'json2',
    ODOO_BATCH_MAX_RECORDS: maxBatch,
    ODOO_MAX_CONCURRENCY: maxConcurrency,
    ODOO_INITIAL_CONCURRENCY: maxConcurrency,
    ODOO_BATCH_LINGER: '2ms',
  });
  const core = createOdooWriterCore(values);
  const commands = Array.from({ length: total }, (_, i) => createWriterCommand(upsertSaleOrder(`${prefix}_so_${i}`)));
  let next = 0;
  let written = 0;
  const started = performance.now();
  // As the consumer does: a bounded number of records in flight (keys × partitions).
  const worker = async (): Promise<void> => {
    while (next < commands.length) {
      const command = commands[next++];
      const outcome = await core.writer.execute(command);
      if (outcome.outcome === 'written') written += 1;
    }
  };
  await Promise.all(Array.from({ length: Number(inFlight) }, worker));
  const seconds = (performance.now() - started) / 1000;
  core.close();
  process.stdout.write(`${JSON.stringify({ written, seconds })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
