// inventory-sync in process against the real Kafka, registry and PostgreSQL (issue 9): the WMS's stock
// event arrives on ingress.documents and becomes the ledger's on hand; 200 reservation requests from
// three partners for that SKU's 50 units, a third of them delivered twice, are answered once per order
// with exactly 50 reserved; inventory.availability ends at 0 available for the warehouse and the channel.
// A stock document from a party that does not own stock on hand becomes NOT_SYSTEM_OF_RECORD on
// ops.exceptions (a business exception) and writes nothing.
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadConfig } from '@tradewind/config';
import {
  DocumentFormat,
  type OpsException,
  type ReservationReply,
  type ReservationRequest,
  ShortagePolicy,
  type StockAvailability,
  TOPICS,
  type TopicValueMap,
} from '@tradewind/contracts';
import { AvroSerde, createKafka, HEADER, TypedProducer } from '@tradewind/messaging';
import { expectEventually, newGroupsStartNow, testStack, uniqueName } from '@tradewind/testing';
import type { Consumer } from 'kafkajs';
import { Pool } from 'pg';

import { AppModule } from './app.module';
import { inventorySyncConfig } from './inventory-sync.config';

const stack = testStack();
const serviceName = uniqueName('inventory-sync-it');
const schema = uniqueName('inventory_sync_it');
const WMS = 'northwind-wms';
const ORDERS = 200;
const FREE = 50;

