// `schemas register` against a secured cluster: the registry behind basic auth (the real registry behind a
// proxy that answers 401 without the right credentials), and the Kafka TLS/SASL settings read from the
// variables the services use, so the Helm hook and the compose job work where the services do.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import {
  SECURED_REGISTRY_PASSWORD,
  SECURED_REGISTRY_USER,
  type SecuredRegistry,
  securedRegistry,
  testStack,
  uniqueName,
} from '@tradewind/testing';
import { Kafka, logLevel } from 'kafkajs';

import { kafkaSecurityFromEnv, runRegister } from './register';
import { RegistryClient } from './registry-client';

const USER = SECURED_REGISTRY_USER;
const PASSWORD = SECURED_REGISTRY_PASSWORD;

void describe('schemas register on a secured cluster', () => {
  const stack = testStack();
  const topic = `${uniqueName('schemas_secured')}.parcels`;
  let schemasDir: string;
  let secured: SecuredRegistry;

  before(async () => {
    schemasDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tw-schemas-secured-'));
    fs.mkdirSync(path.join(schemasDir, 'avro'));
    fs.writeFileSync(
      path.join(schemasDir, 'avro', 'parcels.avsc'),
      JSON.stringify({
        type: 'record',
        name: 'SecuredParcel',
        namespace: 'io.tradewind.test',
        fields: [{ name: 'parcelId', type: 'string' }],
      }),
    );
    fs.writeFileSync(
      path.join(schemasDir, 'topics.yaml'),
      `defaults:\n  compatibility: BACKWARD_TRANSITIVE\n  partitions: 1\ntopics:\n  - name: ${topic}\n    owner: shipments\n    key: parcelId\n    valueSchema: avro/parcels.avsc\n    cleanupPolicy: delete\n    retentionMs: 3600000\n`,
    );
    secured = await securedRegistry(stack.registryUrl);
  });

  after(async () => {
    await secured?.close();
    const kafka = new Kafka({
      clientId: 'schemas-secured-itest',
      brokers: stack.kafkaBrokers,
      logLevel: logLevel.NOTHING,
    });
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
    await new RegistryClient(stack.registryUrl).deleteSubject(`${topic}-value`);
    fs.rmSync(schemasDir, { recursive: true, force: true });
  });

  const register = (registryAuth?: { username: string; password: string }) =>
    runRegister({
      schemasDir,
      registryUrl: secured.url,
      brokers: stack.kafkaBrokers,
      replicationFactor: 1,
      registryAuth,
    });

  void it('is refused by a registry that demands credentials when it has none', async () => {
    const result = await register();
    assert.ok(secured.refused() > 0);
    assert.match(result.problems.join('\n'), /HTTP 401/);
  });

  void it('registers through the registry with basic auth (SCHEMA_REGISTRY_USERNAME/PASSWORD)', async () => {
    const refusedBefore = secured.refused();
    const result = await register({ username: USER, password: PASSWORD });
    assert.deepEqual(result.problems, []);
    assert.equal(secured.refused(), refusedBefore, 'every request carried the credentials');
    assert.ok(
      result.changes.some((c) => c.includes(`${topic}-value`)),
      result.changes.join('\n'),
    );
    const direct = new RegistryClient(stack.registryUrl);
    assert.ok(
      await direct.lookup(
        `${topic}-value`,
        fs.readFileSync(path.join(schemasDir, 'avro', 'parcels.avsc'), 'utf8'),
      ),
    );
  });

  void it('reads Kafka TLS and SASL from the services’ variables, and refuses half a SASL setting', () => {
    assert.deepEqual(kafkaSecurityFromEnv({}), { ssl: undefined });
    assert.deepEqual(kafkaSecurityFromEnv({ KAFKA_SSL: 'false' }), { ssl: false });
    assert.deepEqual(
      kafkaSecurityFromEnv({
        KAFKA_SSL: 'true',
        KAFKA_SASL_MECHANISM: 'scram-sha-512',
        KAFKA_SASL_USERNAME: 'u',
        KAFKA_SASL_PASSWORD: 'p',
      }),
      { ssl: true, sasl: { mechanism: 'scram-sha-512', username: 'u', password: 'p' } },
    );
    assert.throws(
      () => kafkaSecurityFromEnv({ KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u' }),
      /KAFKA_SASL_PASSWORD/,
    );
    assert.throws(
      () => kafkaSecurityFromEnv({ KAFKA_SASL_MECHANISM: 'gssapi' }),
      /KAFKA_SASL_MECHANISM must be one of/,
    );
  });
});
