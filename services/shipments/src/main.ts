// shipments: `node -r @swc-node/register services/shipments/src/main.ts`
import { startService } from '@tradewind/service-kit';

import { AppModule } from './app.module';
import { shipmentsConfig } from './shipments.config';

startService(shipmentsConfig, { module: (config) => AppModule.forRoot(config) });
