import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import { type INestApplication, Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { defineConfig, loadConfig } from '@tradewind/config';
import { type AuditEvent, type OpsException, TOPICS } from '@tradewind/contracts';
import { type ConsumedRecord, HEADER } from '@tradewind/messaging';
import { consumerConfig, KafkaHandler } from '@tradewind/messaging-nest';
import { OutboxWriter, withTransaction } from '@tradewind/persistence';
import { expectEventually, testStack, uniqueName } from '@tradewind/testing';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';

import { InboxRetention } from './inbox-retention.service';
import { platformConfig } from './platform-config';
import { ServiceKitModule } from './service-kit.module';

const received: ConsumedRecord<AuditEvent>[] = [];
const exceptions: ConsumedRecord<OpsException>[] = [];
const groupId = uniqueName('service-kit');

@Injectable()
class AuditListener {
  @KafkaHandler(TOPICS.opsAudit, { settings: 'audit' })
  onAudit(record: ConsumedRecord<AuditEvent>): Promise<void> {
    received.push(record);
    return Promise.resolve();
  }

  @KafkaHandler(TOPICS.opsExceptions, { settings: 'exceptions' })
  onException(record: ConsumedRecord<OpsException>): Promise<void> {
    exceptions.push(record);
    return Promise.resolve();
  }
}

function auditEvent(auditId: string, partnerId: string, reason: string | null = null): AuditEvent {
  return {
    auditId,
    occurredAt: Date.now(),
    partnerId,
    principal: null,
    action: 'document.submit',
    documentType: 'sales-order',
    trackingId: null,
    sizeBytes: 10,
    sha256: null,
    outcome: 'accepted',
    httpStatus: 202,
    policy: null,
    reason,
    remoteAddress: null,
    count: 1,
  };
}

describe('ServiceKitModule wires a service to the real Kafka, registry and PostgreSQL', () => {
  const stack = testStack();
  const schema = uniqueName('kit');
  let app: INestApplication;

  before(async () => {
    const spec = defineConfig({
      ...platformConfig({ name: 'kit-itest', port: 0, schema }),
      consumers: {
        audit: consumerConfig('KIT_AUDIT', TOPICS.opsAudit),
        exceptions: consumerConfig('KIT_EXCEPTIONS', TOPICS.opsExceptions),
      },
    });
    // The groups come from the config like a deployed service's (unique: the broker is shared).
    const config = loadConfig(spec, {
      KIT_AUDIT_GROUP: groupId,
      KIT_EXCEPTIONS_GROUP: `${groupId}-exceptions`,
      KAFKA_BROKERS: stack.kafkaBrokers.join(','),
      SCHEMA_REGISTRY_URL: stack.registryUrl,
      DATABASE_URL: stack.databaseUrl,
      LOG_LEVEL: 'warn',
    });
    @Module({
      imports: [ServiceKitModule.forRoot({ config: config.values, outbox: true })],
      providers: [AuditListener],
    })
    class TestModule {}
    app = await NestFactory.create(TestModule, { logger: false });
    await app.listen(0, '127.0.0.1');
  });

  after(async () => {
    await app.close();
    const pool = new Pool({ connectionString: stack.databaseUrl });
    await pool.query(`drop schema if exists "${schema}" cascade`);
    await pool.end();
  });

  it('publishes an outbox row committed with a business change, and the handler sees it once', async () => {
    const dataSource = app.get(DataSource);
    const outbox = app.get(OutboxWriter);
    const auditId = randomUUID();
    const event: AuditEvent = {
      auditId,
      occurredAt: Date.now(),
      partnerId: 'kit-test',
      principal: null,
      action: 'document.submit',
      documentType: 'sales-order',
      trackingId: null,
      sizeBytes: 10,
      sha256: null,
      outcome: 'accepted',
      httpStatus: 202,
      policy: null,
      reason: null,
      remoteAddress: null,
      count: 1,
    };
    const { messageId } = await withTransaction(dataSource, (manager) =>
      outbox.enqueue(manager, { topic: TOPICS.opsAudit, key: 'kit-test', value: event }),
    );
    const record = await expectEventually(
      () => {
        const match = received.find((r) => r.value.auditId === auditId);
        assert.ok(match);
        return match;
      },
      { timeoutMs: 30_000 },
    );
    assert.equal(record.headers[HEADER.messageId], messageId);
    assert.equal(record.headers[HEADER.sourceSystem], 'kit-itest');
    assert.equal(received.filter((r) => r.value.auditId === auditId).length, 1);
  });

  it('reports an outbox row larger than the broker accepts to ops.exceptions and publishes the rows after it', async () => {
    const dataSource = app.get(DataSource);
    const outbox = app.get(OutboxWriter);
    const key = uniqueName('kit-oversized');
    const ids = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    const enqueued = await withTransaction(dataSource, (manager) =>
      outbox.enqueueAll(
        manager,
        ids.map((auditId, i) => ({
          topic: TOPICS.opsAudit,
          key,
          // The second row is over the broker's 1 MiB message.max.bytes: it used to stop the outbox.
          value: auditEvent(auditId, 'kit-test', i === 1 ? 'x'.repeat(1_500_000) : null),
        })),
      ),
    );
    await expectEventually(
      () =>
        assert.deepEqual(
          received.filter((r) => r.key === key).map((r) => r.value.auditId),
          [ids[0], ids[2], ids[3]],
        ),
      { timeoutMs: 30_000, description: 'the rows around the oversized one reach the topic, in order' },
    );
    const reported = await expectEventually(
      () => {
        const match = exceptions.find((r) => r.value.sourceKey === key);
        assert.ok(match);
        return match.value;
      },
      { timeoutMs: 30_000, description: 'the oversized row is reported' },
    );
    assert.equal(reported.code, 'RECORD_TOO_LARGE');
    assert.equal(reported.sourceTopic, TOPICS.opsAudit);
    assert.equal(reported.sourceOffset, `outbox:${enqueued[1].id}`);
    const rows = await dataSource.query<
      { id: string; published: boolean; undeliverable_reason: string | null }[]
    >(
      `SELECT id::text AS id, published_at IS NOT NULL AS published, undeliverable_reason
         FROM "${schema}".outbox_message WHERE id = ANY ($1::bigint[]) ORDER BY id`,
      [enqueued.map((e) => e.id)],
    );
    assert.deepEqual(
      rows.map((r) => r.published),
      [true, true, true, true],
    );
    assert.deepEqual(
      rows.map((r) => r.undeliverable_reason !== null),
      [false, true, false, false],
    );
  });

  it('is ready only when Kafka, the registry and PostgreSQL answer', async () => {
    const response = await fetch(`${await app.getUrl()}/health/ready`);
    assert.equal(response.status, 200);
    const metrics = await (await fetch(`${await app.getUrl()}/metrics`)).text();
    assert.match(metrics, /tradewind_messages_consumed_total\{.*outcome="success"/);
    assert.match(metrics, /tradewind_outbox_published_total/);
  });

  it("purges every service's old inbox marks (no service wires its own)", () => {
    assert.ok(app.get(InboxRetention) instanceof InboxRetention);
  });
});
