// order-intake: `node -r @swc-node/register services/order-intake/src/main.ts`
import { loadConfigOrExit } from '@tradewind/config';
import { configureLogging, createLogger } from '@tradewind/observability';
import { runService } from '@tradewind/service-kit';

import { AppModule } from './app.module';
import { orderIntakeConfig } from './order-intake.config';

const config = loadConfigOrExit(orderIntakeConfig);
configureLogging({ level: config.values.log.level, service: config.values.service.name });

runService(AppModule.forRoot(config.values), {
  http: config.values.http,
  describeConfig: () => config.describe(),
}).catch((error: unknown) => {
  createLogger('main').fatal({ err: error }, 'order-intake failed to start');
  process.exitCode = 1;
  // Half-started connections (Kafka, PostgreSQL) would keep the process alive.
  setTimeout(() => process.exit(1), 1_000).unref();
});
