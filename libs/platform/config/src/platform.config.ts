// Spec fragments every service composes: `defineConfig({ ...serviceIdentity({ name: 'order-intake' }),
// ...kafkaConfig({ clientId: 'order-intake' }), ... })`. Each fragment owns one top-level key.
// Endpoints of the local stack are devDefaults: a local run needs no environment, production
// (NODE_ENV=production) must name its Kafka, registry and database.
import { variable } from './define-config';
import {
  bool,
  brokers,
  duration,
  httpUrl,
  intInRange,
  oneOf,
  parsedBy,
  port,
  postgresUrl,
  sqlIdentifier,
  str,
} from './validators';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

export const SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;

export function serviceIdentity(defaults: { name: string; sourceSystem?: string }) {
  return {
    service: {
      name: variable(
        'SERVICE_NAME',
        str({
          desc: 'Service name in logs, metrics (`service` label) and Kafka client ids',
          default: defaults.name,
        }),
      ),
      sourceSystem: variable(
        'SOURCE_SYSTEM',
        str({
          desc: 'Value of the source-system header on the records this service produces',
          default: defaults.sourceSystem ?? 'tradewind',
        }),
      ),
    },
  };
}

export function kafkaConfig(defaults: { clientId: string }) {
  const saslEnabled = (env: Record<string, unknown>): boolean => env.KAFKA_SASL_MECHANISM !== undefined;
  return {
    kafka: {
      brokers: variable(
        'KAFKA_BROKERS',
        brokers({
          desc: 'Kafka bootstrap servers',
          example: '127.0.0.1:9092',
          devDefault: ['127.0.0.1:9092'],
        }),
      ),
      clientId: variable(
        'KAFKA_CLIENT_ID',
        str({ desc: 'Client id presented to the brokers', default: defaults.clientId }),
      ),
      connectionTimeoutMs: variable(
        'KAFKA_CONNECTION_TIMEOUT',
        duration({ desc: 'Time allowed to open a broker connection', default: 3_000 }),
      ),
      ssl: variable('KAFKA_SSL', bool({ desc: 'Connect to the brokers over TLS', default: false })),
      producerLingerMs: variable(
        'KAFKA_PRODUCER_LINGER',
        duration({
          desc: "How long the producer gathers records into one produce request (Kafka's linger.ms)",
          default: 2,
        }),
      ),
      newGroupStartAt: variable(
        'KAFKA_NEW_GROUP_START_AT',
        parsedBy(parseInstant)({
          desc: 'Where a consumer group starts on a partition it has never committed: an ISO 8601 instant (its records from then on); unset: each topic from the beginning',
          default: undefined,
        }),
      ),
      sasl: {
        mechanism: variable(
          'KAFKA_SASL_MECHANISM',
          oneOf(SASL_MECHANISMS)({
            desc: `SASL mechanism (${SASL_MECHANISMS.join(', ')}); unset: no SASL`,
            default: undefined,
          }),
        ),
        username: variable(
          'KAFKA_SASL_USERNAME',
          str({ desc: 'SASL user name', default: undefined, requiredWhen: saslEnabled }),
        ),
        password: variable(
          'KAFKA_SASL_PASSWORD',
          str({ desc: 'SASL password', default: undefined, requiredWhen: saslEnabled }),
          { sensitive: true },
        ),
      },
    },
  };
}

export function registryConfig() {
  return {
    registry: {
      url: variable(
        'SCHEMA_REGISTRY_URL',
        httpUrl({
          desc: 'Confluent-compatible schema registry base URL',
          example: 'http://127.0.0.1:8081/apis/ccompat/v7',
          devDefault: 'http://127.0.0.1:8081/apis/ccompat/v7',
        }),
      ),
      username: variable(
        'SCHEMA_REGISTRY_USERNAME',
        str({ desc: 'Registry basic-auth user name', default: undefined }),
      ),
      password: variable(
        'SCHEMA_REGISTRY_PASSWORD',
        str({
          desc: 'Registry basic-auth password',
          default: undefined,
          requiredWhen: (env) => env.SCHEMA_REGISTRY_USERNAME !== undefined,
        }),
        { sensitive: true },
      ),
    },
  };
}

/** @param defaults.schema the PostgreSQL schema this service owns (one per service). */
export function databaseConfig(defaults: { schema: string; poolSize?: number }) {
  return {
    database: {
      url: variable(
        'DATABASE_URL',
        postgresUrl({
          desc: 'PostgreSQL connection URL',
          example: 'postgres://user:password@db:5432/tradewind',
          devDefault: 'postgres://postgres@127.0.0.1:5432/tradewind',
        }),
        // It normally carries the password.
        { sensitive: true },
      ),
      schema: variable(
        'DATABASE_SCHEMA',
        sqlIdentifier({ desc: "PostgreSQL schema holding this service's tables", default: defaults.schema }),
      ),
      poolSize: variable(
        'DATABASE_POOL_SIZE',
        intInRange(1, 200)({ desc: 'Maximum connections in the pool', default: defaults.poolSize ?? 10 }),
      ),
    },
  };
}

export function httpConfig(defaults: { port: number }) {
  return {
    http: {
      port: variable(
        'HTTP_PORT',
        port({ desc: 'HTTP listen port (0: any free port)', default: defaults.port }),
      ),
      host: variable(
        'HTTP_HOST',
        str({ desc: 'HTTP listen address (0.0.0.0 in containers)', default: '127.0.0.1' }),
      ),
    },
  };
}

export function logConfig() {
  return {
    log: {
      level: variable(
        'LOG_LEVEL',
        oneOf(LOG_LEVELS)({ desc: `Lowest level written (${LOG_LEVELS.join(', ')})`, default: 'info' }),
      ),
    },
  };
}

/** An ISO 8601 instant with its zone (`2026-12-01T08:00:00Z`), as epoch milliseconds. */
function parseInstant(input: string): number {
  const ms = Date.parse(input);
  if (!/^\d{4}-\d{2}-\d{2}T.*(Z|[+-]\d{2}:\d{2})$/.test(input) || Number.isNaN(ms)) {
    throw new Error('is not an ISO 8601 instant with a zone (2026-12-01T08:00:00Z)');
  }
  return ms;
}
