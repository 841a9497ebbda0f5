// ops-console in process against the real Kafka, registry and PostgreSQL: ops.exceptions records become
// queue rows (once), a newer version supersedes an older one, a success on orders.state resolves the key
// (also for an exception that arrives after it), and the actions write their history, ops.audit and the
// replayed correction through the outbox, once.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadConfig } from '@tradewind/config';
import {
  type AuditEvent,
  ExceptionKind,
  type IngressDocument,
  type OpsException,
  OrderStatus,
  type SalesOrderState,
  TOPICS,
  type TopicValueMap,
} from '@tradewind/contracts';
import { createKafka, deadLetterTopicOf, HEADER, retryTopicOf, TypedProducer } from '@tradewind/messaging';
import { defaultConsumerGroup } from '@tradewind/messaging-nest';
import { loadPartnerCatalog } from '@tradewind/partner-catalog';
import { DocumentFormat, parseSalesOrders } from '@tradewind/partner-documents';
import { expectEventually, newGroupsStartNow, testStack, uniqueName } from '@tradewind/testing';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';

import { ExceptionActions } from './actions/exception-actions.service';
import { AppModule } from './app.module';
import { ConsoleRole } from './auth/console-user';
import { opsConsoleConfig } from './ops-console.config';
import { ConsoleErrorCode } from './ops-console.exception';
import { ExceptionsRepository } from './store/exceptions.repository';

const root = join(__dirname, '../../..');
const stack = testStack();
const serviceName = uniqueName('ops-console-it');
const schema = uniqueName('ops_console_it');
const consumed = [TOPICS.opsExceptions, TOPICS.opsAudit, TOPICS.ordersState, TOPICS.partnersOutbound];
const bea = { id: 'bea', name: 'Bea', roles: [ConsoleRole.Business], workflows: ['order'] };

function rejection(key: string, version: number, record: unknown = null): OpsException {
  return {
    exceptionId: randomUUID(),
    kind: ExceptionKind.Business,
    code: 'UNKNOWN_SKU',
    message: `order ${key} rejected`,
    service: 'order-intake.ingress.documents',
    sourceTopic: TOPICS.ingressDocuments,
    sourcePartition: 0,
    sourceOffset: String(version),
    sourceKey: key,
    partnerId: 'acme-portal',
    correlationId: null,
    details: [{ code: 'UNKNOWN_SKU', message: 'AC-DOES-NOT-EXIST is not known', location: '/lines/0/sku' }],
    occurredAt: Date.now(),
    workflow: 'order',
    documentType: 'sales-order',
    businessKey: key,
    documentId: randomUUID(),
    documentVersion: version,
    record: record === null ? null : JSON.stringify(record),
  };
}

function state(orderId: string, version: number, status: OrderStatus): SalesOrderState {
  const [partnerId, poNumber] = orderId.split('/');
  return {
    orderId,
    partnerId,
    poNumber,
    status,
    version,
    documentIds: [],
    customerRef: null,
    odooPartnerId: null,
    currency: 'USD',
    lines: [],
    rejectionReasons: [],
    odooExternalId: `tradewind.so_${partnerId}_${poNumber}`,
    odooOrderId: 42,
    updatedAt: Date.now(),
    duplicateDocumentIds: [],
  };
}

