// The gateway in process on port 0 against the real Kafka, schema registry and PostgreSQL, with the
// repository's partner catalog and test credentials (API key hashes and signing secrets in an environment
// map and a secrets dir). The gateway's clock is pinned to a fixed day (ticking from there), so which
// catalog keys are valid does not depend on the day the test runs.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import type { NestExpressApplication } from '@nestjs/platform-express';
import { loadConfig } from '@tradewind/config';
import {
  type AuditEvent,
  type IngressDocument,
  type OrderStatus,
  type OutboundDocument,
  type SalesOrderState,
  TOPICS,
  type TopicValueMap,
} from '@tradewind/contracts';
import {
  AvroSerde,
  createKafka,
  decodeHeaders,
  HEADER,
  type RecordHeaders,
  TypedProducer,
} from '@tradewind/messaging';
import {
  expectEventually,
  newGroupsStartNow,
  testStack,
  uniqueName,
  waitForQuiescence,
} from '@tradewind/testing';
import type { Consumer, Kafka } from 'kafkajs';
import { Pool } from 'pg';

import { createGatewayApp } from './gateway.app';
import { gatewayConfig } from './gateway.config';
import {
  EXAMPLES_DIR,
  REPO_CATALOG_DIR,
  signRequest,
  TEST_KEYS,
  testCredentialSources,
  type TestKeyId,
} from './test/gateway-fixtures';

interface Seen<V> {
  key: string | null;
  value: V;
  headers: RecordHeaders;
}

interface Reply {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
  requestId: string;
}

type KeyId = TestKeyId;

// 2026-12-15T09:00Z: acme-portal is rotating (2026-06 and 2026-12 both active), globex-edi-2025-03 is retired.
const PINNED_AT = Date.parse('2026-12-15T09:00:00Z');
const clockOffset = PINNED_AT - Date.now();
const gatewayClock = (): number => Date.now() + clockOffset;
const gatewayTime = (offsetMs = 0): string => new Date(gatewayClock() + offsetMs).toISOString();

const example = (name: string): string => readFileSync(join(EXAMPLES_DIR, name), 'utf8');
const acmeOrder = (poNumber: string): string =>
  JSON.stringify({ ...(JSON.parse(example('acme-portal.sales-order.json')) as object), poNumber });
const marketCsv = (suffix: string): string =>
  example('market-hub.sales-orders.csv').replaceAll('MH-20240115-', `MH-${suffix}-`);
const globexX12 = (isa13: string): string =>
  example('globex-edi.850.x12')
    .replaceAll('000000101', isa13)
    .replace('GX-45001', `GX-${isa13}-1`)
    .replace('GX-45002', `GX-${isa13}-2`);

