import type { NestExpressApplication } from '@nestjs/platform-express';
import { createServiceApp, type ServiceApp } from '@tradewind/service-kit';

import { AppModule, type GatewayModuleOptions } from './app.module';
import type { GatewayConfig } from './gateway.config';
import { expressTrustProxy } from './http/trust-proxy';
import { setUpOpenApi } from './openapi/openapi';

/**
 * What the gateway's application has of its own: it reads request bodies itself — byte-exact for the
 * signature, refused while reading when too large, never parsed as JSON before the partner is
 * authenticated — so Nest's body parsers are off; /docs is mounted between creation and listen.
 */
export function gatewayApp(options: GatewayModuleOptions = {}): ServiceApp<GatewayConfig> {
  return {
    module: (config) => AppModule.forRoot(config, options),
    nest: { bodyParser: false },
    configure: (app, config) => {
      app.set('trust proxy', expressTrustProxy(config.gateway.trustProxy));
      app.disable('x-powered-by');
      setUpOpenApi(app);
    },
  };
}

/** The gateway's Nest application, configured but not listening (the itests listen). */
export function createGatewayApp(
  config: GatewayConfig,
  options: GatewayModuleOptions & { logger?: false } = {},
): Promise<NestExpressApplication> {
  const { logger, ...moduleOptions } = options;
  return createServiceApp(gatewayApp(moduleOptions), config, { logger });
}
