// partner-delivery: `node -r @swc-node/register services/partner-delivery/src/main.ts`
import { startService } from '@tradewind/service-kit';

import { AppModule } from './app.module';
import { partnerDeliveryConfig } from './partner-delivery.config';

startService(partnerDeliveryConfig, { module: (config) => AppModule.forRoot(config) });