void describe('ingress-gateway against the real Kafka, registry and PostgreSQL', () => {
  const stack = testStack();
  const schema = uniqueName('gw_itest');
  const serviceName = uniqueName('ingress-gateway-itest');
  const readerGroup = uniqueName('gateway-itest-reader');
  let app: NestExpressApplication;
  let base: string;
  let kafka: Kafka;
  let consumer: Consumer;
  let serde: AvroSerde;
  const ingress: Seen<IngressDocument>[] = [];
  const outbound: Seen<OutboundDocument>[] = [];
  const audits: Seen<AuditEvent>[] = [];
  const firstTrackingId: { acme?: string; po?: string } = {};

  async function send(
    keyId: KeyId,
    method: 'GET' | 'POST',
    path: string,
    options: {
      body?: string | Buffer;
      contentType?: string;
      headers?: Record<string, string>;
      timestamp?: string;
      nonce?: string;
      signed?: Record<string, string>;
    } = {},
  ): Promise<Reply> {
    const signed =
      options.signed ??
      signRequest({
        keyId,
        method,
        pathWithQuery: path,
        body: options.body,
        timestamp: options.timestamp ?? gatewayTime(),
        ...(options.nonce === undefined ? {} : { nonce: options.nonce }),
      });
    const response = await fetch(`${base}${path}`, {
      method,
      body: options.body,
      headers: {
        ...signed,
        ...(options.contentType === undefined ? {} : { 'content-type': options.contentType }),
        ...options.headers,
      },
    });
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>),
      requestId: response.headers.get('x-correlation-id') ?? '',
    };
  }

  /** A refusal: the status, a problem+json of the given type, and never a 5xx. */
  function assertProblem(reply: Reply, status: number, slug: string): void {
    assert.equal(reply.status, status, JSON.stringify(reply.body));
    assert.match(reply.headers.get('content-type') ?? '', /^application\/problem\+json/);
    assert.equal(reply.body.type, `https://docs.tradewind.example/problems/${slug}`);
    for (const member of ['title', 'detail', 'instance'])
      assert.equal(typeof reply.body[member], 'string', member);
    assert.equal(reply.body.status, status);
  }

  async function auditOf(reply: Reply): Promise<AuditEvent> {
    return expectEventually(
      () => {
        const found = audits.find((a) => a.headers[HEADER.causationId] === reply.requestId);
        assert.ok(found, `audit for request ${reply.requestId}`);
        return found.value;
      },
      { timeoutMs: 20_000, description: 'audit event' },
    );
  }

  before(async () => {
    kafka = createKafka({ brokers: stack.kafkaBrokers, clientId: 'gateway-itest' });
    serde = new AvroSerde({ registryUrl: stack.registryUrl });
    // Read only what this test's gateway produces: from the current end of each topic, and only records
    // with its source-system (the fuzz test's gateway publishes on the same topics at the same time).
    const topics = [TOPICS.ingressDocuments, TOPICS.partnersOutbound, TOPICS.opsAudit];
    const admin = kafka.admin();
    await admin.connect();
    const ends = await Promise.all(
      topics.map(async (topic) => ({ topic, offsets: await admin.fetchTopicOffsets(topic) })),
    );
    await admin.disconnect();
    consumer = kafka.consumer({ groupId: readerGroup });
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: false });
    await consumer.run({
      eachMessage: async ({ topic, message }) => {
        if (!message.value) return;
        const { value } = await serde.decode<never>(message.value);
        const seen = { key: message.key?.toString() ?? null, value, headers: decodeHeaders(message.headers) };
        if (seen.headers[HEADER.sourceSystem] !== serviceName) return;
        if (topic === TOPICS.ingressDocuments) ingress.push(seen);
        else if (topic === TOPICS.partnersOutbound) outbound.push(seen);
        else audits.push(seen);
      },
    });
    for (const { topic, offsets } of ends) {
      for (const { partition, offset } of offsets) consumer.seek({ topic, partition, offset });
    }

    const sources = testCredentialSources();
    const config = loadConfig(gatewayConfig, {
      KAFKA_BROKERS: stack.kafkaBrokers.join(','),
      KAFKA_NEW_GROUP_START_AT: newGroupsStartNow(),
      SCHEMA_REGISTRY_URL: stack.registryUrl,
      DATABASE_URL: stack.databaseUrl,
      DATABASE_SCHEMA: schema,
      DATABASE_POOL_SIZE: '5',
      SERVICE_NAME: serviceName,
      SOURCE_SYSTEM: serviceName,
      LOG_LEVEL: 'warn',
      PARTNER_CATALOG_DIR: REPO_CATALOG_DIR,
      GATEWAY_SECRETS_ROOT: sources.secretsRoot,
      // As behind one load balancer: only the last X-Forwarded-For hop is believed.
      GATEWAY_TRUST_PROXY: '1',
      GATEWAY_ANONYMOUS_AUDIT_WINDOW: '1s',
    });
    app = await createGatewayApp(config.values, {
      credentialEnv: sources.env,
      logger: false,
      now: gatewayClock,
    });
    await app.listen(0, '127.0.0.1');
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  });

  after(async () => {
    await app?.close();
    await consumer?.disconnect();
    // The retry and dead-letter topics the gateway's consumer groups created for this run.
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

  void it('accepts a signed JSON order: 202, Location, and the record on ingress.documents before the answer', async () => {
    const po = `ACME-IT-${randomUUID().slice(0, 8)}`;
    const reply = await send('acme-portal-2026-06', 'POST', '/v1/documents/sales-order', {
      body: acmeOrder(po),
      contentType: 'application/json',
    });
    assert.equal(reply.status, 202, JSON.stringify(reply.body));
    const trackingIds = reply.body.trackingIds as string[];
    assert.equal(trackingIds.length, 1);
    assert.equal(reply.body.status, 'accepted');
    assert.equal(reply.headers.get('location'), `/v1/transactions/${trackingIds[0]}`);
    firstTrackingId.acme = trackingIds[0];
    firstTrackingId.po = po;

    const record = await expectEventually(() => {
      const found = ingress.find((r) => r.value.documentId === trackingIds[0]);
      assert.ok(found);
      return found;
    });
    assert.equal(record.key, `acme-portal/sales-order/${po}`);
    assert.deepEqual(
      {
        batchId: record.value.batchId,
        batchSize: record.value.batchSize,
        partnerId: record.value.partnerId,
        principal: record.value.principal,
        format: record.value.format,
        businessRef: record.value.businessRef,
        apiVersion: record.value.apiVersion,
      },
      {
        batchId: reply.body.batchId,
        batchSize: 1,
        partnerId: 'acme-portal',
        principal: 'acme-portal-2026-06',
        format: 'json',
        businessRef: po,
        apiVersion: 'v1',
      },
    );
    assert.equal((JSON.parse(record.value.payload!.toString()) as { poNumber: string }).poNumber, po);
    assert.equal(record.value.sizeBytes, record.value.payload!.length);
    assert.equal(record.headers[HEADER.correlationId], trackingIds[0]);
    assert.equal(record.headers[HEADER.causationId], reply.requestId);
    assert.equal(record.headers[HEADER.partnerId], 'acme-portal');
    assert.equal(record.headers[HEADER.sourceSystem], serviceName);
    const audit = await auditOf(reply);
    assert.deepEqual(
      {
        outcome: audit.outcome,
        status: audit.httpStatus,
        principal: audit.principal,
        trackingId: audit.trackingId,
      },
      { outcome: 'accepted', status: 202, principal: 'acme-portal-2026-06', trackingId: trackingIds[0] },
    );
    assert.equal(audit.action, 'document.submit');
    assert.match(audit.sha256 ?? '', /^[0-9a-f]{64}$/);
  });

  void it('splits a CSV with two orders into two records under one batch', async () => {
    const reply = await send('market-hub-2026-01', 'POST', '/v1/documents/sales-order', {
      body: marketCsv(randomUUID().slice(0, 8)),
      contentType: 'text/csv; charset=utf-8',
    });
    assert.equal(reply.status, 202, JSON.stringify(reply.body));
    const trackingIds = reply.body.trackingIds as string[];
    assert.equal(trackingIds.length, 2);
    assert.equal(reply.headers.get('location'), `/v1/batches/${String(reply.body.batchId)}`);
    const records = await expectEventually(() => {
      const found = ingress.filter((r) => r.value.batchId === reply.body.batchId);
      assert.equal(found.length, 2);
      return found.sort((a, b) => a.value.batchIndex - b.value.batchIndex);
    });
    assert.deepEqual(
      records.map((r) => [
        r.value.documentId,
        r.value.batchIndex,
        r.value.batchSize,
        r.headers[HEADER.correlationId],
      ]),
      [
        [trackingIds[0], 0, 2, trackingIds[0]],
        [trackingIds[1], 1, 2, trackingIds[1]],
      ],
    );
    assert.match(records[1].value.payload!.toString(), /^order_number,.*\n.*-002,/s);
  });

  void it('splits an X12 interchange with two 850s and answers it with a 997 on partners.outbound', async () => {
    const isa13 = String(100_000_000 + Math.floor(Math.random() * 899_999_999)).slice(0, 9);
    const reply = await send('globex-edi-2026-03', 'POST', '/v1/documents/sales-order', {
      body: globexX12(isa13),
      contentType: 'application/edi-x12; charset=utf-8',
    });
    assert.equal(reply.status, 202, JSON.stringify(reply.body));
    const trackingIds = reply.body.trackingIds as string[];
    assert.equal(trackingIds.length, 2);
    const records = await expectEventually(() => {
      const found = ingress.filter((r) => r.value.batchId === reply.body.batchId);
      assert.equal(found.length, 2);
      return found;
    });
    assert.ok(records.every((r) => r.value.interchangeRef === `${isa13}/101` && r.value.format === 'x12'));
    const ack = await expectEventually(() => {
      const found = outbound.find((r) => r.value.outboundId === `x12-997:${String(reply.body.batchId)}`);
      assert.ok(found);
      return found;
    });
    assert.equal(ack.value.documentType, 'x12-997');
    assert.deepEqual([...ack.value.relatesTo].sort(), [...trackingIds].sort());
    assert.equal(ack.key, 'globex-edi');
    assert.equal(ack.headers[HEADER.correlationId], reply.body.batchId);
    assert.match(ack.value.payload.toString(), /AK9\*A\*2\*2\*2~/);

    // The gateway indexes the acknowledgement it consumes back from partners.outbound.
    const batch = await expectEventually(
      async () => {
        const read = await send('globex-edi-2026-03', 'GET', `/v1/batches/${String(reply.body.batchId)}`);
        assert.equal(read.status, 200, JSON.stringify(read.body));
        assert.equal((read.body.acknowledgements as unknown[]).length, 1);
        return read.body;
      },
      { timeoutMs: 60_000, intervalMs: 1_000 },
    );
    assert.equal((batch.transactions as unknown[]).length, 2);
    assert.match((batch.acknowledgements as { content: string }[])[0].content, /^ISA\*.*ST\*997\*/s);
  });

  void it('replays the original response for the same Idempotency-Key and body, and refuses a different body', async () => {
    const key = randomUUID();
    const po = `ACME-IDEM-${randomUUID().slice(0, 8)}`;
    const body = acmeOrder(po);
    const first = await send('acme-portal-2026-06', 'POST', '/v1/documents/sales-order', {
      body,
      contentType: 'application/json',
      headers: { 'Idempotency-Key': key },
    });
    assert.equal(first.status, 202);
    const again = await send('acme-portal-2026-06', 'POST', '/v1/documents/sales-order', {
      body,
      contentType: 'application/json',
      headers: { 'Idempotency-Key': key },
    });
    assert.equal(again.status, 202);
    assert.deepEqual(again.body, first.body);
    assert.equal(again.headers.get('location'), first.headers.get('location'));
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
    assert.equal((await auditOf(again)).outcome, 'replayed');

    const conflict = await send('acme-portal-2026-06', 'POST', '/v1/documents/sales-order', {
      body: acmeOrder(`${po}-other`),
      contentType: 'application/json',
      headers: { 'Idempotency-Key': key },
    });
    assertProblem(conflict, 409, 'idempotency-key-reused');
    assert.equal((await auditOf(conflict)).outcome, 'rejected');

    const count = await waitForQuiescence(
      () => ingress.filter((r) => r.value.businessRef?.startsWith(po)).length,
      {
        quietMs: 2_000,
        timeoutMs: 30_000,
      },
    );
    assert.equal(count, 1, 'published once');
  });

  void it('shows the lifecycle from orders.state and the rejection reasons', async () => {
    const trackingId = firstTrackingId.acme!;
    const orderId = `acme-portal/${firstTrackingId.po!}`;
    const producer = app.get<TypedProducer<TopicValueMap>>(TypedProducer);
    // Versions far above what an order-intake running on the same broker would reach for this order.
    const base = 1_000_000;
    const state = (version: number, status: OrderStatus): SalesOrderState => ({
      orderId,
      partnerId: 'acme-portal',
      poNumber: firstTrackingId.po!,
      status,
      version: base + version,
      documentIds: [trackingId],
      customerRef: null,
      odooPartnerId: null,
      currency: 'USD',
      lines: [],
      rejectionReasons:
        status === 'rejected'
          ? [{ code: 'UNKNOWN_SKU', message: 'AC-BOLT-M8 is not mapped', location: '/lines/0/sku' }]
          : [],
      odooExternalId: null,
      odooOrderId: null,
      updatedAt: Date.now() + version,
      duplicateDocumentIds: [],
    });
    await producer.send(TOPICS.ordersState, [
      { key: orderId, value: state(1, 'validated') },
      { key: orderId, value: state(2, 'rejected') },
    ]);
    const view = await expectEventually(
      async () => {
        const read = await send('acme-portal-2026-06', 'GET', `/v1/transactions/${trackingId}`);
        assert.equal(read.status, 200, JSON.stringify(read.body));
        assert.equal(read.body.status, 'rejected');
        return read.body;
      },
      { timeoutMs: 60_000, intervalMs: 1_000 },
    );
    const lifecycle = view.lifecycle as { status: string; version?: number; orderId?: string }[];
    assert.equal(lifecycle[0].status, 'received');
    assert.deepEqual(
      lifecycle.filter((s) => (s.version ?? 0) > base).map((s) => [s.status, s.version, s.orderId]),
      [
        ['validated', base + 1, orderId],
        ['rejected', base + 2, orderId],
      ],
    );
    assert.equal(view.orderId, orderId);
    assert.equal(view.duplicate, false);
    assert.deepEqual(view.rejectionReasons, [
      { code: 'UNKNOWN_SKU', message: 'AC-BOLT-M8 is not mapped', location: '/lines/0/sku' },
    ]);
    // An older state delivered late changes nothing.
    await producer.send(TOPICS.ordersState, [{ key: orderId, value: state(1, 'validated') }]);
    const read = await send('acme-portal-2026-06', 'GET', `/v1/transactions/${trackingId}`);
    assert.equal(read.body.status, 'rejected');
  });

  void it('refuses bad authentication with 401 and a problem type naming why, all audited', async () => {
    const path = '/v1/documents/sales-order';
    const body = acmeOrder('ACME-AUTH-1');
    const wrongSignature = signRequest({
      keyId: 'acme-portal-2026-06',
      method: 'POST',
      pathWithQuery: path,
      body: `${body} `,
      timestamp: gatewayTime(),
    });
    // What anyone who saw a request has: the key id and the API key. Signing with the API key is refused.
    const signedWithApiKey = signRequest({
      keyId: 'acme-portal-2026-06',
      credentials: { signingSecret: TEST_KEYS['acme-portal-2026-06'].apiKey },
      method: 'POST',
      pathWithQuery: path,
      body,
      timestamp: gatewayTime(),
    });
    const cases: [string, Promise<Reply>][] = [
      [
        'invalid-signature',
        send('acme-portal-2026-06', 'POST', path, {
          body,
          contentType: 'application/json',
          signed: wrongSignature,
        }),
      ],
      [
        'invalid-signature',
        send('acme-portal-2026-06', 'POST', path, {
          body,
          contentType: 'application/json',
          signed: signedWithApiKey,
        }),
      ],
      [
        'stale-timestamp',
        send('acme-portal-2026-06', 'POST', path, {
          body,
          contentType: 'application/json',
          timestamp: gatewayTime(-600_000),
        }),
      ],
      [
        'credential-inactive',
        send('globex-edi-2025-03', 'POST', path, { body, contentType: 'application/json' }),
      ],
      [
        'unknown-api-key',
        send('acme-portal-2026-06', 'POST', path, {
          body,
          contentType: 'application/json',
          signed: signRequest({
            keyId: 'acme-portal-2026-06',
            credentials: { apiKey: 'not-a-partner-key' },
            method: 'POST',
            pathWithQuery: path,
            body,
            timestamp: gatewayTime(),
          }),
        }),
      ],
      [
        'missing-credentials',
        send('acme-portal-2026-06', 'POST', path, { body, contentType: 'application/json', signed: {} }),
      ],
    ];
    const anonymous: Reply[] = [];
    for (const [slug, pending] of cases) {
      const reply = await pending;
      assertProblem(reply, 401, slug);
      if (['unknown-api-key', 'missing-credentials'].includes(slug)) {
        anonymous.push(reply); // never authenticated: aggregated, below
        continue;
      }
      const audit = await auditOf(reply);
      assert.equal(audit.outcome, 'denied', slug);
      assert.equal(audit.httpStatus, 401);
      assert.equal(audit.count, 1);
      assert.ok(audit.reason, slug);
      assert.ok(
        audit.policy?.startsWith('auth:') || audit.policy?.startsWith('credentials:'),
        `${slug}: ${audit.policy}`,
      );
    }
    assert.equal(ingress.filter((r) => r.value.businessRef === 'ACME-AUTH-1').length, 0);

    // A flood of unknown keys: counted per window and address, not one 365-day record per request. The
    // flood comes from an address of its own (through the trusted hop): other gateways share ops.audit.
    const floodFrom = `198.18.${Math.floor(Math.random() * 256)}.${1 + Math.floor(Math.random() * 254)}`;
    for (let i = 0; i < 30; i++) {
      anonymous.push(
        await send('acme-portal-2026-06', 'GET', `/v1/transactions/${randomUUID()}`, {
          headers: { 'x-forwarded-for': floodFrom },
          signed: signRequest({
            keyId: 'acme-portal-2026-06',
            credentials: { apiKey: `flood-${i}` },
            method: 'GET',
            pathWithQuery: '/v1/transactions/x',
            timestamp: gatewayTime(),
          }),
        }),
      );
    }
    anonymous.push(
      await send('acme-portal-2026-06', 'GET', '/v1/transactions/x', {
        headers: { 'x-forwarded-for': floodFrom },
        signed: {},
      }),
    );
    assert.ok(anonymous.every((r) => r.status === 401));
    const fromFlood = (policy: string) =>
      audits.filter((a) => a.value.remoteAddress === floodFrom && a.value.policy === policy);
    const aggregated = await expectEventually(
      () => {
        const found = fromFlood('auth:api-key');
        assert.equal(
          found.reduce((sum, a) => sum + a.value.count, 0),
          30,
          'every unknown-key refusal counted once',
        );
        assert.equal(fromFlood('auth:headers').length, 1);
        return found;
      },
      { timeoutMs: 20_000, description: 'aggregated refusals' },
    );
    assert.ok(aggregated.length <= 2, `${aggregated.length} records for 30 refusals (one per window)`);
    assert.ok(aggregated.every((a) => a.value.partnerId === null && a.value.principal === null));
    assert.match(
      aggregated[0].value.reason ?? '',
      /times from .*: X-Key-Id and X-Api-Key do not name a known key/,
    );
    assert.equal(aggregated[0].value.outcome, 'denied');
    const ids = new Set(anonymous.map((r) => r.requestId));
    assert.equal(audits.filter((a) => ids.has(a.headers[HEADER.causationId] ?? '')).length, 0);
  });

  void it('accepts both keys of a partner during its rotation', async () => {
    for (const keyId of ['acme-portal-2026-06', 'acme-portal-2026-12'] as const) {
      const reply = await send(keyId, 'GET', `/v1/transactions/${firstTrackingId.acme!}`);
      assert.equal(reply.status, 200, `${keyId}: ${JSON.stringify(reply.body)}`);
      assert.equal((await auditOf(reply)).principal, keyId);
    }
  });

  void it('refuses a replayed nonce', async () => {
    const path = `/v1/transactions/${firstTrackingId.acme!}`;
    const signed = signRequest({
      keyId: 'acme-portal-2026-06',
      method: 'GET',
      pathWithQuery: path,
      timestamp: gatewayTime(),
    });
    assert.equal((await send('acme-portal-2026-06', 'GET', path, { signed })).status, 200);
    const replay = await send('acme-portal-2026-06', 'GET', path, { signed });
    assertProblem(replay, 401, 'replayed-nonce');
    assert.equal((await auditOf(replay)).reason?.includes('already used'), true);
  });

  void it('refuses a replayed document: the nonce is recorded with the upload, and a replay writes and publishes nothing', async () => {
    const post = '/v1/documents/sales-order';
    const signedPost = (body: string): Record<string, string> =>
      signRequest({
        keyId: 'acme-portal-2026-06',
        method: 'POST',
        pathWithQuery: post,
        body,
        timestamp: gatewayTime(),
      });
    const submit = (body: string, signed: Record<string, string>): Promise<Reply> =>
      send('acme-portal-2026-06', 'POST', post, { body, contentType: 'application/json', signed });

    const po = `ACME-NONCE-${randomUUID().slice(0, 8)}`;
    const body = acmeOrder(po);
    const signed = signedPost(body);
    // Sent twice at once: the two may share the index's statement; one use, one replay either way.
    const replies = await Promise.all([submit(body, signed), submit(body, signed)]);
    assert.deepEqual(
      replies.map((r) => r.status).sort(),
      [202, 401],
      JSON.stringify(replies.map((r) => r.body)),
    );
    const replay = replies.find((r) => r.status === 401) as Reply;
    assertProblem(replay, 401, 'replayed-nonce');
    assertProblem(await submit(body, signed), 401, 'replayed-nonce');
    const audit = await auditOf(replay);
    assert.equal(audit.outcome, 'denied');
    assert.equal(audit.trackingId, null, 'a replay names no batch: none was recorded');

    // A refused document's nonce is used too: sending it again is a replay, not a second refusal.
    const bad = '{"poNumber": 7}';
    const signedBad = signedPost(bad);
    assert.equal((await submit(bad, signedBad)).status, 422);
    assertProblem(await submit(bad, signedBad), 401, 'replayed-nonce');

    await waitForQuiescence(() => ingress.filter((r) => r.value.businessRef === po).length);
    assert.equal(ingress.filter((r) => r.value.businessRef === po).length, 1, 'published once');
  });

  void it("answers 404 for another partner's transaction and audits it as denied", async () => {
    // The caller writes the left of X-Forwarded-For; the load balancer appends the address it saw.
    const reply = await send('market-hub-2026-01', 'GET', `/v1/transactions/${firstTrackingId.acme!}`, {
      headers: { 'x-forwarded-for': '203.0.113.66, 198.51.100.23' },
    });
    assertProblem(reply, 404, 'transaction-not-found');
    const audit = await auditOf(reply);
    assert.equal(audit.outcome, 'denied');
    assert.equal(audit.partnerId, 'market-hub');
    assert.equal(
      audit.remoteAddress,
      '198.51.100.23',
      'the hop the trusted proxy saw, not the one the client wrote',
    );
    assert.match(audit.reason ?? '', /belongs to partner acme-portal/);
    const unknown = await send('market-hub-2026-01', 'GET', `/v1/transactions/${randomUUID()}`);
    assertProblem(unknown, 404, 'transaction-not-found');
    // Indistinguishable from an id that does not exist: nothing tells the caller the id is someone else's.
    for (const r of [reply, unknown])
      assert.match(String(r.body.detail), /^There is no transaction \S+ for partner market-hub\.$/);
  });

  void it('refuses bad input with a clear 4xx, never a 5xx, and publishes nothing', async () => {
    const path = '/v1/documents/sales-order';
    const truncated = globexX12('000000777');
    // Without its unit_price column (the 9th): header and rows alike.
    const csvMissingColumn = marketCsv('NOCOL')
      .split('\n')
      .map((line) =>
        line
          .split(',')
          .filter((_, i) => i !== 8)
          .join(','),
      )
      .join('\n');
    const cases: {
      name: string;
      slug: string;
      status: number;
      reply: () => Promise<Reply>;
      check?: (r: Reply) => void;
    }[] = [
      {
        name: 'oversized body',
        slug: 'payload-too-large',
        status: 413,
        reply: () =>
          send('acme-portal-2026-06', 'POST', path, {
            body: Buffer.alloc(1_100_000, 0x20),
            contentType: 'application/json',
          }),
      },
      {
        name: 'wrong content type',
        slug: 'unsupported-media-type',
        status: 415,
        reply: () =>
          // XML is a format now (bank statements): a type the gateway reads in no format is a 415.
          send('acme-portal-2026-06', 'POST', path, { body: '%PDF-1.7', contentType: 'application/pdf' }),
      },
      {
        name: 'truncated X12',
        slug: 'invalid-document',
        status: 422,
        reply: () =>
          send('globex-edi-2026-03', 'POST', path, {
            body: truncated.slice(0, truncated.indexOf('CTT*2*6')),
            contentType: 'application/edi-x12',
          }),
        check: (r) => {
          const errors = r.body.errors as { segmentTag?: string; segment?: number; location: string }[];
          assert.ok(errors.length > 0);
          assert.ok(errors.every((e) => typeof e.location === 'string'));
          assert.ok(
            errors.some((e) => e.segment !== undefined),
            JSON.stringify(errors),
          );
        },
      },
      {
        name: 'CSV with a missing column',
        slug: 'invalid-document',
        status: 422,
        reply: () =>
          send('market-hub-2026-01', 'POST', path, { body: csvMissingColumn, contentType: 'text/csv' }),
        check: (r) => {
          const errors = r.body.errors as { code: string; line?: number }[];
          assert.deepEqual(
            errors.map((e) => [e.code, e.line]),
            [['CSV_MISSING_COLUMN', 1]],
          );
        },
      },
      {
        name: 'non-UTF-8 bytes',
        slug: 'invalid-encoding',
        status: 400,
        reply: () =>
          send('acme-portal-2026-06', 'POST', path, {
            body: Buffer.concat([Buffer.from('{"poNumber":"Caf'), Buffer.from([0xe9]), Buffer.from('"}')]),
            contentType: 'application/json',
          }),
        check: (r) => {
          const errors = r.body.errors as { byteOffset?: number }[];
          assert.equal(errors[0].byteOffset, 16);
        },
      },
      {
        name: 'unknown document type',
        slug: 'unknown-document-type',
        status: 404,
        reply: () =>
          send('acme-portal-2026-06', 'POST', '/v1/documents/invoice', {
            body: '{}',
            contentType: 'application/json',
          }),
      },
      {
        name: 'scope not granted',
        slug: 'scope-not-granted',
        status: 403,
        reply: () =>
          send('odoo-webhook-2026-01', 'POST', path, {
            body: acmeOrder('ODOO-1'),
            contentType: 'application/json',
          }),
      },
      {
        name: 'format not permitted',
        slug: 'format-not-permitted',
        status: 403,
        reply: () =>
          send('acme-portal-2026-06', 'POST', path, { body: marketCsv('ACMECSV'), contentType: 'text/csv' }),
      },
      {
        name: 'interchange of another X12 sender',
        slug: 'x12-sender-mismatch',
        status: 403,
        reply: () =>
          send('globex-edi-2026-03', 'POST', path, {
            body: globexX12('000000778')
              .replaceAll('GLOBEXEDI      ', 'SOMEONEELSE    ')
              .replaceAll('*GLOBEXEDI*', '*SOMEONEELSE*'),
            contentType: 'application/edi-x12',
          }),
      },
      {
        name: 'malformed Idempotency-Key',
        slug: 'invalid-idempotency-key',
        status: 400,
        reply: () =>
          send('acme-portal-2026-06', 'POST', path, {
            body: acmeOrder('ACME-BADKEY'),
            contentType: 'application/json',
            headers: { 'Idempotency-Key': ' ' },
          }),
      },
    ];
    const replies = new Map<string, Reply>();
    for (const c of cases) {
      const reply = await c.reply();
      replies.set(c.name, reply);
      assert.ok(reply.status < 500, `${c.name}: ${reply.status}`);
      assertProblem(reply, c.status, c.slug);
      c.check?.(reply);
      const audit = await auditOf(reply);
      assert.equal(audit.httpStatus, c.status, c.name);
      assert.ok(['rejected', 'denied'].includes(audit.outcome), `${c.name}: ${audit.outcome}`);
      assert.ok(audit.reason, c.name);
    }
    // The truncated interchange is answered with a rejecting 997 (AK5 R), related to its batch.
    const truncatedBatch = String(replies.get('truncated X12')?.body.batchId);
    const rejected997 = await expectEventually(() => {
      const found = outbound.find((r) => r.value.relatesTo.includes(truncatedBatch));
      assert.ok(found);
      return found;
    });
    assert.match(rejected997.value.payload.toString(), /AK9\*R\*/);
    assert.equal(rejected997.headers[HEADER.correlationId], truncatedBatch);
    await waitForQuiescence(() => ingress.length, { quietMs: 1_500 });
    assert.equal(
      ingress.filter(
        (r) =>
          ['ODOO-1', 'ACME-BADKEY'].includes(r.value.businessRef ?? '') ||
          r.value.businessRef?.includes('NOCOL'),
      ).length,
      0,
    );
  });

  void it("answers 429 with Retry-After beyond the partner's rate limit, audited as denied", async () => {
    // globex-edi: 2 requests per second, bursts of 5.
    const replies = await Promise.all(
      Array.from({ length: 12 }, () => send('globex-edi-2026-03', 'GET', `/v1/transactions/${randomUUID()}`)),
    );
    const limited = replies.filter((r) => r.status === 429);
    assert.ok(limited.length >= 5, replies.map((r) => r.status).join(','));
    assert.ok(replies.every((r) => r.status === 404 || r.status === 429));
    assertProblem(limited[0], 429, 'rate-limited');
    assert.ok(Number(limited[0].headers.get('retry-after')) >= 1);
    const audit = await auditOf(limited[0]);
    assert.equal(audit.outcome, 'denied');
    assert.equal(audit.policy, 'partners:globex-edi:rateLimit');
  });

  void it('serves the OpenAPI document and the metrics', async () => {
    const docs = (await (await fetch(`${base}/docs-json`)).json()) as {
      paths: Record<string, Record<string, { security?: unknown }>>;
      components: { securitySchemes: Record<string, { in: string; name: string }> };
    };
    assert.deepEqual(Object.keys(docs.paths).sort(), [
      '/v1/batches/{batchId}',
      '/v1/documents/{documentType}',
      '/v1/proofs-of-delivery/{sha256}',
      '/v1/purchase-orders/{poNumber}',
      '/v1/transactions/{trackingId}',
    ]);
    // The key id and the API key, required together on every route (the signature is described there).
    assert.deepEqual(
      Object.entries(docs.components.securitySchemes).map(([name, s]) => [name, s.in, s.name]),
      [
        ['keyId', 'header', 'X-Key-Id'],
        ['apiKey', 'header', 'X-Api-Key'],
      ],
    );
    for (const [path, operations] of Object.entries(docs.paths)) {
      for (const operation of Object.values(operations))
        assert.deepEqual(operation.security, [{ keyId: [], apiKey: [] }], path);
    }
    assert.equal((await fetch(`${base}/docs`)).status, 200);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    assert.match(
      metrics,
      /tradewind_gateway_requests_total\{route="POST \/v1\/documents\/:documentType",partner="acme-portal",status="202"/,
    );
    assert.match(
      metrics,
      /tradewind_transactions_total\{workflow="sales-order",stage="received",outcome="accepted",partner="market-hub"[^}]*\} 2/,
    );
    assert.match(
      metrics,
      /tradewind_gateway_rejections_total\{[^}]*reason="RATE_LIMITED",category="business"/,
    );
    assert.match(metrics, /tradewind_gateway_request_duration_seconds_bucket/);
  });
});
