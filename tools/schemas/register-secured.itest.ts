// `schemas register` against a secured cluster: the registry behind basic auth (the real registry behind a
// proxy that answers 401 without the right credentials), and the Kafka TLS/SASL settings read from the
// variables the services use, so the Helm hook and the compose job work where the services do.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { testStack, uniqueName } from '@tradewind/testing';
import { Kafka, logLevel } from 'kafkajs';

import { kafkaSecurityFromEnv, runRegister } from './register';
import { RegistryClient } from './registry-client';

const USER = 'tradewind';
const PASSWORD = 'registry-secret';

/** Forwards to the real registry only what carries the expected basic auth; counts the refusals. */
async function securedRegistry(
  target: string,
): Promise<{ server: Server; url: string; refused: () => number }> {
  const expected = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
  const origin = new URL(target).origin;
  let refused = 0;
  const server = createServer((request, response) => {
    if (request.headers.authorization !== expected) {
      refused++;
      response.writeHead(401, { 'content-type': 'application/json' }).end('{"message":"unauthorized"}');
      return;
    }
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      fetch(`${origin}${request.url ?? '/'}`, {
        method: request.method,
        headers: { 'content-type': request.headers['content-type'] ?? 'application/json' },
        body: chunks.length > 0 ? Buffer.concat(chunks) : undefined,
      })
        .then(async (answer) => {
          response.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? '' });
          response.end(Buffer.from(await answer.arrayBuffer()));
        })
        .catch(() => response.writeHead(502).end());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}${new URL(target).pathname}`, refused: () => refused };
}

void describe('schemas register on a secured cluster', () => {
  const stack = testStack();
  const topic = `${uniqueName('schemas_secured')}.parcels`;
  let schemasDir: string;
  let secured: Awaited<ReturnType<typeof securedRegistry>>;

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
    secured?.server.close();
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
