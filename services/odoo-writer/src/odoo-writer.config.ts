// The odoo-writer's configuration: the platform's variables plus Odoo's endpoint and credentials (this
// is the only service holding write credentials), and the knobs that protect Odoo.
import {
  type ConfigValues,
  defineConfig,
  duration,
  intInRange,
  num,
  oneOf,
  str,
  variable,
} from '@tradewind/config';
import { TOPICS } from '@tradewind/contracts';
import { consumerConfig } from '@tradewind/messaging-nest';
import { odooConnectionConfig } from '@tradewind/odoo-client';
import { platformConfig } from '@tradewind/service-kit';

/** Where the fault injector stops the process (tests prove a replay from each point writes once). */
export const CRASH_POINTS = ['before-call', 'during-call', 'after-call', 'after-commit'] as const;
export type CrashPoint = (typeof CRASH_POINTS)[number];

export const odooWriterConfig = defineConfig({
  ...platformConfig({ name: 'odoo-writer', port: 3030, schema: 'odoo_writer' }),
  odoo: odooConnectionConfig({ access: 'write', timeoutMs: 30_000 }),
  limits: {
    maxConcurrency: variable(
      'ODOO_MAX_CONCURRENCY',
      intInRange(
        1,
        256,
      )({ desc: 'Upper bound of Odoo calls in flight (the adaptive limit never exceeds it)', default: 8 }),
    ),
    minConcurrency: variable(
      'ODOO_MIN_CONCURRENCY',
      intInRange(1, 256)({ desc: 'Lower bound of the adaptive concurrency limit', default: 1 }),
    ),
    initialConcurrency: variable(
      'ODOO_INITIAL_CONCURRENCY',
      intInRange(
        1,
        256,
      )({ desc: 'Concurrency limit at start-up, raised additively while Odoo stays healthy', default: 2 }),
    ),
    latencyTolerance: variable(
      'ODOO_LATENCY_TOLERANCE',
      num({
        desc: 'Recent call latency above this multiple of the baseline counts as overload (multiplicative decrease)',
        default: 2.5,
      }),
    ),
  },
  batching: {
    maxRecords: variable(
      'ODOO_BATCH_MAX_RECORDS',
      intInRange(
        1,
        1000,
      )({ desc: 'Most commands sent to Odoo in one call (one load, one action call)', default: 50 }),
    ),
    lingerMs: variable(
      'ODOO_BATCH_LINGER',
      duration({ desc: 'How long a command waits for others to share its Odoo call', default: 10 }),
    ),
  },
  retry: {
    attempts: variable(
      'ODOO_RETRY_ATTEMPTS',
      intInRange(
        1,
        20,
      )({
        desc: 'Attempts of a technical failure inside the writer before the record goes to the retry topic',
        default: 4,
      }),
    ),
    maxUncounted: variable(
      'ODOO_RETRY_MAX_UNCOUNTED',
      intInRange(
        0,
        1_000,
      )({
        desc: 'Retries of Odoo outage failures while the circuit breaker is not closed that use up no attempt, at most',
        default: 20,
      }),
    ),
    baseDelayMs: variable(
      'ODOO_RETRY_BASE_DELAY',
      duration({
        desc: 'First backoff after a technical failure (doubles each attempt, with jitter)',
        default: 250,
      }),
    ),
    maxDelayMs: variable(
      'ODOO_RETRY_MAX_DELAY',
      duration({ desc: 'Longest backoff between attempts', default: 5_000 }),
    ),
  },
  breaker: {
    failureRatio: variable(
      'ODOO_BREAKER_FAILURE_RATIO',
      num({ desc: 'Share of failed Odoo calls in the window that opens the circuit (0-1)', default: 0.5 }),
    ),
    minCalls: variable(
      'ODOO_BREAKER_MIN_CALLS',
      intInRange(
        1,
        10_000,
      )({ desc: 'Calls the window must hold before the failure ratio counts', default: 10 }),
    ),
    consecutiveFailures: variable(
      'ODOO_BREAKER_CONSECUTIVE_FAILURES',
      intInRange(
        1,
        10_000,
      )({ desc: 'Failed calls in a row that open the circuit whatever the ratio', default: 5 }),
    ),
    windowMs: variable(
      'ODOO_BREAKER_WINDOW',
      duration({ desc: 'Rolling window over which the failure ratio is computed', default: 10_000 }),
    ),
    openMs: variable(
      'ODOO_BREAKER_OPEN_FOR',
      duration({ desc: 'How long the circuit stays open before one probe call (half-open)', default: 5_000 }),
    ),
    maxOpenMs: variable(
      'ODOO_BREAKER_MAX_OPEN_FOR',
      duration({ desc: 'Longest open period (it doubles after each failed probe)', default: 30_000 }),
    ),
  },
  consumer: {
    topic: variable(
      'ODOO_COMMANDS_TOPIC',
      str({
        desc: 'Topic of the commands (tests point the writer at a topic of their own)',
        default: TOPICS.odooCommands,
      }),
    ),
    // An unset ODOO_WRITER_GROUP means SERVICE_NAME (odoo-commands.consumer.ts), as deployed. One in-process
    // attempt, long retry-topic delays: the writer already retried inside (ODOO_RETRY_*). Many keys at
    // once: the records of a batch meet in the writer's micro-batcher.
    ...consumerConfig('ODOO_WRITER', TOPICS.odooCommands, {
      groupWhenUnset: 'SERVICE_NAME',
      inProcessAttempts: 1,
      maxAttempts: 4,
      retryDelaysMs: [5_000, 30_000, 120_000],
      keyConcurrency: 100,
      partitionsConcurrently: 6,
    }),
  },
  faults: {
    crashAt: variable(
      'ODOO_WRITER_CRASH_AT',
      oneOf(CRASH_POINTS)({
        desc: `Testing only: exit(137) at this point of a write (${CRASH_POINTS.join(', ')}); unset in production`,
        default: undefined,
      }),
    ),
    crashAfter: variable(
      'ODOO_WRITER_CRASH_AFTER',
      intInRange(
        1,
        1_000_000,
      )({ desc: 'Testing only: crash at the n-th time the crash point is reached', default: 1 }),
    ),
    crashType: variable(
      'ODOO_WRITER_CRASH_TYPE',
      str({
        desc: 'Testing only: count only passages for commands of this type (e.g. confirm_sale_order)',
        default: undefined,
      }),
    ),
    crashDelayMs: variable(
      'ODOO_WRITER_CRASH_DELAY',
      duration({
        desc: 'Testing only: during-call waits this long after sending the request, then exits',
        default: 50,
      }),
    ),
  },
});

export type OdooWriterConfig = ConfigValues<typeof odooWriterConfig>;
