import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';

import { ConfigErrorCode, ConfigException } from './config.exception';
import { defineConfig, variable } from './define-config';
import { CONFIG_EXIT_CODE, type Environment, loadConfig } from './load-config';
import {
  databaseConfig,
  httpConfig,
  kafkaConfig,
  logConfig,
  registryConfig,
  serviceIdentity,
} from './platform.config';
import { jsonOf, str } from './validators';

const spec = defineConfig({
  ...serviceIdentity({ name: 'order-intake' }),
  ...kafkaConfig({ clientId: 'order-intake' }),
  ...registryConfig(),
  ...databaseConfig({ schema: 'order_intake' }),
  ...httpConfig({ port: 3010 }),
  ...logConfig(),
  orders: {
    priceTolerance: variable(
      'ORDER_PRICE_TOLERANCE',
      jsonOf<{ percent: number }>()({ desc: 'Accepted price deviation', default: { percent: 2 } }),
    ),
    apiToken: variable('ORDER_API_TOKEN', str({ desc: 'Token for the pricing API', default: undefined }), {
      sensitive: true,
    }),
  },
});

const production: Environment = {
  NODE_ENV: 'production',
  KAFKA_BROKERS: 'kafka-1:9092,kafka-2:9092',
  SCHEMA_REGISTRY_URL: 'http://registry:8081/apis/ccompat/v7',
  DATABASE_URL: 'postgres://svc:s3cret-pw@db:5432/tradewind',
};

function problems(env: Environment): readonly string[] {
  try {
    loadConfig(spec, env);
  } catch (error) {
    assert.ok(error instanceof ConfigException);
    assert.equal(error.code, ConfigErrorCode.InvalidEnvironment);
    return error.lines;
  }
  assert.fail('expected a ConfigException');
}

void describe('loadConfig', () => {
  void it('applies defaults and devDefaults when nothing is set outside production', () => {
    const { values } = loadConfig(spec, {});
    assert.deepEqual(values.kafka.brokers, ['127.0.0.1:9092']);
    assert.equal(values.kafka.clientId, 'order-intake');
    assert.equal(values.kafka.connectionTimeoutMs, 3_000);
    assert.equal(values.kafka.ssl, false);
    assert.equal(values.kafka.sasl.mechanism, undefined);
    assert.equal(values.registry.url, 'http://127.0.0.1:8081/apis/ccompat/v7');
    assert.equal(values.database.url, 'postgres://postgres@127.0.0.1:5432/tradewind');
    assert.equal(values.database.schema, 'order_intake');
    assert.equal(values.database.poolSize, 10);
    assert.deepEqual(values.http, { port: 3010, host: '127.0.0.1' });
    assert.equal(values.log.level, 'info');
    assert.deepEqual(values.service, { name: 'order-intake', sourceSystem: 'tradewind' });
    assert.deepEqual(values.orders.priceTolerance, { percent: 2 });
  });

  void it('parses values from the environment into a nested, typed config', () => {
    const { values } = loadConfig(spec, {
      ...production,
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'svc',
      KAFKA_SASL_PASSWORD: 'pw',
      HTTP_PORT: '0',
      LOG_LEVEL: 'debug',
      KAFKA_CONNECTION_TIMEOUT: '10s',
      ORDER_PRICE_TOLERANCE: '{"percent":5}',
    });
    assert.deepEqual(values.kafka.brokers, ['kafka-1:9092', 'kafka-2:9092']);
    assert.deepEqual(values.kafka.sasl, { mechanism: 'scram-sha-512', username: 'svc', password: 'pw' });
    assert.equal(values.kafka.connectionTimeoutMs, 10_000);
    assert.equal(values.http.port, 0);
    assert.equal(values.log.level, 'debug');
    assert.equal(values.orders.priceTolerance.percent, 5);
  });

  void it('names every missing variable on its own line in production', () => {
    assert.deepEqual(problems({ NODE_ENV: 'production' }), [
      'KAFKA_BROKERS: missing (Kafka bootstrap servers, e.g. 127.0.0.1:9092)',
      'SCHEMA_REGISTRY_URL: missing (Confluent-compatible schema registry base URL, e.g. http://127.0.0.1:8081/apis/ccompat/v7)',
      'DATABASE_URL: missing (PostgreSQL connection URL, e.g. postgres://user:password@db:5432/tradewind)',
    ]);
  });

  void it('names every malformed variable with the offending value, all at once', () => {
    assert.deepEqual(
      problems({
        ...production,
        HTTP_PORT: 'abc',
        KAFKA_BROKERS: 'kafka',
        LOG_LEVEL: 'loud',
        KAFKA_SSL: 'sure',
      }),
      [
        'KAFKA_BROKERS: "kafka" is not a list of host:port (e.g. 127.0.0.1:9092,kafka-2:9092)',
        'KAFKA_SSL: "sure" is not a boolean (true/false, yes/no, on/off, 1/0)',
        'HTTP_PORT: "abc" is not a port number (0-65535)',
        'LOG_LEVEL: "loud" is not one of fatal, error, warn, info, debug, trace, silent',
      ],
    );
  });

  void it('keeps each problem on one line even when the value has line breaks', () => {
    const lines = problems({ ...production, HTTP_PORT: '80\n80', ORDER_PRICE_TOLERANCE: '{\n  bad\n}' });
    assert.equal(lines.length, 2);
    for (const line of lines) assert.doesNotMatch(line, /[\r\n]/);
  });

  void it('requires dependent variables: SASL credentials once a mechanism is set', () => {
    assert.deepEqual(problems({ ...production, KAFKA_SASL_MECHANISM: 'plain' }), [
      'KAFKA_SASL_USERNAME: missing (SASL user name)',
      'KAFKA_SASL_PASSWORD: missing (SASL password)',
    ]);
  });

  void it('treats an empty variable as unset', () => {
    const { values } = loadConfig(spec, { HTTP_PORT: '', KAFKA_BROKERS: '' });
    assert.equal(values.http.port, 3010);
    assert.deepEqual(values.kafka.brokers, ['127.0.0.1:9092']);
    assert.deepEqual(problems({ ...production, KAFKA_BROKERS: '' }), [
      'KAFKA_BROKERS: missing (Kafka bootstrap servers, e.g. 127.0.0.1:9092)',
    ]);
  });

  void it('never echoes a sensitive value in an error', () => {
    const lines = problems({ ...production, DATABASE_URL: 'mysql://svc:hunter2-pw@db/tradewind' });
    assert.equal(lines.length, 1);
    assert.match(lines[0], /^DATABASE_URL: "\*\*\*\*" is not a postgres\/postgresql URL$/);
    assert.doesNotMatch(lines[0], /hunter2/);
  });

  void it('returns a deeply frozen config', () => {
    const { values } = loadConfig(spec, production);
    assert.ok(Object.isFrozen(values));
    assert.ok(Object.isFrozen(values.kafka));
    assert.ok(Object.isFrozen(values.kafka.sasl));
    assert.ok(Object.isFrozen(values.kafka.brokers));
    assert.ok(Object.isFrozen(values.orders.priceTolerance));
    assert.throws(() => {
      (values.http as { port: number }).port = 1;
    }, TypeError);
    assert.throws(() => (values.kafka.brokers as string[]).push('x'), TypeError);
  });

  void it('describes every variable with its source, masking secrets', () => {
    const config = loadConfig(spec, { ...production, KAFKA_SASL_PASSWORD: 'pw', ORDER_API_TOKEN: 'tok-123' });
    const byName = new Map(config.describe().map((entry) => [entry.name, entry]));
    assert.deepEqual(byName.get('KAFKA_BROKERS'), {
      name: 'KAFKA_BROKERS',
      path: 'kafka.brokers',
      description: 'Kafka bootstrap servers',
      value: 'kafka-1:9092,kafka-2:9092',
      source: 'environment',
      sensitive: false,
    });
    assert.equal(byName.get('DATABASE_URL')?.value, '****');
    assert.equal(byName.get('KAFKA_SASL_PASSWORD')?.value, '****');
    assert.equal(byName.get('ORDER_API_TOKEN')?.value, '****');
    assert.equal(byName.get('HTTP_PORT')?.source, 'default');
    assert.equal(byName.get('SCHEMA_REGISTRY_USERNAME')?.source, 'unset');
    assert.equal(byName.get('SCHEMA_REGISTRY_USERNAME')?.value, undefined);
    assert.equal(byName.get('ORDER_PRICE_TOLERANCE')?.value, '{"percent":2}');
    const text = JSON.stringify(config.describe());
    for (const secret of ['s3cret-pw', 'tok-123', '"pw"']) assert.ok(!text.includes(secret), secret);
  });

  void it('redacts the password of a URL even when the variable is not marked sensitive', () => {
    const urlSpec = defineConfig({ url: variable('UPSTREAM_URL', str({ desc: 'Upstream' })) });
    const [entry] = loadConfig(urlSpec, { UPSTREAM_URL: 'https://bot:t0ken@api.example.com/v1' }).describe();
    assert.equal(entry.value, 'https://bot:****@api.example.com/v1');
  });
});

