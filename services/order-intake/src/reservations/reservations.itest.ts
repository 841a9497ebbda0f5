// order-intake asks inventory-sync before it accepts (RESERVATION_POLICY=reject), against the real Kafka,
// registry and PostgreSQL; the test answers as inventory-sync would, on the real topics. An order whose
// lines are all held is accepted and goes to Odoo; one with a line out of stock is rejected with
// INSUFFICIENT_STOCK in its acknowledgement, and what its other lines hold is released.
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadConfig } from '@tradewind/config';
import {
  CommandType,
  DocumentFormat,
  type OdooCommand,
  type OdooResult,
  type OutboundDocument,
  type ReservationRelease,
  type ReservationReply,
  type ReservationRequest,
  ResultOutcome,
  type SalesOrderState,
  TOPICS,
  type TopicValueMap,
} from '@tradewind/contracts';
import { AvroSerde, createKafka, HEADER, TypedProducer } from '@tradewind/messaging';
import { TopicCollector } from '@tradewind/partner-testing';
import { expectEventually, newGroupsStartNow, testStack, uniqueName } from '@tradewind/testing';
import { Pool } from 'pg';

import { AppModule } from '../app.module';
import { orderIntakeConfig } from '../order-intake.config';
import { saleOrderExternalId } from '../orders/order-identity';
import { acmeOrderJson, FixedPriceBook, ingressDocumentOf } from '../test/fixtures';

const stack = testStack();
const run = randomBytes(3).toString('hex').toUpperCase();
const serviceName = uniqueName('order-intake-res-it');
const schema = uniqueName('order_intake_res_it');
const PARTNER = 'acme-portal';

