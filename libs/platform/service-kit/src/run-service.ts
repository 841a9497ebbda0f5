import 'reflect-metadata';

import type { DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { ConfigEntry } from '@tradewind/config';
import { createLogger } from '@tradewind/observability';
import { PinoLoggerService } from '@tradewind/observability-nest';

export interface RunServiceOptions {
  http: { port: number; host: string };
  /** The loaded configuration's describe(): logged once at start-up, secrets masked. */
  describeConfig?: () => readonly ConfigEntry[];
  /** Express raw body (for request signatures). */
  rawBody?: boolean;
}

/** Starts a service's Nest application: JSON logs, graceful SIGTERM/SIGINT, HTTP for health and metrics. */
export async function runService(module: DynamicModule, options: RunServiceOptions) {
  const log = createLogger('main');
  if (options.describeConfig) {
    const entries = options.describeConfig().map((e) => `${e.name}=${e.value ?? ''} (${e.source})`);
    log.info({ config: entries }, 'configuration');
  }
  const app = await NestFactory.create(module, { bufferLogs: true, rawBody: options.rawBody });
  app.useLogger(app.get(PinoLoggerService));
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  await app.listen(options.http.port, options.http.host);
  log.info({ url: await app.getUrl() }, 'service started');
  return app;
}
