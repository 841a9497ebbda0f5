// invoices: `node -r @swc-node/register services/invoices/src/main.ts`
import { startService } from '@tradewind/service-kit';

import { AppModule } from './app.module';
import { invoicesConfig } from './invoices.config';

startService(invoicesConfig, { module: (config) => AppModule.forRoot(config) });
