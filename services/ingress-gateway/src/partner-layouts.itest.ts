// Partner layouts through the real gateway (Kafka, registry, PostgreSQL): bazaarly, a marketplace
// onboarded by configuration only (config/partners), sends its own CSV header and the gateway reads,
// validates and splits it with that partner's layout.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import type { NestExpressApplication } from '@nestjs/platform-express';
import { loadConfig } from '@tradewind/config';
import { type IngressDocument, TOPICS } from '@tradewind/contracts';
import { AvroSerde, createKafka } from '@tradewind/messaging';
import { DocumentFormat, parseSalesOrders } from '@tradewind/partner-documents';
import { expectEventually, newGroupsStartNow, testStack, uniqueName } from '@tradewind/testing';
import type { Consumer, Kafka } from 'kafkajs';
import { Pool } from 'pg';

import { createGatewayApp } from './gateway.app';
import { gatewayConfig } from './gateway.config';
import {
  EXAMPLES_DIR,
  REPO_CATALOG_DIR,
  repoCatalog,
  signRequest,
  TEST_KEYS,
  testCredentialSources,
} from './test/gateway-fixtures';

const run = randomBytes(3).toString('hex').toUpperCase();
const bazaarlyCsv = (): string =>
  readFileSync(join(EXAMPLES_DIR, 'bazaarly.sales-orders.csv'), 'utf8').replaceAll('BZ-8801', `BZ-${run}-`);

void describe('ingress-gateway reads each partner in its configured layout', () => {
  const stack = testStack();
  const schema = uniqueName('gw_layouts_itest');
  const serviceName = uniqueName('ingress-gateway-layouts');
  const readerGroup = uniqueName('gateway-layouts-reader');
  let app: NestExpressApplication;
  let base: string;
  let kafka: Kafka;
  let consumer: Consumer;
  const ingress: IngressDocument[] = [];

  async function post(
    body: string,
    keyId: keyof typeof TEST_KEYS = 'bazaarly-2026-09',
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    const path = '/v1/documents/sales-order';
    const response = await fetch(`${base}${path}`, {
      method: 'POST',
      body,
      headers: {
        ...signRequest({ keyId, method: 'POST', pathWithQuery: path, body }),
        'content-type': 'text/csv; charset=utf-8',
      },
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  before(async () => {
    kafka = createKafka({ brokers: stack.kafkaBrokers, clientId: 'gateway-layouts-itest' });
    const serde = new AvroSerde({ registryUrl: stack.registryUrl });
    const admin = kafka.admin();
    await admin.connect();
    const ends = await admin.fetchTopicOffsets(TOPICS.ingressDocuments);
    await admin.disconnect();
    consumer = kafka.consumer({ groupId: readerGroup });
    await consumer.connect();
    await consumer.subscribe({ topics: [TOPICS.ingressDocuments], fromBeginning: false });
    await consumer.run({
      eachMessage: async ({ message }) => {
        if (!message.value) return;
        ingress.push((await serde.decode<IngressDocument>(message.value)).value);
      },
    });
    for (const { partition, offset } of ends)
      consumer.seek({ topic: TOPICS.ingressDocuments, partition, offset });

    const sources = testCredentialSources();
    const config = loadConfig(gatewayConfig, {
      KAFKA_BROKERS: stack.kafkaBrokers.join(','),
      KAFKA_NEW_GROUP_START_AT: newGroupsStartNow(),
      SCHEMA_REGISTRY_URL: stack.registryUrl,
      DATABASE_URL: stack.databaseUrl,
      DATABASE_SCHEMA: schema,
      DATABASE_POOL_SIZE: '3',
      SERVICE_NAME: serviceName,
      LOG_LEVEL: 'warn',
      PARTNER_CATALOG_DIR: REPO_CATALOG_DIR,
      GATEWAY_SECRETS_ROOT: sources.secretsRoot,
    });
    app = await createGatewayApp(config.values, { credentialEnv: sources.env, logger: false });
    await app.listen(0, '127.0.0.1');
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  });

  after(async () => {
    await app?.close();
    await consumer?.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    const derived = (await admin.listTopics()).filter((t) => t.includes(serviceName));
    if (derived.length > 0) await admin.deleteTopics({ topics: derived });
    const groups = (await admin.listGroups()).groups
      .map((g) => g.groupId)
      .filter((g) => g.startsWith(serviceName) || g === readerGroup);
    await admin.deleteGroups(groups).catch(() => undefined);
    await admin.disconnect();
    const pool = new Pool({ connectionString: stack.databaseUrl });
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  });

  void it('accepts the fourth partner’s own CSV header and splits it into one record per order', async () => {
    const reply = await post(bazaarlyCsv());
    assert.equal(reply.status, 202, JSON.stringify(reply.body));
    const trackingIds = reply.body.trackingIds as string[];
    assert.equal(trackingIds.length, 2);
    const records = await expectEventually(() => {
      const found = ingress.filter((r) => r.batchId === reply.body.batchId);
      assert.equal(found.length, 2);
      return found.sort((a, b) => a.batchIndex - b.batchIndex);
    });
    assert.deepEqual(
      records.map((r) => [r.partnerId, r.format, r.businessRef]),
      [
        ['bazaarly', 'csv', `BZ-${run}-01`],
        ['bazaarly', 'csv', `BZ-${run}-02`],
      ],
    );
    // Each slice keeps the partner's header and reads back, with its layout, as exactly that one order.
    const layout = repoCatalog().layoutOf('bazaarly');
    for (const record of records) {
      const text = record.payload!.toString();
      assert.match(text, /^po_number,order_date,customer_code,sku,qty,price,ship_to\n/);
      const parsed = parseSalesOrders(DocumentFormat.Csv, record.payload!, layout);
      assert.deepEqual(
        parsed.orders.map((o) => o.poNumber),
        [record.businessRef],
      );
    }
  });

  void it("refuses, with the partner's column names, a file that does not follow its layout", async () => {
    const noQty = bazaarlyCsv().replace('qty,', 'quantity,');
    const reply = await post(noQty);
    assert.equal(reply.status, 422, JSON.stringify(reply.body));
    const errors = reply.body.errors as { code: string; detail?: string; message?: string }[];
    assert.ok(JSON.stringify(errors).includes('The header has no \\"qty\\" column.'), JSON.stringify(errors));
    // market-hub's template is still read with its own (the standard) layout.
    const marketHub = readFileSync(join(EXAMPLES_DIR, 'market-hub.sales-orders.csv'), 'utf8').replaceAll(
      'MH-20240115-',
      `MH-${run}-`,
    );
    assert.equal((await post(marketHub, 'market-hub-2026-01')).status, 202);
  });
});
