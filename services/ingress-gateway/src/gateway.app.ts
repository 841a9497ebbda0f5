import 'reflect-metadata';

import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { PinoLoggerService } from '@tradewind/observability-nest';

import { AppModule, type GatewayModuleOptions } from './app.module';
import type { GatewayConfig } from './gateway.config';
import { expressTrustProxy } from './http/trust-proxy';
import { setUpOpenApi } from './openapi/openapi';

/**
 * The gateway's Nest application, configured but not listening (main.ts and the itest listen).
 *
 * Not runService: the gateway must read request bodies itself — byte-exact for the signature, refused
 * while reading when too large, never parsed as JSON before the partner is authenticated — so Nest's
 * body parsers are off, and /docs must be mounted between creation and listen. runService offers neither.
 */
export async function createGatewayApp(
  config: GatewayConfig,
  options: GatewayModuleOptions & { logger?: false } = {},
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, options), {
    bodyParser: false,
    bufferLogs: options.logger !== false,
    ...(options.logger === false ? { logger: false } : {}),
  });
  if (options.logger !== false) app.useLogger(app.get(PinoLoggerService));
  app.set('trust proxy', expressTrustProxy(config.gateway.trustProxy));
  app.disable('x-powered-by');
  setUpOpenApi(app);
  return app;
}
