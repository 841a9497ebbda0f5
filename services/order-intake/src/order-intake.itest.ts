// order-intake in process against the real Kafka, registry and PostgreSQL, with the Odoo simulator for
// prices. Documents go to the shared ingress.documents (as the gateway publishes them); the odoo-writer's
// results are published by the test. Every PO number carries this run's tag, and records are matched on
// it and on this instance's service name, so other runs on the same topics do not interfere.
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadConfig } from '@tradewind/config';
import {
  type CommandType,
  ExceptionKind,
  type IngressDocument,
  type OdooCommand,
  type OdooResult,
  type OpsException,
  type OutboundDocument,
  type ResultOutcome,
  type SalesOrderState,
  TOPICS,
  type TopicValueMap,
} from '@tradewind/contracts';
import {
  AvroSerde,
  createKafka,
  deadLetterTopicOf,
  HEADER,
  retryTopicOf,
  TypedProducer,
} from '@tradewind/messaging';
import { defaultConsumerGroup } from '@tradewind/messaging-nest';
import { type OdooSimulator, startOdooSimulator } from '@tradewind/odoo-simulator';
import { type CollectedRecord, TopicCollector } from '@tradewind/partner-testing';
import {
  expectEventually,
  newGroupsStartNow,
  testStack,
  uniqueName,
  waitForQuiescence,
} from '@tradewind/testing';
import type { Kafka } from 'kafkajs';
import { Pool } from 'pg';

import { AppModule } from './app.module';
import { SalesOrderIntake } from './intake/sales-order-intake.service';
import { orderIntakeConfig } from './order-intake.config';
import { PRICE_BOOK } from './order-intake.tokens';
import { saleOrderExternalId } from './orders/order-identity';
import type { OdooPriceBook } from './pricing/odoo-price-book';
import { resultsGroupOf } from './results/odoo-results.consumer';
import { acmeOrderJson, bazaarlyCsv, globex850, ingressDocumentOf, marketHubCsv } from './test/fixtures';

const stack = testStack();
const run = randomBytes(3).toString('hex').toUpperCase();
const serviceName = uniqueName('order-intake-it');
const schema = uniqueName('order_intake_it');
const collectorGroup = uniqueName('order-intake-it-reader');

const po = (name: string) => `IT${run}-${name}`;
const isa13 = () => String(100_000_000 + Math.floor(Math.random() * 399_999_999));

interface Sent {
  documentId: string;
  partnerId: string;
  poNumber: string;
  messageId: string;
}