describe('inventory-sync with the real Kafka, registry and PostgreSQL', () => {
  let app: INestApplication;
  let consumer: Consumer;
  const replies = new Map<string, ReservationReply>();
  const availability: { key: string; value: StockAvailability }[] = [];
  const exceptions: OpsException[] = [];
  const sku = uniqueName('SKU-IT');

  before(async () => {
    const config = loadConfig(inventorySyncConfig, {
      SERVICE_NAME: serviceName,
      KAFKA_BROKERS: stack.kafkaBrokers.join(','),
      KAFKA_NEW_GROUP_START_AT: newGroupsStartNow(),
      SCHEMA_REGISTRY_URL: stack.registryUrl,
      DATABASE_URL: stack.databaseUrl,
      DATABASE_SCHEMA: schema,
      DATABASE_POOL_SIZE: '6',
      HTTP_PORT: '0',
      LOG_LEVEL: 'warn',
    });
    app = await NestFactory.create(AppModule.forRoot(config.values), { logger: false });
    await app.listen(0, '127.0.0.1');

    // Our own reader of the outputs, filtered to this test's SKU and orders.
    const kafka = createKafka({ brokers: stack.kafkaBrokers, clientId: `${serviceName}-reader` });
    const serde = new AvroSerde({ registryUrl: stack.registryUrl });
    consumer = kafka.consumer({ groupId: uniqueName('inventory-sync-it-reader') });
    await consumer.connect();
    await consumer.subscribe({
      topics: [TOPICS.inventoryReservationReplies, TOPICS.inventoryAvailability],
      fromBeginning: true,
    });
    // Only what is raised from now on (the group joins before the test sends anything).
    await consumer.subscribe({ topics: [TOPICS.opsExceptions], fromBeginning: false });
    await consumer.run({
      eachMessage: async ({ topic, message }) => {
        if (message.value === null || message.key === null) return;
        const key = message.key.toString();
        if (topic === TOPICS.opsExceptions) {
          // This service's own: the runner names the consumer group (<service>.<topic>).
          const { value } = await serde.decode<OpsException>(message.value);
          if (value.service.startsWith(serviceName)) exceptions.push(value);
          return;
        }
        if (!key.includes(sku)) return;
        const { value } = await serde.decode(message.value);
        const plain = JSON.parse(JSON.stringify(value)) as unknown;
        if (topic === TOPICS.inventoryReservationReplies) replies.set(key, plain as ReservationReply);
        else availability.push({ key, value: plain as StockAvailability });
      },
    });
  });

  after(async () => {
    await consumer?.disconnect();
    await app?.close();
    const pool = new Pool({ connectionString: stack.databaseUrl });
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  });

  it('a WMS count, then 200 orders for its 50 units with redeliveries: 50 reserved, one answer per order', async () => {
    const producer: TypedProducer<TopicValueMap> = app.get(TypedProducer);
    const payload = Buffer.from(
      JSON.stringify({
        events: [
          {
            eventId: `${sku}-count`,
            sku,
            warehouse: 'MAIN',
            onHand: FREE,
            eventTime: new Date().toISOString(),
          },
        ],
      }),
    );
    const documentId = randomUUID();
    await producer.send(TOPICS.ingressDocuments, [
      {
        key: `${WMS}/stock-event/${sku}-count`,
        value: {
          documentId,
          batchId: null,
          batchIndex: 0,
          batchSize: 1,
          partnerId: WMS,
          principal: 'itest',
          documentType: 'stock-event',
          format: DocumentFormat.Json,
          contentType: 'application/json',
          businessRef: `${sku}-count`,
          interchangeRef: null,
          idempotencyKey: null,
          apiVersion: 'v1',
          receivedAt: Date.now(),
          sha256: createHash('sha256').update(payload).digest('hex'),
          sizeBytes: payload.length,
          payload,
          claimCheckUri: null,
          correction: null,
        },
        headers: { [HEADER.messageId]: randomUUID() },
      },
    ]);
    await expectEventually(
      () =>
        assert.ok(availability.some((a) => a.key === `warehouse/MAIN/${sku}` && a.value.available === FREE)),
      { timeoutMs: 60_000, description: 'the count on inventory.availability' },
    );

    const partners = ['acme', 'globex', 'bazaarly'];
    const requests = Array.from({ length: ORDERS }, (_, i) => {
      const orderId = `${partners[i % 3]}/${sku}-PO${i}`;
      const request: ReservationRequest = {
        requestId: `${orderId}/${sku}`,
        orderId,
        partnerId: partners[i % 3],
        sku,
        orderLineCount: 1,
        lines: [{ lineNo: 1, quantity: 1 }],
        shortagePolicy: ShortagePolicy.Reject,
        holdExpiresAt: null,
        requestedAt: Date.now(),
      };
      return { key: sku, value: request, headers: { [HEADER.messageId]: randomUUID() } };
    });
    // A third delivered twice (same message id: the redelivery of one record).
    await producer.send(TOPICS.inventoryReservationRequests, [
      ...requests,
      ...requests.filter((_, i) => i % 3 === 0),
    ]);

    await expectEventually(() => assert.equal(replies.size, ORDERS), {
      timeoutMs: 120_000,
      description: 'a reply per order',
    });
    const outcomes = [...replies.values()].map((r) => r.lines[0].outcome);
    assert.equal(outcomes.filter((o) => o === 'reserved').length, FREE);
    assert.equal(outcomes.filter((o) => o === 'insufficient_stock').length, ORDERS - FREE);
    await expectEventually(() => {
      const latest = availability
        .filter((a) => a.key === `warehouse/MAIN/${sku}`)
        .sort((a, b) => a.value.sequence - b.value.sequence)
        .at(-1);
      assert.deepEqual([latest?.value.reserved, latest?.value.available], [FREE, 0]);
    });
  });

  it('refuses a stock document from a party that does not own stock on hand: a business exception, the ledger unchanged', async () => {
    const producer: TypedProducer<TopicValueMap> = app.get(TypedProducer);
    const refusedSku = uniqueName('SKU-NOT-MINE');
    const payload = Buffer.from(
      JSON.stringify({
        events: [
          {
            eventId: 'not-mine',
            sku: refusedSku,
            warehouse: 'MAIN',
            onHand: 1,
            eventTime: new Date().toISOString(),
          },
        ],
      }),
    );
    const documentId = randomUUID();
    await producer.send(TOPICS.ingressDocuments, [
      {
        key: `acme-portal/stock-event/${documentId}`,
        value: {
          documentId,
          batchId: null,
          batchIndex: 0,
          batchSize: 1,
          partnerId: 'acme-portal',
          principal: 'itest',
          documentType: 'stock-event',
          format: DocumentFormat.Json,
          contentType: 'application/json',
          businessRef: 'not-mine',
          interchangeRef: null,
          idempotencyKey: null,
          apiVersion: 'v1',
          receivedAt: Date.now(),
          sha256: createHash('sha256').update(payload).digest('hex'),
          sizeBytes: payload.length,
          payload,
          claimCheckUri: null,
          correction: null,
        },
        headers: { [HEADER.messageId]: randomUUID() },
      },
    ]);
    await expectEventually(
      () => {
        const refused = exceptions.find(
          (e) => e.code === 'NOT_SYSTEM_OF_RECORD' && e.message.includes(documentId),
        );
        assert.ok(refused, 'NOT_SYSTEM_OF_RECORD on ops.exceptions');
        assert.equal(refused.kind, 'business');
        assert.match(refused.message, /northwind-wms owns stock-on-hand/);
      },
      { timeoutMs: 60_000, description: 'the refusal on ops.exceptions' },
    );
    const pool = new Pool({ connectionString: stack.databaseUrl });
    const { rows } = await pool.query(`SELECT 1 FROM "${schema}".stock_levels WHERE sku = $1`, [refusedSku]);
    await pool.end();
    assert.equal(rows.length, 0, 'nothing written');
  });
});
