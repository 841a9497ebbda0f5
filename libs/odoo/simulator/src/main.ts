// Runs the Odoo simulator as a process: `node -r @swc-node/register libs/odoo/simulator/src/main.ts`.
import { ODOO_PUBLISHED_RECORD_COST } from './http/load.governor';
import { DEFAULT_API_KEY, DEFAULT_READONLY_API_KEY, startOdooSimulator } from './odoo-simulator';

// eslint-disable-next-line no-restricted-syntax -- a standalone test tool, not platform code: @tradewind/config is for services
const env = process.env;

async function main(): Promise<void> {
  const simulator = await startOdooSimulator({
    port: Number(env.ODOO_SIM_PORT ?? 8069),
    host: env.ODOO_SIM_HOST ?? '127.0.0.1',
    db: env.ODOO_SIM_DB ?? 'tradewind',
    seed: env.ODOO_SIM_SEED ?? undefined,
    // Keeps the database across restarts (the demo's: .stack/demo/odoo-simulator.json).
    dataFile: env.ODOO_SIM_DATA_FILE || undefined,
    apiKey: env.ODOO_SIM_API_KEY ?? DEFAULT_API_KEY,
    readOnlyApiKey: env.ODOO_SIM_READONLY_API_KEY ?? DEFAULT_READONLY_API_KEY,
    serverVersion: env.ODOO_SIM_VERSION ? Number(env.ODOO_SIM_VERSION) : 19,
    knobs: {
      latencyMs: Number(env.ODOO_SIM_LATENCY_MS ?? 0),
      maxConcurrency: Number(env.ODOO_SIM_MAX_CONCURRENCY ?? 0),
      // The process (demo, Docker image) imports at Odoo's published speed unless told otherwise; the
      // e2e platform sets 0 so that the suite's time does not depend on it.
      recordCostMs: Number(env.ODOO_SIM_RECORD_COST_MS ?? ODOO_PUBLISHED_RECORD_COST.recordCostMs),
      recordWorkers: Number(env.ODOO_SIM_RECORD_WORKERS ?? ODOO_PUBLISHED_RECORD_COST.recordWorkers),
    },
  });
  const lines = [
    `odoo-simulator listening on ${simulator.url} (Odoo ${simulator.serverVersion}.0, database ${simulator.db}${env.ODOO_SIM_DATA_FILE ? `, kept in ${env.ODOO_SIM_DATA_FILE}` : ', in memory'})`,
    `  record cost: ${simulator.knobs().recordCostMs} ms per written record on ${simulator.knobs().recordWorkers} lane(s) (ODOO_SIM_RECORD_COST_MS, ODOO_SIM_RECORD_WORKERS)`,
    `  JSON-2:   POST ${simulator.url}/json/2/<model>/<method>  (Authorization: bearer <key>, X-Odoo-Database: ${simulator.db})`,
    `  JSON-RPC: POST ${simulator.url}/jsonrpc`,
    `  write key     (login ${simulator.logins.write}, uid ${simulator.uids.write}): ${simulator.apiKeys.write}`,
    `  read-only key (login ${simulator.logins.readOnly}, uid ${simulator.uids.readOnly}): ${simulator.apiKeys.readOnly}`,
    `  admin: GET|POST ${simulator.url}/_sim/knobs, GET ${simulator.url}/_sim/stats, POST ${simulator.url}/_sim/reset,`,
    `         GET ${simulator.url}/_sim/records/<model>?external_id=<prefix>`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  const stop = (): void => {
    void simulator.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `odoo-simulator failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
