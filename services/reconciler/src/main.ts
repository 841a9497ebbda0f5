// reconciler: `node -r @swc-node/register services/reconciler/src/main.ts`
import { startService } from '@tradewind/service-kit';

import { AppModule } from './app.module';
import { reconcilerConfig } from './reconciler.config';

startService(reconcilerConfig, { module: (config) => AppModule.forRoot(config) });
