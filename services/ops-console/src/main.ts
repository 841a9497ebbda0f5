// ops-console: `node -r @swc-node/register services/ops-console/src/main.ts`
import { startService } from '@tradewind/service-kit';

import { AppModule } from './app.module';
import { opsConsoleConfig } from './ops-console.config';

startService(opsConsoleConfig, { module: (config) => AppModule.forRoot(config) });
