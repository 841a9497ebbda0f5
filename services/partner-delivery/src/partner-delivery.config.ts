// partner-delivery's configuration: the platform's variables (Kafka, registry, PostgreSQL, HTTP, logs), the
// settings of its handler (PARTNERS_OUTBOUND_MAX_ATTEMPTS, _RETRY_DELAYS, _KEY_CONCURRENCY…); add the
// service's own beside them, each with a description and a default or an example.
import { type ConfigValues, defineConfig } from '@tradewind/config';
import { TOPICS } from '@tradewind/contracts';
import { consumerConfig } from '@tradewind/messaging-nest';
import { platformConfig } from '@tradewind/service-kit';

export const partnerDeliveryConfig = defineConfig({
  ...platformConfig({ name: 'partner-delivery', port: 3060, schema: 'partner_delivery' }),
  consumers: {
    partnersOutbound: consumerConfig('PARTNERS_OUTBOUND', TOPICS.partnersOutbound),
  },
});

export type PartnerDeliveryConfig = ConfigValues<typeof partnerDeliveryConfig>;
