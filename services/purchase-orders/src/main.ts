// purchase-orders: `node -r @swc-node/register services/purchase-orders/src/main.ts`
import { startService } from '@tradewind/service-kit';

import { AppModule } from './app.module';
import { purchaseOrdersConfig } from './purchase-orders.config';

startService(purchaseOrdersConfig, { module: (config) => AppModule.forRoot(config) });
