// odoo-writer: `node -r @swc-node/register services/odoo-writer/src/main.ts`
import { startService } from '@tradewind/service-kit';

import { AppModule } from './app.module';
import { odooWriterConfig } from './odoo-writer.config';

startService(odooWriterConfig, { module: (config) => AppModule.forRoot(config) });
