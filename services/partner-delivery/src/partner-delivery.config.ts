// partner-delivery's configuration: the platform's variables, the partners.outbound handler's settings
// (PARTNERS_OUTBOUND_*), the partner catalog with its delivery channels, where their secrets are read,
// and the delivery loop's timing. Endpoints, retries and breakers are per partner, in the catalog.
import { type ConfigValues, defineConfig, duration, jsonOf, num, str, variable } from '@tradewind/config';
import { TOPICS } from '@tradewind/contracts';
import { consumerConfig } from '@tradewind/messaging-nest';
import { platformConfig } from '@tradewind/service-kit';

/** Per endpoint key (`<partner>/<endpoint>`): where a local run or a staging partner is reached instead. */
export type EndpointOverrides = Readonly<
  Record<
    string,
    {
      readonly url?: string;
      readonly host?: string;
      readonly port?: number;
      readonly username?: string;
      readonly hostKey?: string;
    }
  >
>;

function checkOverrides(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'must be an object';
  for (const [key, entry] of Object.entries(value as Record<string, unknown>)) {
    if (!/^[a-z][a-z0-9-]*\/[a-z][a-z0-9-]*$/.test(key)) return `${key} is not <partner>/<endpoint>`;
    if (entry === null || typeof entry !== 'object') return `${key}: must be an object`;
    for (const [field, v] of Object.entries(entry as Record<string, unknown>)) {
      if (
        field === 'port'
          ? typeof v !== 'number'
          : !['url', 'host', 'username', 'hostKey'].includes(field) || typeof v !== 'string'
      )
        return `${key}.${field} is not a known override (url, host, port, username, hostKey)`;
    }
  }
  return undefined;
}

export const partnerDeliveryConfig = defineConfig({
  ...platformConfig({ name: 'partner-delivery', port: 3060, schema: 'partner_delivery' }),
  consumers: {
    partnersOutbound: consumerConfig('PARTNERS_OUTBOUND', TOPICS.partnersOutbound),
  },
  catalog: {
    dir: variable(
      'PARTNER_CATALOG_DIR',
      str({
        desc: 'Directory of the partner catalog (catalog.yaml, delivery.yaml with the delivery channels, xref/)',
        default: 'config/partners',
      }),
    ),
    secretsRoot: variable(
      'DELIVERY_SECRETS_ROOT',
      str({
        desc: 'Directory that `file:` references of the delivery channels (signing secrets, SSH keys) are read under (`/` in production)',
        default: '/',
      }),
    ),
    overrides: variable(
      'DELIVERY_ENDPOINT_OVERRIDES',
      jsonOf<EndpointOverrides>(checkOverrides)({
        desc: "JSON: per endpoint (`<partner>/<endpoint>`) a url, or an SFTP host, port, username and hostKey, used instead of the catalog's (local runs, staging partners); http is allowed here",
        default: {},
      }),
    ),
  },
  delivery: {
    pollMs: variable(
      'DELIVERY_POLL_INTERVAL',
      duration({
        desc: 'How often an idle endpoint looks for due deliveries (new documents and finished deliveries wake it at once)',
        default: 1_000,
      }),
    ),
    leaseMs: variable(
      'DELIVERY_LEASE',
      duration({
        desc: "How long a claimed delivery is ours before another worker may send it again (a crashed process's in-flight deliveries are resent after it); at least twice the longest endpoint timeout",
        default: 120_000,
      }),
    ),
    jitter: variable(
      'DELIVERY_RETRY_JITTER',
      num({
        desc: 'Random share (0-1) added to or taken from each retry delay, so a recovered endpoint is not hit by every retry at once',
        default: 0.2,
      }),
    ),
  },
});

export type PartnerDeliveryConfig = ConfigValues<typeof partnerDeliveryConfig>;
