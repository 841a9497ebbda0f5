import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import { defineConfig, variable } from './define-config';
import {
  databaseConfig,
  httpConfig,
  kafkaConfig,
  logConfig,
  registryConfig,
  serviceIdentity,
} from './platform.config';
import { renderConfigTable } from './render-config-table';
import { brokers, port, str } from './validators';

void describe('renderConfigTable', () => {
  void it('renders name, description, default and sensitivity, one row per variable', () => {
    const table = renderConfigTable(
      defineConfig({
        brokers: variable(
          'KAFKA_BROKERS',
          brokers({ desc: 'Kafka bootstrap servers', example: 'k:9092', devDefault: ['k:9092'] }),
        ),
        port: variable('HTTP_PORT', port({ desc: 'Listen port', default: 3000 })),
        token: variable('API_TOKEN', str({ desc: 'Token | secret', default: 'dev-token' }), {
          sensitive: true,
        }),
        user: variable('API_USER', str({ desc: 'User', default: undefined })),
        name: variable('NAME', str({ desc: 'Name' })),
      }),
    );
    assert.equal(
      table,
      [
        '| Variable | Description | Default | Sensitive |',
        '| --- | --- | --- | --- |',
        '| `KAFKA_BROKERS` | Kafka bootstrap servers (e.g. `k:9092`) | **required** in production; `k:9092` otherwise |  |',
        '| `HTTP_PORT` | Listen port | `3000` |  |',
        '| `API_TOKEN` | Token \\| secret | `dev-token` | yes |',
        '| `API_USER` | User | optional |  |',
        '| `NAME` | Name | **required** |  |',
      ].join('\n'),
    );
  });

  void it('is what the library README shows for the platform fragments', () => {
    const table = renderConfigTable(
      defineConfig({
        ...serviceIdentity({ name: '<service>' }),
        ...kafkaConfig({ clientId: '<service>' }),
        ...registryConfig(),
        ...databaseConfig({ schema: 'service_schema' }),
        ...httpConfig({ port: 3000 }),
        ...logConfig(),
      }),
    );
    const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
    assert.ok(readme.includes(table), `README.md is stale; paste:\n${table}`);
  });
});
