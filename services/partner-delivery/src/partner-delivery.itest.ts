// partner-delivery in process against the real Kafka, registry and PostgreSQL: a record published on
// partners.outbound becomes one received_records row, and /health/ready and /metrics answer.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadConfig } from '@tradewind/config';
import { TOPIC_CATALOG, TOPICS, type TopicValueMap } from '@tradewind/contracts';
import { createKafka, deadLetterTopicOf, HEADER, retryTopicOf, TypedProducer } from '@tradewind/messaging';
import { defaultConsumerGroup } from '@tradewind/messaging-nest';
import { expectEventually, newGroupsStartNow, testStack, uniqueName } from '@tradewind/testing';
import { Type } from 'avsc';
import { Pool } from 'pg';

import { AppModule } from './app.module';
import { partnerDeliveryConfig } from './partner-delivery.config';
import type { PartnersOutboundValue } from './received/partners-outbound.consumer';
import { RECEIVED_RECORDS, type ReceivedRecords } from './received/received-records.repository';

const stack = testStack();
const serviceName = uniqueName('partner-delivery-it');
const schema = uniqueName('partner_delivery_it');
const group = defaultConsumerGroup(serviceName, TOPICS.partnersOutbound);

describe('partner-delivery with the real Kafka, registry and PostgreSQL', () => {
  let app: INestApplication;

  before(async () => {
    const config = loadConfig(partnerDeliveryConfig, {
      SERVICE_NAME: serviceName,
      KAFKA_BROKERS: stack.kafkaBrokers.join(','),
      // The service's groups read only what is published from now on: earlier runs' records are not ours.
      KAFKA_NEW_GROUP_START_AT: newGroupsStartNow(),
      SCHEMA_REGISTRY_URL: stack.registryUrl,
      DATABASE_URL: stack.databaseUrl,
      DATABASE_SCHEMA: schema,
      DATABASE_POOL_SIZE: '4',
      HTTP_PORT: '0',
      LOG_LEVEL: 'warn',
    });
    app = await NestFactory.create(AppModule.forRoot(config.values), { logger: false });
    await app.listen(0, '127.0.0.1');
  });

  after(async () => {
    await app?.close();
    const kafka = createKafka({ brokers: stack.kafkaBrokers, clientId: `${serviceName}-cleanup` });
    const admin = kafka.admin();
    await admin.connect();
    const topic = TOPICS.partnersOutbound;
    await admin
      .deleteTopics({ topics: [retryTopicOf(topic, group), deadLetterTopicOf(topic, group)] })
      .catch(() => undefined);
    await admin.deleteGroups([group, `${group}.retry`]).catch(() => undefined);
    await admin.disconnect();
    const pool = new Pool({ connectionString: stack.databaseUrl });
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  });

  it('stores a published record once and reports ready with its metrics', async () => {
    // A valid record of the topic's schema; use a real fixture once the handler reads the value.
    const value = Type.forSchema(
      TOPIC_CATALOG[TOPICS.partnersOutbound].valueSchema,
    ).random() as unknown as PartnersOutboundValue;
    const messageId = randomUUID();
    const producer: TypedProducer<TopicValueMap> = app.get(TypedProducer);
    await producer.send(TOPICS.partnersOutbound, [
      { key: `${serviceName}/1`, value, headers: { [HEADER.messageId]: messageId } },
    ]);

    const received = app.get<ReceivedRecords>(RECEIVED_RECORDS);
    await expectEventually(async () => assert.equal(await received.has(messageId), true), {
      timeoutMs: 60_000,
    });
    const url = await app.getUrl();
    assert.equal((await fetch(`${url}/health/ready`)).status, 200);
    assert.match(
      await (await fetch(`${url}/metrics`)).text(),
      /tradewind_partner_delivery_records_total\{[^}]*outcome="stored"[^}]*\} [1-9]/,
    );
  });
});
