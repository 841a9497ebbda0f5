// The gateway's configuration: the platform's shared variables plus its own (catalog, authentication
// windows, limits, Redis). Parsed once at start-up by @tradewind/config.
import {
  bool,
  type ConfigValues,
  defineConfig,
  duration,
  intInRange,
  oneOf,
  parsedBy,
  str,
  url,
  variable,
} from '@tradewind/config';
import { TOPICS } from '@tradewind/contracts';
import { consumerConfig } from '@tradewind/messaging-nest';
import { platformConfig } from '@tradewind/service-kit';

import { parseTrustProxy, type TrustProxy } from './http/trust-proxy';

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
    idempotencyLeaseMs: variable(
      'GATEWAY_IDEMPOTENCY_LEASE',
      duration({
        desc: 'How long an Idempotency-Key stays "in progress" without an answer (a request that died with its process frees it after this); at least twice GATEWAY_PUBLISH_TIMEOUT',
        default: 60_000,
      }),
    ),
    x12InterchangeRetentionMs: variable(
      'GATEWAY_X12_INTERCHANGE_RETENTION',
      duration({
        desc: 'How long received X12 interchange control numbers (ISA13) are kept before housekeeping forgets them; the longest x12.duplicateInterchange window of the catalog applies when it is longer',
        default: 2_678_400_000,
      }),
    ),
    publishTimeoutMs: variable(
      'GATEWAY_PUBLISH_TIMEOUT',
      duration({
        desc: 'Deadline of the hand-over to Kafka: records not yet with the broker then are withdrawn (503, not accepted); records with it make the answer 504 (outcome unknown)',
        default: 15_000,
      }),
    ),
    x12Usage: variable(
      'GATEWAY_X12_USAGE',
      oneOf(['P', 'T'] as const)({
        desc: 'ISA15 interchanges must carry here: P in production (test interchanges are refused with a TA1), T in a partner sandbox',
        default: 'P',
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
    anonymousAuditWindowMs: variable(
      'GATEWAY_ANONYMOUS_AUDIT_WINDOW',
      duration({
        desc: 'Refusals of callers never authenticated (no or unknown key) are recorded in ops.audit once per window, per kind and address, with their count',
        default: 60_000,
      }),
    ),
    trustProxy: variable(
      'GATEWAY_TRUST_PROXY',
      parsedBy(parseTrustProxy)({
        desc: 'Which X-Forwarded-For hops to believe for the remote address: false, the number of proxies in front of the gateway (1 behind one load balancer), or their addresses/CIDR ranges (10.0.0.0/8, loopback); never every hop',
        default: false as TrustProxy,
      }),
    ),
  },
  /** The transaction index's consumers (transaction-index.consumer.ts). */
  consumers: {
    orderStates: consumerConfig('GATEWAY_ORDER_STATES', TOPICS.ordersState),
    outbound: consumerConfig('GATEWAY_OUTBOUND', TOPICS.partnersOutbound),
    deliveryResults: consumerConfig('GATEWAY_DELIVERY_RESULTS', TOPICS.partnersDeliveryResults),
    shipmentStates: consumerConfig('GATEWAY_SHIPMENT_STATES', TOPICS.shipmentsState),
    /** purchasing.state → GET /v1/purchase-orders/{poNumber} (transactions/purchase-order-states.ts). */
    purchasingStates: consumerConfig('GATEWAY_PURCHASING_STATES', TOPICS.purchasingState),
  },
});

export type GatewayConfig = ConfigValues<typeof gatewayConfig>;