describe('order-intake with reservations (RESERVATION_POLICY=reject)', () => {
  let app: INestApplication;
  let collector: TopicCollector;
  let producer: TypedProducer<TopicValueMap>;
  const po = (name: string) => `RS${run}-${name}`;
  const orderId = (name: string) => `${PARTNER}/${po(name)}`;
  // Other tests' order-intakes read the same ingress.documents at the same time: only this one's records count.
  const mine = (r: { headers: Record<string, string> }) => r.headers[HEADER.sourceSystem] === serviceName;

  const latestState = (name: string) =>
    collector
      .of<SalesOrderState>(TOPICS.ordersState, (r) => mine(r) && r.key === orderId(name))
      .map((r) => r.value)
      .sort((a, b) => a.version - b.version)
      .at(-1);
  const requestsFor = (name: string) =>
    collector
      .of<ReservationRequest>(
        TOPICS.inventoryReservationRequests,
        (r) => mine(r) && r.value.orderId === orderId(name),
      )
      .map((r) => r.value);

  async function publishOrder(name: string): Promise<string> {
    const value = ingressDocumentOf({
      partnerId: PARTNER,
      poNumber: po(name),
      format: DocumentFormat.Json,
      text: acmeOrderJson(po(name)),
    });
    const { documentId } = value;
    await producer.send(TOPICS.ingressDocuments, [
      {
        key: `${PARTNER}/sales-order/${po(name)}`,
        value,
        headers: { [HEADER.messageId]: randomUUID(), [HEADER.correlationId]: documentId },
      },
    ]);
    return documentId;
  }

  /** inventory-sync's answer: every line of the order's requests, with the outcome `outcomeOf` gives. */
  function replyTo(
    name: string,
    outcomeOf: (lineNo: number) => 'reserved' | 'insufficient_stock',
  ): ReservationReply {
    const lines = requestsFor(name).flatMap((r) =>
      r.lines.map((l) => {
        const outcome = outcomeOf(l.lineNo);
        return {
          lineNo: l.lineNo,
          sku: r.sku,
          requested: l.quantity,
          reserved: outcome === 'reserved' ? l.quantity : 0,
          backordered: 0,
          outcome,
          warehouseId: outcome === 'reserved' ? 'MAIN' : null,
        };
      }),
    );
    return { orderId: orderId(name), partnerId: PARTNER, lines, decidedAt: Date.now() };
  }

  before(async () => {
    const kafka = createKafka({ brokers: stack.kafkaBrokers, clientId: 'order-intake-res-itest' });
    collector = new TopicCollector(
      kafka,
      new AvroSerde({ registryUrl: stack.registryUrl }),
      uniqueName('order-intake-res-it-reader'),
    );
    await collector.start([
      TOPICS.ordersState,
      TOPICS.odooCommands,
      TOPICS.partnersOutbound,
      TOPICS.inventoryReservationRequests,
      TOPICS.inventoryReservationReleases,
    ]);
    const config = loadConfig(orderIntakeConfig, {
      SERVICE_NAME: serviceName,
      KAFKA_BROKERS: stack.kafkaBrokers.join(','),
      KAFKA_NEW_GROUP_START_AT: newGroupsStartNow(),
      SCHEMA_REGISTRY_URL: stack.registryUrl,
      DATABASE_URL: stack.databaseUrl,
      DATABASE_SCHEMA: schema,
      DATABASE_POOL_SIZE: '4',
      HTTP_PORT: '0',
      LOG_LEVEL: 'warn',
      RESERVATION_POLICY: 'reject',
    });
    // Prices from the seed without Odoo: this test is about stock.
    app = await NestFactory.create(AppModule.forRoot(config.values, { priceBook: new FixedPriceBook() }), {
      logger: false,
    });
    await app.listen(0, '127.0.0.1');
    producer = app.get(TypedProducer);
  });

  after(async () => {
    await app?.close();
    await collector?.stop();
    const pool = new Pool({ connectionString: stack.databaseUrl });
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  });

  it('accepts an order whose lines are held and rejects one with a line out of stock, releasing the rest', async () => {
    const ackDocument = await publishOrder('R2');
    await publishOrder('R1');
    await expectEventually(
      () => {
        assert.equal(requestsFor('R1').length, 3);
        assert.equal(requestsFor('R2').length, 3);
        // Nobody answers the requests but this test: the order waits for stock (orders.state may reach the
        // collector after the requests).
        assert.equal(latestState('R1')?.status, 'validated', 'waiting for stock, not yet accepted');
      },
      { timeoutMs: 60_000, description: 'one request per SKU of each order' },
    );
    assert.equal(
      collector.of<OdooCommand>(
        TOPICS.odooCommands,
        (r) => r.value.issuedBy === serviceName && r.key === saleOrderExternalId(PARTNER, po('R1')),
      ).length,
      0,
      'nothing goes to Odoo before the reply',
    );
    assert.deepEqual(
      requestsFor('R1').map((r) => [r.orderLineCount, r.shortagePolicy]),
      [
        [3, 'reject'],
        [3, 'reject'],
        [3, 'reject'],
      ],
    );

    const r1 = replyTo('R1', () => 'reserved');
    const r2 = replyTo('R2', (lineNo) => (lineNo === 2 ? 'insufficient_stock' : 'reserved'));
    const r1Id = randomUUID();
    await producer.send(TOPICS.inventoryReservationReplies, [
      { key: r1.orderId, value: r1, headers: { [HEADER.messageId]: r1Id } },
      { key: r2.orderId, value: r2, headers: { [HEADER.messageId]: randomUUID() } },
      // A redelivery and a late second answer change nothing.
      { key: r1.orderId, value: r1, headers: { [HEADER.messageId]: r1Id } },
      {
        key: r2.orderId,
        value: replyTo('R2', () => 'reserved'),
        headers: { [HEADER.messageId]: randomUUID() },
      },
    ]);

    await expectEventually(
      () => {
        assert.equal(latestState('R1')?.status, 'accepted');
        assert.equal(latestState('R2')?.status, 'acknowledged');
      },
      { timeoutMs: 60_000, description: 'both orders decided' },
    );
    // The accepted state and the command reach the collector on two topics, in either order: wait for it.
    const commandsOfR1 = () =>
      collector.of<OdooCommand>(
        TOPICS.odooCommands,
        (r) => r.value.issuedBy === serviceName && r.key === saleOrderExternalId(PARTNER, po('R1')),
      );
    await expectEventually(() => assert.ok(commandsOfR1().length > 0, 'the held order goes to Odoo'), {
      timeoutMs: 30_000,
      description: 'the held order goes to Odoo',
    });
    const commands = commandsOfR1();
    const states = collector
      .of<SalesOrderState>(TOPICS.ordersState, (r) => mine(r) && r.key === orderId('R2'))
      .map((r) => r.value.status);
    assert.deepEqual(states, ['received', 'validated', 'rejected', 'acknowledged']);
    const rejected = latestState('R2')!;
    assert.deepEqual(
      rejected.rejectionReasons.map((r) => r.code),
      ['INSUFFICIENT_STOCK'],
    );
    // orders.state's `acknowledged` and the ack itself are two topics: the ack may reach the collector later.
    await expectEventually(() => {
      const [ack] = collector
        .of<OutboundDocument>(
          TOPICS.partnersOutbound,
          (r) => mine(r) && r.value.relatesTo.includes(ackDocument),
        )
        .map((r) => r.value.payload as unknown as string);
      assert.match(ack ?? '', /INSUFFICIENT_STOCK/);
    });
    await expectEventually(() => {
      const releases = collector
        .of<ReservationRelease>(
          TOPICS.inventoryReservationReleases,
          (r) => mine(r) && r.value.orderId === orderId('R2'),
        )
        .map((r) => [r.value.reason, r.value.lineNos]);
      assert.deepEqual(releases, [['rejected', []]]);
    });

    // Odoo refuses the held order for good: its units go back to stock.
    const upsert = commands.find((c) => c.value.type === CommandType.UpsertSaleOrder)!.value;
    const refused: OdooResult = {
      commandId: upsert.commandId,
      externalId: upsert.externalId,
      type: CommandType.UpsertSaleOrder,
      outcome: ResultOutcome.BusinessError,
      odooModel: null,
      odooId: null,
      errorClass: 'ValidationError',
      errorMessage: 'refused by a rule (test)',
      attempts: 1,
      completedAt: Date.now(),
    };
    await producer.send(TOPICS.odooResults, [{ key: upsert.externalId, value: refused }]);
    await expectEventually(
      () => {
        assert.equal(latestState('R1')?.status, 'acknowledged');
        const releases = collector
          .of<ReservationRelease>(
            TOPICS.inventoryReservationReleases,
            (r) => mine(r) && r.value.orderId === orderId('R1'),
          )
          .map((r) => [r.value.reason, r.value.lineNos]);
        assert.deepEqual(releases, [['rejected', []]]);
      },
      { timeoutMs: 60_000, description: "the Odoo-refused order's holds released" },
    );
  });
});
