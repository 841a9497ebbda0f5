// One Kafka handler's settings, as a config section: `consumers: { odooResults: consumerConfig('INTAKE_RESULTS',
// 'odoo.results', { maxAttempts: 5 }) }`. @KafkaHandler(TOPICS.odooResults, { settings: 'odooResults' })
// reads them, so attempts, delays, concurrency and the group are validated at start-up and set per deployment.
import { type ConfigValues, duration, durationList, intInRange, str, variable } from '@tradewind/config';
import { DEFAULT_CONSUMER_TUNING, DEFAULT_RETRY_POLICY } from '@tradewind/messaging';

export interface ConsumerDefaults {
  /** What an unset `<PREFIX>_GROUP` means, for its description, when the handler's registration says otherwise. */
  groupWhenUnset?: string;
  inProcessAttempts?: number;
  maxAttempts?: number;
  retryDelaysMs?: number[];
  keyConcurrency?: number;
  partitionsConcurrently?: number;
  sessionTimeoutMs?: number;
}

const DEFAULTS = {
  inProcessAttempts: DEFAULT_RETRY_POLICY.inProcessAttempts,
  maxAttempts: DEFAULT_RETRY_POLICY.maxAttempts,
  retryDelaysMs: [...DEFAULT_RETRY_POLICY.delaysMs],
  ...DEFAULT_CONSUMER_TUNING,
} satisfies Required<Omit<ConsumerDefaults, 'groupWhenUnset'>>;

/**
 * The variables `<PREFIX>_GROUP`, `_IN_PROCESS_ATTEMPTS`, `_MAX_ATTEMPTS`, `_RETRY_DELAYS`, `_KEY_CONCURRENCY`,
 * `_PARTITIONS_CONCURRENTLY` and `_SESSION_TIMEOUT` of the handler that reads `what` (a topic, for the descriptions).
 */
export function consumerConfig(prefix: string, what: string, defaults: ConsumerDefaults = {}) {
  const { groupWhenUnset = '<SERVICE_NAME>.<topic>', ...given } = defaults;
  const d = { ...DEFAULTS, ...given };
  return {
    group: variable(
      `${prefix}_GROUP`,
      str({
        desc: `Consumer group reading ${what}; unset: ${groupWhenUnset}`,
        // Always optional (typed string | undefined): a fixed default would not follow SERVICE_NAME.
        default: undefined,
      }),
    ),
    inProcessAttempts: variable(
      `${prefix}_IN_PROCESS_ATTEMPTS`,
      intInRange(
        1,
        20,
      )({
        desc: `Attempts at a record of ${what} in the main consumer before it is parked in the retry topic`,
        default: d.inProcessAttempts,
      }),
    ),
    maxAttempts: variable(
      `${prefix}_MAX_ATTEMPTS`,
      intInRange(
        1,
        50,
      )({
        desc: `Deliveries of a record of ${what} to the handler (main and retry topic) before it is dead-lettered`,
        default: d.maxAttempts,
      }),
    ),
    retryDelaysMs: variable(
      `${prefix}_RETRY_DELAYS`,
      durationList({
        desc: `Wait before each retry-topic attempt at a record of ${what} (the last one repeats)`,
        default: d.retryDelaysMs,
      }),
    ),
    keyConcurrency: variable(
      `${prefix}_KEY_CONCURRENCY`,
      intInRange(
        1,
        10_000,
      )({
        desc: `Records (distinct keys) of one partition's batch of ${what} handled at once`,
        default: d.keyConcurrency,
      }),
    ),
    partitionsConcurrently: variable(
      `${prefix}_PARTITIONS_CONCURRENTLY`,
      intInRange(
        1,
        256,
      )({ desc: `Partitions of ${what} consumed at once`, default: d.partitionsConcurrently }),
    ),
    sessionTimeoutMs: variable(
      `${prefix}_SESSION_TIMEOUT`,
      duration({
        desc: `Kafka session timeout of the ${what} consumer: how long a crashed instance holds its partitions`,
        default: d.sessionTimeoutMs,
      }),
    ),
  };
}

/** One handler's loaded settings. */
export type ConsumerSettings = ConfigValues<ReturnType<typeof consumerConfig>>;
