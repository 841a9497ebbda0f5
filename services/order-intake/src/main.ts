// order-intake: `node -r @swc-node/register services/order-intake/src/main.ts`
import { startService } from '@tradewind/service-kit';

import { AppModule } from './app.module';
import { orderIntakeConfig } from './order-intake.config';

startService(orderIntakeConfig, { module: (config) => AppModule.forRoot(config) });
