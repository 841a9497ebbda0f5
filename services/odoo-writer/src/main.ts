// odoo-writer: `node -r @swc-node/register services/odoo-writer/src/main.ts`
import { loadConfigOrExit } from '@tradewind/config';
import { createLogger } from '@tradewind/observability';
import { runService } from '@tradewind/service-kit';

import { AppModule } from './app.module';
import { odooWriterConfig } from './odoo-writer.config';

const config = loadConfigOrExit(odooWriterConfig);

runService(AppModule.forRoot(config.values), {
  http: config.values.http,
  describeConfig: () => config.describe(),
}).catch((error: unknown) => {
  createLogger('main').fatal({ err: error }, 'odoo-writer failed to start');
  process.exit(1);
});
