import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import { type INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadConfig } from '@tradewind/config';
import { type AuditEvent, TOPIC_CATALOG, TOPICS } from '@tradewind/contracts';
import { AvroSerde } from '@tradewind/messaging';
import {
  SECURED_REGISTRY_PASSWORD,
  SECURED_REGISTRY_USER,
  type SecuredRegistry,
  securedRegistry,
  testStack,
  uniqueName,
} from '@tradewind/testing';
import { Pool } from 'pg';

import { platformConfig } from './platform-config';
import { ServiceKitModule } from './service-kit.module';

const USER = SECURED_REGISTRY_USER;
const PASSWORD = SECURED_REGISTRY_PASSWORD;

describe('a service against a registry that demands basic auth', () => {
  const stack = testStack();
  const schema = uniqueName('kit_auth');
  let app: INestApplication;
  let registry: SecuredRegistry;

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
    await registry.close();
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
