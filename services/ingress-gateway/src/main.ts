// ingress-gateway: `node -r @swc-node/register services/ingress-gateway/src/main.ts`
import { startService } from '@tradewind/service-kit';

import { gatewayApp } from './gateway.app';
import { gatewayConfig } from './gateway.config';

startService(gatewayConfig, gatewayApp());