void describe('defineConfig', () => {
  void it('rejects duplicate names, bad names and undocumented variables, listing each', () => {
    assert.throws(
      () =>
        defineConfig({
          a: variable('SAME', str({ desc: 'a' })),
          b: { c: variable('SAME', str({ desc: 'b' })) },
          d: variable('lower_case', str({ desc: 'd' })),
          e: variable('NO_DESC', str()),
        }),
      (error: unknown) =>
        error instanceof ConfigException &&
        error.code === ConfigErrorCode.InvalidSpec &&
        error.lines.join('\n') ===
          [
            'SAME: defined twice (a and b.c)',
            'd: "lower_case" is not an UPPER_SNAKE_CASE variable name',
            'NO_DESC: no description',
          ].join('\n'),
    );
  });
});

void describe('loadConfigOrExit', () => {
  void it('prints one line per variable to stderr and exits with EX_CONFIG', () => {
    const script = `
      const { loadConfigOrExit, kafkaConfig, httpConfig } = require('./index.ts');
      loadConfigOrExit({ ...kafkaConfig({ clientId: 'x' }), ...httpConfig({ port: 1 }) });
      console.log('not reached');`;
    const result = spawnSync(process.execPath, ['-r', '@swc-node/register', '-e', script], {
      cwd: __dirname,
      env: { PATH: process.env.PATH, NODE_ENV: 'production', HTTP_PORT: 'abc' },
      encoding: 'utf8',
    });
    assert.equal(result.status, CONFIG_EXIT_CODE);
    assert.equal(result.stdout, '');
    assert.equal(
      result.stderr,
      'KAFKA_BROKERS: missing (Kafka bootstrap servers, e.g. 127.0.0.1:9092)\n' +
        'HTTP_PORT: "abc" is not a port number (0-65535)\n',
    );
  });
});
