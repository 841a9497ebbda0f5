import { loadConfigOrExit } from '@tradewind/config';
import { configureLogging, createLogger } from '@tradewind/observability';

import { createGatewayApp } from './gateway.app';
import { gatewayConfig } from './gateway.config';

async function main(): Promise<void> {
  const config = loadConfigOrExit(gatewayConfig);
  configureLogging({ level: config.values.log.level, service: config.values.service.name });
  const log = createLogger('main');
  log.info(
    { config: config.describe().map((e) => `${e.name}=${e.value ?? ''} (${e.source})`) },
    'configuration',
  );
  const app = await createGatewayApp(config.values);
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  await app.listen(config.values.http.port, config.values.http.host);
  log.info({ url: await app.getUrl() }, 'ingress gateway started');
}

void main().catch((error: unknown) => {
  createLogger('main').fatal({ err: error }, 'ingress gateway failed to start');
  process.exitCode = 1;
  // Half-started connections (Kafka, PostgreSQL) would keep the process alive.
  setTimeout(() => process.exit(1), 1_000).unref();
});