describe('ops-console with the real Kafka, registry and PostgreSQL', () => {
  let app: INestApplication;
  let producer: TypedProducer<TopicValueMap>;
  let repository: ExceptionsRepository;
  let dataSource: DataSource;

  before(async () => {
    const config = loadConfig(opsConsoleConfig, {
      SERVICE_NAME: serviceName,
      KAFKA_BROKERS: stack.kafkaBrokers.join(','),
      KAFKA_NEW_GROUP_START_AT: newGroupsStartNow(),
      SCHEMA_REGISTRY_URL: stack.registryUrl,
      DATABASE_URL: stack.databaseUrl,
      DATABASE_SCHEMA: schema,
      DATABASE_POOL_SIZE: '4',
      HTTP_PORT: '0',
      LOG_LEVEL: 'warn',
      OPS_CONSOLE_USERS_FILE: join(root, 'config/ops-console/users.local.json'),
      PARTNER_CATALOG_DIR: join(root, 'config/partners'),
      OPS_DEAD_LETTERS_DISCOVER_EVERY: '10m',
    });
    app = await NestFactory.create(AppModule.forRoot(config.values), { logger: false });
    await app.listen(0, '127.0.0.1');
    producer = app.get(TypedProducer);
    repository = app.get(ExceptionsRepository);
    dataSource = app.get(DataSource);
  });

  after(async () => {
    await app?.close();
    const kafka = createKafka({ brokers: stack.kafkaBrokers, clientId: `${serviceName}-cleanup` });
    const admin = kafka.admin();
    await admin.connect();
    for (const topic of consumed) {
      const group = defaultConsumerGroup(serviceName, topic);
      await admin
        .deleteTopics({ topics: [retryTopicOf(topic, group), deadLetterTopicOf(topic, group)] })
        .catch(() => undefined);
      await admin.deleteGroups([group, `${group}.retry`]).catch(() => undefined);
    }
    await admin.deleteGroups([`${serviceName}.dlq`]).catch(() => undefined);
    await admin.disconnect();
    const pool = new Pool({ connectionString: stack.databaseUrl });
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  });

  const stateOf = async (id: string): Promise<string | undefined> =>
    (await repository.get(dataSource.manager, id))?.state;

  it('supersedes an older version, resolves on a later success, and stores a late exception resolved', async () => {
    const key = `acme-portal/IT-${serviceName}`;
    const first = rejection(key, 2);
    const second = rejection(key, 4);
    await producer.send(TOPICS.opsExceptions, [
      { key, value: first, headers: { [HEADER.messageId]: first.exceptionId } },
      // Delivered twice: still one row.
      { key, value: first, headers: { [HEADER.messageId]: first.exceptionId } },
    ]);
    await expectEventually(async () => assert.equal(await stateOf(first.exceptionId), 'open'), {
      timeoutMs: 60_000,
    });
    await producer.send(TOPICS.opsExceptions, [{ key, value: second }]);
    await expectEventually(async () => assert.equal(await stateOf(first.exceptionId), 'superseded'), {
      timeoutMs: 20_000,
    });
    assert.equal(
      (await repository.get(dataSource.manager, first.exceptionId))?.supersededBy,
      second.exceptionId,
    );
    assert.equal(await stateOf(second.exceptionId), 'open');

    await producer.send(TOPICS.ordersState, [{ key, value: state(key, 6, OrderStatus.Confirmed) }]);
    await expectEventually(async () => assert.equal(await stateOf(second.exceptionId), 'resolved'), {
      timeoutMs: 30_000,
    });
    const late = rejection(key, 5);
    await producer.send(TOPICS.opsExceptions, [{ key, value: late }]);
    await expectEventually(async () => assert.equal(await stateOf(late.exceptionId), 'resolved'), {
      timeoutMs: 20_000,
    });
    const history = await repository.events(dataSource.manager, second.exceptionId);
    assert.deepEqual(
      history.map((e) => e.action),
      ['received', 'auto-resolved'],
    );
    const [{ n }] = await dataSource.query<{ n: string }[]>(
      'SELECT count(*) AS n FROM exceptions WHERE business_key = $1',
      [key],
    );
    assert.equal(Number(n), 3);
  });

  it('bulk-discards what the user may discard and reports the rest', async () => {
    const a = rejection(`acme-portal/IT-${serviceName}-B1`, 1);
    const b = rejection(`acme-portal/IT-${serviceName}-B2`, 1);
    const technical: OpsException = {
      ...rejection(`x/IT-${serviceName}-B3`, 1),
      kind: ExceptionKind.DeadLetter,
      workflow: null,
    };
    await producer.send(
      TOPICS.opsExceptions,
      [a, b, technical].map((value) => ({ key: value.sourceKey, value })),
    );
    await expectEventually(
      async () => {
        for (const e of [a, b, technical]) assert.equal(await stateOf(e.exceptionId), 'open');
      },
      { timeoutMs: 30_000 },
    );
    const results = await app
      .get(ExceptionActions)
      .bulk(
        bea,
        [a.exceptionId, b.exceptionId, technical.exceptionId],
        'discard',
        'duplicates of a test upload',
      );
    assert.deepEqual(
      results.map((r) => r.ok),
      [true, true, false],
    );
    assert.match(results[2].result, /technical queue/);
    assert.deepEqual(
      [await stateOf(a.exceptionId), await stateOf(b.exceptionId), await stateOf(technical.exceptionId)],
      ['discarded', 'discarded', 'open'],
    );
  });

  it('replays a correction once, and audits it, through the outbox', async () => {
    const text = readFileSync(join(root, 'config/partners/examples/acme-portal.sales-order.json'), 'utf8')
      .replace('ACME-PO-7781', `IT-${serviceName}-C`)
      .replace('"AC-BOLT-M8"', '"AC-DOES-NOT-EXIST"');
    const catalog = loadPartnerCatalog(join(root, 'config/partners'));
    const order = parseSalesOrders(DocumentFormat.Json, Buffer.from(text), catalog.layoutOf('acme-portal'))
      .orders[0];
    const key = `acme-portal/${order.poNumber}`;
    const exception = rejection(key, 3, order);
    await producer.send(TOPICS.opsExceptions, [{ key, value: exception }]);
    await expectEventually(async () => assert.equal(await stateOf(exception.exceptionId), 'open'), {
      timeoutMs: 30_000,
    });

    const actions = app.get(ExceptionActions);
    await assert.rejects(actions.correct(bea, exception.exceptionId, {}, 'nothing changed'), {
      code: ConsoleErrorCode.InvalidInput,
    });
    await assert.rejects(
      actions.correct(bea, exception.exceptionId, { 'lines.0.item': 'AC-STILL-WRONG' }, 'wrong fix'),
      { code: ConsoleErrorCode.InvalidInput },
    );
    const done = await actions.correct(
      bea,
      exception.exceptionId,
      { 'lines.0.item': 'AC-BOLT-M8' },
      'Acme confirmed the SKU',
    );
    assert.equal(done.outcome, 'done');
    await assert.rejects(
      actions.correct(bea, exception.exceptionId, { 'lines.0.item': 'AC-NUT-M8' }, 'again'),
      {
        code: ConsoleErrorCode.InvalidState,
      },
    );
    const ada = { id: 'ada', name: 'Ada', roles: [ConsoleRole.Auditor], workflows: [] };
    await assert.rejects(actions.discard(ada, exception.exceptionId, 'auditors cannot'), {
      code: ConsoleErrorCode.Forbidden,
    });

    const rows = await dataSource.query<{ topic: string; value: unknown; published_at: Date | null }[]>(
      `SELECT topic, value, published_at FROM outbox_message ORDER BY id`,
    );
    const replays = rows
      .filter((r) => r.topic === TOPICS.ingressDocuments)
      .map((r) => r.value as IngressDocument);
    assert.equal(replays.length, 1);
    assert.equal(replays[0].correction?.exceptionId, exception.exceptionId);
    assert.match(replays[0].correction?.record ?? '', /AC-BOLT-M8/);
    const audits = rows.filter((r) => r.topic === TOPICS.opsAudit).map((r) => r.value as AuditEvent);
    assert.deepEqual(
      audits
        .filter((a) => a.reason?.includes(exception.exceptionId))
        .map((a) => [a.action, a.principal, a.outcome]),
      [
        ['console.correct', 'ops-console:bea', 'replayed'],
        ['console.discard', 'ops-console:ada', 'denied'],
      ],
    );
    await expectEventually(
      async () => {
        const [{ pending }] = await dataSource.query<{ pending: string }[]>(
          'SELECT count(*) AS pending FROM outbox_message WHERE published_at IS NULL',
        );
        assert.equal(Number(pending), 0);
      },
      { timeoutMs: 20_000, description: 'the outbox relayed to Kafka' },
    );
    assert.equal(await stateOf(exception.exceptionId), 'in_progress');
  });
});