describe('order-intake with the real Kafka, registry, PostgreSQL and the Odoo simulator', () => {
  let simulator: OdooSimulator;
  let app: INestApplication;
  let kafka: Kafka;
  let collector: TopicCollector;
  let producer: TypedProducer<TopicValueMap>;
  const sent = new Map<string, Sent>();

  const orderId = (name: string) => `${sent.get(name)!.partnerId}/${sent.get(name)!.poNumber}`;
  const xid = (name: string) => saleOrderExternalId(sent.get(name)!.partnerId, sent.get(name)!.poNumber);
  const mine = (r: CollectedRecord) => r.headers[HEADER.sourceSystem] === serviceName;

  function states(): Map<string, SalesOrderState> {
    const latest = new Map<string, SalesOrderState>();
    for (const r of collector.of<SalesOrderState>(TOPICS.ordersState, mine)) {
      const current = latest.get(r.key!);
      if (current === undefined || current.version < r.value.version) latest.set(r.key!, r.value);
    }
    return latest;
  }
  const stateOf = (name: string) => states().get(orderId(name));
  const versionsOf = (name: string) =>
    collector
      .of<SalesOrderState>(TOPICS.ordersState, (r) => mine(r) && r.key === orderId(name))
      .map((r) => r.value.version);
  const commandsFor = (name: string) =>
    collector
      .of<OdooCommand>(TOPICS.odooCommands, (r) => r.value.issuedBy === serviceName && r.key === xid(name))
      .map((r) => r.value);
  const acksFor = (name: string) =>
    collector
      .of<OutboundDocument>(
        TOPICS.partnersOutbound,
        (r) => mine(r) && r.value.relatesTo.includes(sent.get(name)!.documentId),
      )
      .map((r) => ({ ...r.value, payload: r.value.payload as unknown as string }));

  async function publishDocument(
    name: string,
    partnerId: string,
    poNumber: string,
    format: 'json' | 'csv' | 'x12',
    text: string,
    options: {
      documentType?: string;
      interchangeRef?: string;
      messageId?: string;
      documentId?: string;
      key?: string;
      correction?: IngressDocument['correction'];
    } = {},
  ): Promise<Sent> {
    const messageId = options.messageId ?? randomUUID();
    const value: IngressDocument = {
      ...ingressDocumentOf({ partnerId, poNumber, format, text, ...options }),
      correction: options.correction ?? null,
    };
    const { documentId } = value;
    await producer.send(TOPICS.ingressDocuments, [
      {
        key: options.key ?? `${partnerId}/${value.documentType}/${poNumber}`,
        value,
        headers: {
          [HEADER.messageId]: messageId,
          [HEADER.correlationId]: documentId,
          [HEADER.partnerId]: partnerId,
        },
      },
    ]);
    const record = { documentId, partnerId, poNumber, messageId };
    sent.set(name, record);
    return record;
  }

  async function publishResult(
    name: string,
    type: CommandType,
    outcome: ResultOutcome,
    extra: Partial<OdooResult> = {},
    headers: Record<string, string> = {},
  ) {
    const command = commandsFor(name).find((c) => c.type === type)!;
    const result: OdooResult = {
      commandId: command.commandId,
      externalId: command.externalId,
      type,
      outcome,
      odooModel: outcome === 'written' || outcome === 'already_done' ? 'sale.order' : null,
      odooId: outcome === 'written' || outcome === 'already_done' ? 4242 : null,
      errorClass: null,
      errorMessage: null,
      attempts: 1,
      completedAt: Date.now(),
      ...extra,
    };
    await producer.send(TOPICS.odooResults, [{ key: command.externalId, value: result, headers }]);
  }

  before(async () => {
    simulator = await startOdooSimulator();
    kafka = createKafka({ brokers: stack.kafkaBrokers, clientId: 'order-intake-itest' });
    collector = new TopicCollector(kafka, new AvroSerde({ registryUrl: stack.registryUrl }), collectorGroup);
    await collector.start([
      TOPICS.ordersState,
      TOPICS.odooCommands,
      TOPICS.partnersOutbound,
      TOPICS.opsExceptions,
    ]);

    const config = loadConfig(orderIntakeConfig, {
      SERVICE_NAME: serviceName,
      KAFKA_BROKERS: stack.kafkaBrokers.join(','),
      // The service's groups read only what is published from now on: earlier runs' documents are not ours.
      KAFKA_NEW_GROUP_START_AT: newGroupsStartNow(),
      SCHEMA_REGISTRY_URL: stack.registryUrl,
      DATABASE_URL: stack.databaseUrl,
      DATABASE_SCHEMA: schema,
      DATABASE_POOL_SIZE: '4',
      HTTP_PORT: '0',
      LOG_LEVEL: 'warn',
      ODOO_URL: simulator.url,
      ODOO_DB: simulator.db,
      ODOO_READ_API_KEY: simulator.apiKeys.readOnly,
      ODOO_READ_LOGIN: simulator.logins.readOnly,
    });
    app = await NestFactory.create(AppModule.forRoot(config.values), { logger: false });
    await app.listen(0, '127.0.0.1');
    producer = app.get(TypedProducer);
  });

  after(async () => {
    await app?.close();
    await collector?.stop();
    await simulator?.stop();
    // What the run created in the broker: the service's derived retry/dead-letter topics and the groups.
    const admin = kafka.admin();
    await admin.connect();
    const groups = [defaultConsumerGroup(serviceName, TOPICS.ingressDocuments), resultsGroupOf(serviceName)];
    await admin
      .deleteTopics({
        topics: [
          ...groups.flatMap((group) => [
            retryTopicOf(TOPICS.ingressDocuments, group),
            deadLetterTopicOf(TOPICS.ingressDocuments, group),
            retryTopicOf(TOPICS.odooResults, group),
            deadLetterTopicOf(TOPICS.odooResults, group),
          ]),
        ],
      })
      .catch(() => undefined);
    await admin
      .deleteGroups([...groups, ...groups.map((group) => `${group}.retry`), collectorGroup])
      .catch(() => undefined);
    await admin.disconnect();
    const pool = new Pool({ connectionString: stack.databaseUrl });
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  });

  it('accepts valid JSON, CSV and X12 orders, rejects bad ones with their reasons, and recognises a resubmission', async () => {
    const a1 = await publishDocument('A1', 'acme-portal', po('A1'), 'json', acmeOrderJson(po('A1')));
    await publishDocument('M1', 'market-hub', po('M1'), 'csv', marketHubCsv(po('M1')));
    const g1 = isa13();
    await publishDocument('G1', 'globex-edi', po('G1'), 'x12', globex850(po('G1'), { isa13: g1 }), {
      interchangeRef: `${g1}/${Number(g1)}`,
    });
    // The same PO again under a new tracking id (a new Idempotency-Key at the gateway).
    const dup = await publishDocument('A1dup', 'acme-portal', po('A1'), 'json', acmeOrderJson(po('A1')));
    await publishDocument(
      'A2',
      'acme-portal',
      po('A2'),
      'json',
      acmeOrderJson(po('A2'), {
        lines: [{ lineNumber: 1, sku: 'AC-DOES-NOT-EXIST', quantity: 10, uom: 'EA', unitPrice: 0.4 }],
      }),
    );
    await publishDocument(
      'M2',
      'market-hub',
      po('M2'),
      'csv',
      marketHubCsv(po('M2'), { buyerCode: 'MH-NOWHERE' }),
    );
    const g2 = isa13();
    await publishDocument(
      'G2',
      'globex-edi',
      po('G2'),
      'x12',
      globex850(po('G2'), { isa13: g2, priceOfLine1: '1.20' }),
      {
        interchangeRef: `${g2}/${Number(g2)}`,
      },
    );
    // A stock event is inventory-sync's, not an exception here; on X1's key, so it is handled before X1.
    await publishDocument('S1', 'northwind-wms', po('S1'), 'json', '{}', {
      documentType: 'stock-event',
      key: `acme-portal/invoice/${po('X1')}`,
    });
    await publishDocument('X1', 'acme-portal', po('X1'), 'json', '{}', { documentType: 'invoice' });

    await expectEventually(
      () => {
        const s = states();
        for (const name of ['A1', 'M1', 'G1', 'A2', 'M2', 'G2'])
          assert.ok(s.has(orderId(name)), `state of ${name}`);
        assert.equal(stateOf('A1')!.version, 4, 'A1: received, validated, accepted, duplicate');
        for (const name of ['A2', 'M2', 'G2']) assert.equal(stateOf(name)!.status, 'acknowledged', name);
      },
      { timeoutMs: 90_000, description: 'every order decided' },
    );

    for (const name of ['M1', 'G1']) {
      assert.equal(stateOf(name)!.status, 'accepted');
      assert.deepEqual(versionsOf(name).sort(), [1, 2, 3]);
    }
    const a1State = stateOf('A1')!;
    assert.equal(a1State.status, 'accepted');
    assert.deepEqual(a1State.documentIds, [a1.documentId, dup.documentId]);
    assert.deepEqual(a1State.duplicateDocumentIds, [dup.documentId]);
    assert.equal(a1State.odooExternalId, xid('A1'));
    assert.deepEqual(
      a1State.lines.map((l) => [l.sku, l.quantity, l.uom]),
      [
        ['SKU-1001', 1000, 'Units'],
        ['SKU-2001', 2, 'Units'],
        ['SKU-1003', 60, 'Units'],
      ],
    );

    const reasons = (name: string) => stateOf(name)!.rejectionReasons.map((r) => [r.code, r.location]);
    assert.deepEqual(reasons('A2'), [['UNKNOWN_SKU', '/lines/0/sku']]);
    assert.deepEqual(reasons('M2'), [['UNKNOWN_CUSTOMER', 'line 2, column 3 (buyer_code)']]);
    assert.deepEqual(reasons('G2'), [
      ['PRICE_OUT_OF_TOLERANCE', 'segment 7 (PO1), element 04, byte offset 277'],
    ]);
    assert.deepEqual(versionsOf('A2').sort(), [1, 2, 3]);
    assert.deepEqual(
      collector
        .of<SalesOrderState>(TOPICS.ordersState, (r) => mine(r) && r.key === orderId('G2'))
        .map((r) => r.value.status),
      ['received', 'rejected', 'acknowledged'],
    );

    // Exactly one upsert and one confirm per accepted order, in that order; none for the others. The
    // commands reach the collector on their own topic, maybe after the states.
    await expectEventually(
      () => {
        for (const name of ['A1', 'M1', 'G1']) {
          assert.deepEqual(
            commandsFor(name).map((c) => c.type),
            ['upsert_sale_order', 'confirm_sale_order'],
            name,
          );
        }
      },
      { timeoutMs: 30_000, description: 'the accepted orders’ commands' },
    );
    for (const name of ['A2', 'M2', 'G2']) assert.deepEqual(commandsFor(name), [], name);
    const upsert = commandsFor('G1')[0].upsertSaleOrder!;
    assert.equal(upsert.partnerRef, 'tradewind.customer_globex');
    assert.equal(upsert.clientOrderRef, po('G1'));
    assert.equal(upsert.pricelistRef, 'tradewind.pricelist_b2b');
    assert.deepEqual(
      upsert.lines.map((l) => [l.productRef, l.quantity, l.priceUnit]),
      [
        ['tradewind.product_sku_1001', 500, 0.4],
        ['tradewind.product_sku_1002', 120, 0.12],
      ],
    );

    // Rejections are acknowledged at once: JSON for the portal and the marketplace, an 855 RJ for EDI.
    await expectEventually(() => {
      for (const name of ['A2', 'M2', 'G2']) assert.equal(acksFor(name).length, 1, name);
    });
    const a2Ack = JSON.parse(acksFor('A2')[0].payload) as {
      status: string;
      lines: { reasons: { code: string }[] }[];
    };
    assert.equal(acksFor('A2')[0].documentType, 'order-ack');
    assert.equal(a2Ack.status, 'rejected');
    assert.equal(a2Ack.lines[0].reasons[0].code, 'UNKNOWN_SKU');
    const m2Ack = JSON.parse(acksFor('M2')[0].payload) as { status: string; reasons: { code: string }[] };
    assert.deepEqual([m2Ack.status, m2Ack.reasons.map((r) => r.code)], ['rejected', ['UNKNOWN_CUSTOMER']]);
    const g2Ack = acksFor('G2')[0];
    assert.equal(g2Ack.documentType, 'x12-855');
    assert.match(g2Ack.payload, new RegExp(`BAK\\*00\\*RJ\\*${po('G2')}\\*`));
    assert.match(g2Ack.payload, /N9\*L1\*PRICE_OUT_OF_TOLERANCE/);
    assert.match(g2Ack.payload, /\*ZZ\*TRADEWIND\s*\*ZZ\*GLOBEXEDI\s*\*/);
    for (const name of ['A1', 'M1', 'G1'])
      assert.deepEqual(acksFor(name), [], `${name} is not acknowledged yet`);

    // A document type order-intake does not know is an exception for a person, not an order.
    await expectEventually(() => {
      const found = collector.of<OpsException>(
        TOPICS.opsExceptions,
        (r) =>
          r.value.service === defaultConsumerGroup(serviceName, TOPICS.ingressDocuments) &&
          r.value.correlationId === sent.get('X1')!.documentId,
      );
      assert.equal(found.length, 1);
      assert.equal(found[0].value.code, 'UNSUPPORTED_DOCUMENT_TYPE');
      assert.equal(found[0].value.kind, 'business');
    });
    assert.deepEqual(
      collector.of<OpsException>(
        TOPICS.opsExceptions,
        (r) =>
          r.value.service === defaultConsumerGroup(serviceName, TOPICS.ingressDocuments) &&
          r.value.correlationId === sent.get('S1')!.documentId,
      ),
      [],
      'a stock event is skipped, not an exception',
    );
  });

  it('moves accepted orders on with Odoo results: written, confirmed, then acknowledged (855 AD, JSON)', async () => {
    for (const name of ['A1', 'M1', 'G1']) {
      await publishResult(name, 'upsert_sale_order', 'written');
      await publishResult(name, 'confirm_sale_order', 'written');
    }
    await expectEventually(
      () => {
        for (const name of ['A1', 'M1', 'G1']) assert.equal(stateOf(name)!.status, 'acknowledged', name);
      },
      { timeoutMs: 60_000, description: 'accepted orders acknowledged' },
    );
    assert.deepEqual(
      collector
        .of<SalesOrderState>(TOPICS.ordersState, (r) => mine(r) && r.key === orderId('G1'))
        .map((r) => r.value.status),
      ['received', 'validated', 'accepted', 'written', 'confirmed', 'acknowledged'],
    );
    assert.equal(stateOf('G1')!.odooOrderId, 4242);
    assert.equal(stateOf('A1')!.version, 7);
    await expectEventually(() => {
      for (const name of ['A1', 'M1', 'G1']) assert.equal(acksFor(name).length, 1, name);
    });
    const g1Ack = acksFor('G1')[0];
    assert.equal(g1Ack.outboundId, `x12-855:${orderId('G1')}:accepted`);
    assert.match(g1Ack.payload, new RegExp(`BAK\\*00\\*AD\\*${po('G1')}\\*20261120\\*\\*\\*\\*4242\\*`));
    assert.match(g1Ack.payload, /ACK\*IA\*500\*EA~/);
    // One acknowledgement answers the original and its resubmission.
    const a1Ack = acksFor('A1')[0];
    assert.deepEqual(a1Ack.relatesTo, [sent.get('A1')!.documentId, sent.get('A1dup')!.documentId]);
    assert.equal((JSON.parse(a1Ack.payload) as { status: string }).status, 'accepted');
    assert.equal(acksFor('A1dup').length, 1, 'the resubmission has no acknowledgement of its own');
  });

  it('rejects an order Odoo refuses, with its message, and acknowledges the rejection', async () => {
    await publishDocument('A3', 'acme-portal', po('A3'), 'json', acmeOrderJson(po('A3')));
    await expectEventually(() => assert.equal(commandsFor('A3').length, 2), { timeoutMs: 60_000 });
    await publishResult('A3', 'upsert_sale_order', 'business_error', {
      errorClass: 'ValidationError',
      errorMessage: 'The customer is archived.',
    });
    await expectEventually(() => assert.equal(stateOf('A3')?.status, 'acknowledged'), { timeoutMs: 60_000 });
    assert.deepEqual(
      stateOf('A3')!.rejectionReasons.map((r) => [r.code, r.message]),
      [['ODOO_REJECTED', 'Odoo refused to create the order: The customer is archived.']],
    );
    await expectEventually(() => assert.equal(acksFor('A3').length, 1));
    assert.equal((JSON.parse(acksFor('A3')[0].payload) as { status: string }).status, 'rejected');
  });

  it('changes nothing on redeliveries, late results and repeated documents', async () => {
    const before = collector.records.length;
    const versions = ['A1', 'M1', 'G1', 'A3'].map((name) => stateOf(name)!.version);
    // The same record again (same message id), the same document under a new message id, late results.
    const m1 = sent.get('M1')!;
    await publishDocument('M1', 'market-hub', m1.poNumber, 'csv', marketHubCsv(m1.poNumber), {
      messageId: m1.messageId,
      documentId: m1.documentId,
    });
    await publishDocument('M1', 'market-hub', m1.poNumber, 'csv', marketHubCsv(m1.poNumber), {
      documentId: m1.documentId,
    });
    await publishResult('G1', 'upsert_sale_order', 'written');
    await publishResult('G1', 'confirm_sale_order', 'already_done');
    await publishResult('A3', 'confirm_sale_order', 'business_error', { errorMessage: 'missing sale order' });
    await waitForQuiescence(() => collector.records.length, { quietMs: 4_000, timeoutMs: 60_000 });
    assert.deepEqual(
      ['A1', 'M1', 'G1', 'A3'].map((name) => stateOf(name)!.version),
      versions,
    );
    const mineSince = collector.records.slice(before).filter(mine);
    assert.deepEqual(mineSince, [], 'no new state, command or acknowledgement');
    for (const name of ['A1', 'M1', 'G1']) assert.equal(commandsFor(name).length, 2);
  });

  it("adopts the success of the reconciler's re-drive of an order, and nothing else of commands it did not issue", async () => {
    await publishDocument('RD1', 'acme-portal', po('RD1'), 'json', acmeOrderJson(po('RD1')));
    await expectEventually(() => assert.equal(commandsFor('RD1').length, 2), { timeoutMs: 60_000 });
    // Its own commands are never answered (lost before the odoo-writer). A result of a command it did not
    // issue, and the failure of a re-drive's, leave it where it is.
    const redrive = { [HEADER.redriveId]: randomUUID() };
    await publishResult('RD1', 'upsert_sale_order', 'written', { commandId: randomUUID() });
    await publishResult('RD1', 'upsert_sale_order', 'technical_error', { commandId: randomUUID() }, redrive);
    await waitForQuiescence(() => collector.records.length, { quietMs: 4_000, timeoutMs: 60_000 });
    assert.equal(stateOf('RD1')!.status, 'accepted');
    // The re-drive's upsert and confirm succeed in Odoo: the order moves on and its partner hears of it.
    await publishResult('RD1', 'upsert_sale_order', 'written', { commandId: randomUUID() }, redrive);
    await publishResult('RD1', 'confirm_sale_order', 'written', { commandId: randomUUID() }, redrive);
    await expectEventually(() => assert.equal(stateOf('RD1')?.status, 'acknowledged'), { timeoutMs: 60_000 });
    assert.deepEqual(
      collector
        .of<SalesOrderState>(TOPICS.ordersState, (r) => mine(r) && r.key === orderId('RD1'))
        .map((r) => r.value.status),
      ['received', 'validated', 'accepted', 'written', 'confirmed', 'acknowledged'],
    );
    assert.equal(stateOf('RD1')!.odooOrderId, 4242);
    await expectEventually(() => assert.equal(acksFor('RD1').length, 1));
    assert.equal((JSON.parse(acksFor('RD1')[0].payload) as { status: string }).status, 'accepted');
    assert.equal(commandsFor('RD1').length, 2, 'order-intake issues no command of its own for it');
  });

  it('keeps one order when two submissions of a PO race: the business key is the guard', async () => {
    const intake = app.get(SalesOrderIntake);
    const poNumber = po('R1');
    const document = (documentId: string): IngressDocument => ({
      documentId,
      batchId: null,
      batchIndex: 0,
      batchSize: 1,
      partnerId: 'acme-portal',
      principal: 'acme-portal-itest',
      documentType: 'sales-order',
      format: 'json',
      contentType: 'application/json',
      businessRef: poNumber,
      interchangeRef: null,
      idempotencyKey: null,
      apiVersion: 'v1',
      receivedAt: Date.now(),
      sha256: 'not-checked-here',
      sizeBytes: 0,
      payload: Buffer.from(acmeOrderJson(poNumber)),
      claimCheckUri: null,
      correction: null,
    });
    const ids = [randomUUID(), randomUUID()];
    const outcomes = await Promise.all(
      ids.map((id) => intake.handle(document(id), { [HEADER.messageId]: randomUUID() })),
    );
    assert.deepEqual([...outcomes].sort(), ['accepted', 'duplicate']);
    const pool = new Pool({ connectionString: stack.databaseUrl });
    const { rows } = await pool.query<{ document_ids: string[]; version: string }>(
      `SELECT document_ids, version FROM "${schema}".orders WHERE partner_id = $1 AND po_number = $2`,
      ['acme-portal', poNumber],
    );
    await pool.end();
    assert.equal(rows.length, 1);
    assert.deepEqual([...rows[0].document_ids].sort(), [...ids].sort());
    assert.equal(rows[0].version, '4');
    sent.set('R1', { documentId: ids[0], partnerId: 'acme-portal', poNumber, messageId: '' });
    await expectEventually(() => assert.equal(commandsFor('R1').length, 2), { timeoutMs: 60_000 });
    await waitForQuiescence(() => commandsFor('R1').length, { quietMs: 2_000 });
    assert.equal(commandsFor('R1').length, 2);
  });

  it("maps the fourth partner's own CSV layout (configured only) onto customers and delivery addresses", async () => {
    await publishDocument('B1', 'bazaarly', po('B1'), 'csv', bazaarlyCsv(po('B1')));
    await publishDocument('B2', 'bazaarly', po('B2'), 'csv', bazaarlyCsv(po('B2'), { shipTo: 'NOWHERE' }));
    await expectEventually(
      () => {
        assert.equal(commandsFor('B1').length, 2);
        assert.equal(stateOf('B2')?.status, 'acknowledged');
      },
      { timeoutMs: 60_000, description: 'both bazaarly orders decided' },
    );
    const upsert = commandsFor('B1')[0].upsertSaleOrder!;
    assert.equal(upsert.partnerRef, 'tradewind.customer_bolt');
    assert.match(upsert.note ?? '', /ship to RIVERSIDE/);
    assert.deepEqual(
      upsert.lines.map((l) => [l.productRef, l.quantity, l.priceUnit]),
      [
        ['tradewind.product_sku_1001', 200, 0.4],
        ['tradewind.product_sku_2001', 1, 82],
      ],
    );
    assert.deepEqual(
      stateOf('B2')!.rejectionReasons.map((r) => [r.code, r.location]),
      [['UNKNOWN_SHIP_TO', 'line 2, column 7 (ship_to)']],
    );
  });

  it('exposes orders by stage and outcome, rejection reasons, time since receipt and open orders', async () => {
    const metrics = await (await fetch(`${await app.getUrl()}/metrics`)).text();
    // At least this run's documents (A1, A3, R1 accepted at acme-portal; A2 rejected; two duplicates): tests
    // running beside this one (the gateway's fuzz test) publish acme-portal orders on the same topic, which
    // this service consumes and counts too, so exact totals would depend on their timing.
    const counted = (partner: string, outcome: string): number => {
      const line = new RegExp(
        `^tradewind_transactions_total\\{workflow="sales-order",stage="validated",outcome="${outcome}",partner="${partner}"[^}]*\\} (\\d+)$`,
        'm',
      ).exec(metrics);
      return line === null ? 0 : Number(line[1]);
    };
    assert.ok(counted('acme-portal', 'accepted') >= 3, 'acme-portal accepted');
    assert.ok(counted('globex-edi', 'rejected') >= 1, 'globex-edi rejected');
    assert.ok(counted('acme-portal', 'duplicate') >= 2, 'acme-portal duplicates');
    assert.ok(counted('globex-edi', 'accepted') >= 1, 'globex-edi accepted');
    assert.match(
      metrics,
      /tradewind_transaction_rejections_total\{[^}]*stage="validated"[^}]*reason="PRICE_OUT_OF_TOLERANCE",category="business"/,
    );
    assert.match(
      metrics,
      /tradewind_transaction_stage_seconds_count\{[^}]*stage="acknowledged",outcome="accepted"/,
    );
    assert.match(
      metrics,
      /tradewind_transaction_stage_seconds_count\{[^}]*stage="written",outcome="confirmed"/,
    );
    // Read from the orders table on the scrape: the type line is there even when nothing is open.
    assert.match(metrics, /# TYPE tradewind_transactions_open gauge/);
    assert.match(metrics, /# TYPE tradewind_acknowledgements_overdue gauge/);
  });

  it('raises an intake rejection on ops.exceptions and decides its correction once: one set of commands, then the acceptance', async () => {
    const text = acmeOrderJson(po('C1')).replace('"AC-BOLT-M8"', '"AC-NOPE-M8"');
    const original = await publishDocument('C1', 'acme-portal', po('C1'), 'json', text);
    await expectEventually(() => assert.equal(stateOf('C1')?.status, 'acknowledged'), { timeoutMs: 60_000 });
    const raised = () =>
      collector
        .of<OpsException>(TOPICS.opsExceptions, (r) => r.value.businessKey === orderId('C1'))
        .map((r) => r.value);
    await expectEventually(() => assert.equal(raised().length, 1), { timeoutMs: 30_000 });
    const exception = raised()[0];
    assert.deepEqual(
      [
        exception.workflow,
        exception.documentType,
        exception.documentId,
        exception.code,
        exception.details[0].location,
      ],
      ['order', 'sales-order', original.documentId, 'UNKNOWN_SKU', '/lines/0/sku'],
    );
    const record = JSON.parse(exception.record!) as { lines: { itemIds: { value: string }[] }[] };
    record.lines[0].itemIds[0].value = 'AC-BOLT-M8';
    const correction = (id: string) => ({
      correctsDocumentId: original.documentId,
      exceptionId: id,
      correctedBy: 'itest',
      record: JSON.stringify(record),
    });
    // Two corrections (a person replays twice, or two people do): the order is decided again once.
    await publishDocument('C1c', 'acme-portal', po('C1'), 'json', JSON.stringify(record), {
      correction: correction(exception.exceptionId),
    });
    await publishDocument('C1d', 'acme-portal', po('C1'), 'json', JSON.stringify(record), {
      correction: correction(randomUUID()),
    });
    await expectEventually(() => assert.equal(commandsFor('C1').length, 2), { timeoutMs: 60_000 });
    await publishResult('C1', 'upsert_sale_order', 'written');
    await publishResult('C1', 'confirm_sale_order', 'written');
    await expectEventually(
      () =>
        assert.deepEqual(
          acksFor('C1').map((a) => (JSON.parse(a.payload) as { status: string }).status),
          ['rejected', 'accepted'],
        ),
      { timeoutMs: 60_000 },
    );
    assert.equal(stateOf('C1')?.status, 'acknowledged');
    assert.deepEqual(stateOf('C1')?.rejectionReasons, []);
    // An order Odoo refused is not the console's to correct: its correction is only a duplicate.
    const a3 = sent.get('A3')!;
    await publishDocument('A3c', 'acme-portal', a3.poNumber, 'json', acmeOrderJson(a3.poNumber), {
      correction: {
        ...correction(randomUUID()),
        correctsDocumentId: a3.documentId,
        record: JSON.stringify({ ...record, poNumber: a3.poNumber }),
      },
    });
    await waitForQuiescence(() => collector.records.length, { quietMs: 4_000, timeoutMs: 60_000 });
    assert.equal(commandsFor('C1').length, 2);
    assert.equal(commandsFor('A3').length, 2);
    assert.equal(stateOf('A3')?.status, 'acknowledged');
  });

  it('holds an order while Odoo is down for longer than the whole retry budget, and accepts it after; nothing is dead-lettered', async () => {
    // Nothing cached to stand in for Odoo: the lookup must reach it.
    app.get<OdooPriceBook>(PRICE_BOOK).clear();
    // The default policy dead-letters a failing record after about 21 s (5 attempts).
    simulator.setKnobs({ outageForMs: 25_000 });
    await publishDocument('O1', 'acme-portal', po('O1'), 'json', acmeOrderJson(po('O1')));
    await expectEventually(
      async () => {
        const metrics = await (await fetch(`${await app.getUrl()}/metrics`)).text();
        assert.match(metrics, /tradewind_consumer_dependency_unavailable\{[^}]*dependency="odoo"[^}]*\} 1\n/);
      },
      { timeoutMs: 20_000, description: 'the consumer reports Odoo unavailable' },
    );
    await expectEventually(() => assert.equal(stateOf('O1')?.status, 'accepted'), {
      timeoutMs: 90_000,
      intervalMs: 500,
    });
    assert.ok(simulator.knobs().outageUntil! <= Date.now(), 'accepted before Odoo was back');
    const group = defaultConsumerGroup(serviceName, TOPICS.ingressDocuments);
    assert.deepEqual(
      collector.of<OpsException>(
        TOPICS.opsExceptions,
        (r) => r.value.service === group && r.value.kind === ExceptionKind.DeadLetter,
      ),
      [],
    );
    const admin = kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets(deadLetterTopicOf(TOPICS.ingressDocuments, group));
    await admin.disconnect();
    assert.equal(
      offsets.reduce((n, p) => n + Number(p.high) - Number(p.low), 0),
      0,
    );
  });
});
