// inventory-sync: `node -r @swc-node/register services/inventory-sync/src/main.ts`
import { startService } from '@tradewind/service-kit';

import { AppModule } from './app.module';
import { inventorySyncConfig } from './inventory-sync.config';

startService(inventorySyncConfig, { module: (config) => AppModule.forRoot(config) });
