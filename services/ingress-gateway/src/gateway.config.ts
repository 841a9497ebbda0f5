// The gateway's configuration: the platform's shared variables plus its own (catalog, authentication
// windows, limits, Redis). Parsed once at start-up by @tradewind/config.
import {
  bool,
  type ConfigValues,
  defineConfig,
  duration,
  intInRange,
  str,
  url,
  variable,
} from '@tradewind/config';
import { platformConfig } from '@tradewind/service-kit';

export const gatewayConfig = defineConfig({
  ...platformConfig({ name: 'ingress-gateway', port: 3010, schema: 'ingress_gateway' }),
  gateway: {
    catalogDir: variable(
      'PARTNER_CATALOG_DIR',
      str({ desc: 'Directory of the partner catalog (catalog.yaml, xref/)', default: 'config/partners' }),
    ),
    secretsRoot: variable(
      'GATEWAY_SECRETS_ROOT',
      str({
        desc: 'Directory that `file:` credential references are resolved under (`/` in production; a temporary directory in tests)',
        default: '/',
      }),
    ),
    requireAllCredentials: variable(
      'GATEWAY_REQUIRE_ALL_CREDENTIALS',
      bool({
        desc: 'Refuse to start when an active, unexpired credential reference cannot be resolved (otherwise that key is refused with 401 and a warning is logged)',
        default: false,
      }),
    ),
    clockSkewMs: variable(
      'GATEWAY_CLOCK_SKEW',
      duration({
        desc: 'Accepted difference between X-Timestamp and the gateway clock, either way',
        default: 300_000,
      }),
    ),
    nonceTtlMs: variable(
      'GATEWAY_NONCE_TTL',
      duration({
        desc: 'How long a used X-Nonce is remembered; at least twice GATEWAY_CLOCK_SKEW so a replay inside the window is always caught',
        default: 600_000,
      }),
    ),
    maxBodyBytes: variable(
      'GATEWAY_MAX_BODY_BYTES',
      intInRange(
        1024,
        104_857_600,
      )({
        desc: "Upper bound on request bodies, in bytes; a partner's own maxBodyBytes from the catalog applies when smaller",
        default: 10_485_760,
      }),
    ),
    maxInlinePayloadBytes: variable(
      'GATEWAY_MAX_INLINE_PAYLOAD_BYTES',
      intInRange(
        1024,
        8_388_608,
      )({
        desc: 'Largest single document carried inline on ingress.documents (the topic has no claim-check store yet)',
        default: 900_000,
      }),
    ),
    idempotencyTtlMs: variable(
      'GATEWAY_IDEMPOTENCY_TTL',
      duration({ desc: 'How long an Idempotency-Key and its response are remembered', default: 86_400_000 }),
    ),
    publishTimeoutMs: variable(
      'GATEWAY_PUBLISH_TIMEOUT',
      duration({
        desc: 'Deadline of the hand-over to Kafka: records not yet with the broker then are withdrawn (503, not accepted); records with it make the answer 504 (outcome unknown)',
        default: 15_000,
      }),
    ),
    redisUrl: variable(
      'REDIS_URL',
      url({
        desc: 'Redis for rate limits shared by every replica (e.g. redis://127.0.0.1:6379); unset: per-process token buckets',
        default: undefined,
      }),
      { sensitive: true },
    ),
    trustProxy: variable(
      'GATEWAY_TRUST_PROXY',
      bool({
        desc: 'Take the remote address from X-Forwarded-For (behind a TLS-terminating load balancer)',
        default: false,
      }),
    ),
  },
});

export type GatewayConfig = ConfigValues<typeof gatewayConfig>;
