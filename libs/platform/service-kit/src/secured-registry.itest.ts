import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';

import { type INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadConfig } from '@tradewind/config';
import { type AuditEvent, TOPIC_CATALOG, TOPICS } from '@tradewind/contracts';
import { AvroSerde } from '@tradewind/messaging';
import { testStack, uniqueName } from '@tradewind/testing';
import { Pool } from 'pg';

import { platformConfig } from './platform-config';
import { ServiceKitModule } from './service-kit.module';

const USER = 'tradewind';
const PASSWORD = 'registry-secret';

/** The real registry behind a proxy that answers 401 to any request without the right basic auth. */
async function securedRegistry(
  target: string,
): Promise<{ server: Server; url: string; refused: () => number }> {
  const expected = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
  const origin = new URL(target).origin;
  let refused = 0;
  const server = createServer((request, response) => {
    if (request.headers.authorization !== expected) {
      refused++;
      response.writeHead(401, { 'www-authenticate': 'Basic realm="registry"' }).end();
      return;
    }
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
      fetch(`${origin}${request.url ?? '/'}`, {
        method: request.method,
        headers: { 'content-type': request.headers['content-type'] ?? 'application/json' },
        body,
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

describe('a service against a registry that demands basic auth', () => {
  const stack = testStack();
  const schema = uniqueName('kit_auth');
  let app: INestApplication;
  let registry: Awaited<ReturnType<typeof securedRegistry>>;

  before(async () => {
    registry = await securedRegistry(stack.registryUrl);
    const config = loadConfig(platformConfig({ name: 'kit-auth-itest', port: 0, schema }), {
      KAFKA_BROKERS: stack.kafkaBrokers.join(','),
      SCHEMA_REGISTRY_URL: registry.url,
      SCHEMA_REGISTRY_USERNAME: USER,
      SCHEMA_REGISTRY_PASSWORD: PASSWORD,
      DATABASE_URL: stack.databaseUrl,
      LOG_LEVEL: 'warn',
    });
    @Module({ imports: [ServiceKitModule.forRoot({ config: config.values, consume: false })] })
    class TestModule {}
    app = await NestFactory.create(TestModule, { logger: false });
    await app.listen(0, '127.0.0.1');
  });

  after(async () => {
    await app.close();
    registry.server.close();
    const pool = new Pool({ connectionString: stack.databaseUrl });
    await pool.query(`drop schema if exists "${schema}" cascade`);
    await pool.end();
  });

  it('sends the credentials with every serde lookup, not only the readiness check', async () => {
    assert.equal((await fetch(`${await app.getUrl()}/health/ready`)).status, 200);
    const serde = app.get(AvroSerde);
    const { subject, valueSchema } = TOPIC_CATALOG[TOPICS.opsAudit];
    const event: AuditEvent = {
      auditId: randomUUID(),
      occurredAt: Date.now(),
      partnerId: 'kit-auth',
      principal: null,
      action: 'document.submit',
      documentType: 'sales-order',
      trackingId: null,
      sizeBytes: 1,
      sha256: null,
      outcome: 'accepted',
      httpStatus: 202,
      count: 1,
      policy: null,
      reason: null,
      remoteAddress: null,
    };
    // Consuming fetches the writer's schema by id (bytes from another producer: nothing cached)...
    const elsewhere = await new AvroSerde({ registryUrl: stack.registryUrl }).encode(
      subject,
      valueSchema,
      event,
    );
    const decoded = await serde.decode<AuditEvent>(elsewhere, valueSchema);
    assert.equal(decoded.value.auditId, event.auditId);
    // ...and producing looks the schema's id up.
    const encoded = await serde.encode(subject, valueSchema, event);
    assert.equal(encoded.readInt32BE(1), elsewhere.readInt32BE(1));
    assert.equal(registry.refused(), 0, 'a registry request went out without credentials');
  });
});
