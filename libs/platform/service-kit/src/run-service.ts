import 'reflect-metadata';

import type { DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { type ConfigSpec, type ConfigValues, loadConfigOrExit } from '@tradewind/config';
import { configureLogging, createLogger } from '@tradewind/observability';
import { PinoLoggerService } from '@tradewind/observability-nest';

import type { PlatformValues } from './platform-config';

/** What is particular to one service's application; the kit does the rest. */
export interface ServiceApp<V extends PlatformValues> {
  /** The service's root module (it imports ServiceKitModule.forRoot) from its loaded config. */
  module: (config: V) => DynamicModule;
  /** Nest options of its own: the gateway reads request bodies itself (bodyParser false), others may want rawBody. */
  nest?: { bodyParser?: boolean; rawBody?: boolean };
  /** Between creation and listen: routes that are no controller (/docs), Express settings. */
  configure?: (app: NestExpressApplication, config: V) => void;
}

/** A service's Nest application, configured but not listening (main listens through startService, tests themselves). */
export async function createServiceApp<V extends PlatformValues>(
  service: ServiceApp<V>,
  config: V,
  options: { logger?: false } = {},
): Promise<NestExpressApplication> {
  const quiet = options.logger === false;
  const app = await NestFactory.create<NestExpressApplication>(service.module(config), {
    ...service.nest,
    ...(quiet ? { logger: false } : { bufferLogs: true }),
  });
  if (!quiet) app.useLogger(app.get(PinoLoggerService));
  service.configure?.(app, config);
  return app;
}

/**
 * A service's `main.ts`: loads and validates the config (the process exits naming every bad variable),
 * logs JSON with the service's name and the configuration (secrets masked), starts the application with
 * graceful SIGTERM/SIGINT (consumers finish their records, the outbox drains) and HTTP for health and
 * metrics. A failed start is logged and ends the process.
 */
export function startService<S extends ConfigSpec>(
  spec: S,
  service: ServiceApp<ConfigValues<S> & PlatformValues>,
): void {
  const loaded = loadConfigOrExit(spec);
  // Every service spreads platformConfig into its spec, so its values hold the platform's.
  const config = loaded.values as ConfigValues<S> & PlatformValues;
  configureLogging({ level: config.log.level, service: config.service.name });
  const log = createLogger('main');
  log.info(
    { config: loaded.describe().map((e) => `${e.name}=${e.value ?? ''} (${e.source})`) },
    'configuration',
  );
  const start = async (): Promise<void> => {
    const app = await createServiceApp(service, config);
    app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
    await app.listen(config.http.port, config.http.host);
    log.info({ url: await app.getUrl(), service: config.service.name }, 'service started');
  };
  start().catch((error: unknown) => {
    log.fatal({ err: error }, `${config.service.name} failed to start`);
    process.exitCode = 1;
    // Half-started connections (Kafka, PostgreSQL) would keep the process alive.
    setTimeout(() => process.exit(1), 1_000).unref();
  });
}
