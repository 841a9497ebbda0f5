// "503 means not accepted" and "accepted is accepted", through the HTTP API against the real Kafka,
// registry and PostgreSQL: a gateway whose hand-over deadline passes before its records reach the broker
// answers 503, frees the Idempotency-Key, and its records are never written later; a gateway that cannot
// record an accepted request's response still answers 202 and keeps the key.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import type { NestExpressApplication } from '@nestjs/platform-express';
import { loadConfig } from '@tradewind/config';
import { type IngressDocument, TOPICS } from '@tradewind/contracts';
import { AvroSerde, createKafka } from '@tradewind/messaging';
import { newGroupsStartNow, testStack, uniqueName, waitForQuiescence } from '@tradewind/testing';
import type { Consumer, Kafka } from 'kafkajs';
import { Pool } from 'pg';

import { createGatewayApp } from '../gateway.app';
import { gatewayConfig } from '../gateway.config';
import { EXAMPLES_DIR, REPO_CATALOG_DIR, signRequest, testCredentialSources } from '../test/gateway-fixtures';

void describe('the gateway answers 503 only for what was not accepted', () => {
  const stack = testStack();
  const schema = uniqueName('gw_truth');
  const keptSchema = uniqueName('gw_kept');
  const serviceName = uniqueName('ingress-gateway-truth');
  const readerGroup = uniqueName('gateway-truth-reader');
  const run = uniqueName('TRUTH').toUpperCase();
  let app: NestExpressApplication;
  let base: string;
  let keptApp: NestExpressApplication;
  let keptBase: string;
  let kafka: Kafka;
  let consumer: Consumer;
  const seenPoNumbers: string[] = [];

  async function post(poNumber: string, idempotencyKey: string, to = base) {
    const path = '/v1/documents/sales-order';
    const body = JSON.stringify({
      ...(JSON.parse(readFileSync(join(EXAMPLES_DIR, 'acme-portal.sales-order.json'), 'utf8')) as object),
      poNumber,
    });
    const signed = signRequest({
      keyId: 'acme-portal-2026-06',
      method: 'POST',
      pathWithQuery: path,
      body,
    });
    const response = await fetch(`${to}${path}`, {
      method: 'POST',
      body,
      headers: { ...signed, 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
    });
    return {
      status: response.status,
      retryAfter: response.headers.get('retry-after'),
      body: (await response.json()) as Record<string, unknown>,
    };
  }

  before(async () => {
    kafka = createKafka({ brokers: stack.kafkaBrokers, clientId: 'gateway-truth-itest' });
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
        const { value } = await serde.decode<IngressDocument>(message.value);
        if (value.businessRef?.startsWith(run)) seenPoNumbers.push(value.businessRef);
      },
    });
    for (const { partition, offset } of ends) {
      consumer.seek({ topic: TOPICS.ingressDocuments, partition, offset });
    }
    const start = async (databaseSchema: string, extra: Record<string, string>) => {
      const sources = testCredentialSources();
      const config = loadConfig(gatewayConfig, {
        KAFKA_BROKERS: stack.kafkaBrokers.join(','),
        KAFKA_NEW_GROUP_START_AT: newGroupsStartNow(),
        SCHEMA_REGISTRY_URL: stack.registryUrl,
        DATABASE_URL: stack.databaseUrl,
        DATABASE_SCHEMA: databaseSchema,
        DATABASE_POOL_SIZE: '5',
        SERVICE_NAME: serviceName,
        LOG_LEVEL: 'fatal',
        PARTNER_CATALOG_DIR: REPO_CATALOG_DIR,
        GATEWAY_SECRETS_ROOT: sources.secretsRoot,
        ...extra,
      });
      const started = await createGatewayApp(config.values, { credentialEnv: sources.env, logger: false });
      await started.listen(0, '127.0.0.1');
      return { started, url: (await started.getUrl()).replace('[::1]', '127.0.0.1') };
    };
    // A deadline well inside the producer's linger: every record is still queued when it passes.
    ({ started: app, url: base } = await start(schema, {
      GATEWAY_PUBLISH_TIMEOUT: '50ms',
      KAFKA_PRODUCER_LINGER: '1s',
    }));
    ({ started: keptApp, url: keptBase } = await start(keptSchema, {}));
    // A real failure of PostgreSQL after the publish: recording a completed response is refused.
    const pool = new Pool({ connectionString: stack.databaseUrl });
    await pool.query(`
      CREATE FUNCTION "${keptSchema}".refuse_completion() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'recording the response is refused (test)'; END $$`);
    await pool.query(`
      CREATE TRIGGER refuse_completion BEFORE UPDATE ON "${keptSchema}".gateway_idempotency
      FOR EACH ROW WHEN (NEW.state = 'completed') EXECUTE FUNCTION "${keptSchema}".refuse_completion()`);
    await pool.end();
  });

  after(async () => {
    await app?.close();
    await keptApp?.close();
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
    await pool.query(`drop schema if exists "${schema}" cascade`);
    await pool.query(`drop schema if exists "${keptSchema}" cascade`);
    await pool.end();
  });

  void it('answers 503 with Retry-After, frees the Idempotency-Key, and never writes the records later', async () => {
    const key = uniqueName('truth-key');
    const first = await post(`${run}-1`, key);
    assert.equal(first.status, 503, JSON.stringify(first.body));
    assert.equal(first.body.type, 'https://docs.tradewind.example/problems/publish-unavailable');
    assert.ok(Number(first.retryAfter) > 0);
    // The key was given back: the resubmission is processed again (not 409 "in progress", not a replay).
    const again = await post(`${run}-1`, key);
    assert.equal(again.status, 503, JSON.stringify(again.body));
    const other = await post(`${run}-2`, uniqueName('truth-key'));
    assert.equal(other.status, 503, JSON.stringify(other.body));
    // Withdrawn records are gone: none reaches the topic however long the producer would have retried.
    const refused = new Set([`${run}-1`, `${run}-2`]);
    const written = (): string[] => seenPoNumbers.filter((po) => refused.has(po));
    const seen = await waitForQuiescence(() => written().length, { quietMs: 3_000, timeoutMs: 30_000 });
    assert.equal(seen, 0, `written although answered 503: ${written().join(', ')}`);
  });

  void it('answers 202 when only recording the response failed, and keeps the Idempotency-Key', async () => {
    const key = uniqueName('kept-key');
    const first = await post(`${run}-K`, key, keptBase);
    assert.equal(first.status, 202, JSON.stringify(first.body));
    // The key is still claimed: the resubmission is not processed a second time.
    const again = await post(`${run}-K`, key, keptBase);
    assert.equal(again.status, 409, JSON.stringify(again.body));
    assert.equal(again.body.type, 'https://docs.tradewind.example/problems/idempotency-in-progress');
  });
});
