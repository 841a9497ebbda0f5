// Carrier and 3PL shipment documents through the gateway's HTTP API against the real Kafka, registry and
// PostgreSQL: a JSON tracking webhook (its proof-of-delivery image kept in the gateway's store, the record
// naming it by hash), X12 214 and 856 from the 3PL (997 back), codes outside the partner's milestone
// mapping and hostile input refused with their location, and only the parties that carry may send them.
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { type ShipmentState, TOPIC_CATALOG, TOPICS } from '@tradewind/contracts';
import { AvroSerde, createKafka } from '@tradewind/messaging';
import { readJsonTrackingEvents, readX12ShipNotices } from '@tradewind/partner-documents';
import { expectEventually, testStack } from '@tradewind/testing';

import { EXAMPLES_DIR } from '../test/gateway-fixtures';
import { GatewayHarness, type Reply } from '../test/gateway-harness';

const TRACKING = '/v1/documents/tracking-event';
const STATUS = '/v1/documents/shipment-status';
const NOTICE = '/v1/documents/ship-notice';
const CARRIER = 'swift-parcel-2026-12';
const THREE_PL = 'harbor-3pl-2026-12';
const example = (name: string): string => readFileSync(join(EXAMPLES_DIR, name), 'utf8');
/** A control number of its own per test run (a repeated ISA13 is a duplicate interchange). */
const isa13 = (): string => String(Math.floor(Math.random() * 899_999_999) + 100_000_000);
const withIsa13 = (edi: string, control: string): string =>
  edi.replace(/\*U\*00401\*\d{9}\*/, `*U*00401*${control}*`).replace(/IEA\*1\*\d{9}/, `IEA*1*${control}`);

void describe('shipment documents from carriers and the 3PL (real Kafka, registry, PostgreSQL)', () => {
  const gateway = new GatewayHarness();
  const recordsOf = (batchId: unknown) => gateway.ingress.filter((r) => r.value.batchId === batchId);
  const problem = (reply: Reply, status: number, slug: string): void => {
    assert.equal(reply.status, status, JSON.stringify(reply.body));
    assert.equal(reply.body.type, `https://docs.tradewind.example/problems/${slug}`);
  };

  before(async () => {
    await gateway.startReader();
    await gateway.startGateway();
  });
  after(() => gateway.close());

  void it('accepts a tracking webhook per event; the proof image stays in the store, readable by its carrier and, once shipments.state names it, its customer only', async () => {
    const tag = randomUUID().slice(0, 8);
    const body = example('swift-parcel.tracking-event.json').replaceAll('swft-evt-', `swft-evt-${tag}-`);
    const reply = await gateway.send(CARRIER, 'POST', TRACKING, { body, contentType: 'application/json' });
    assert.equal(reply.status, 202, JSON.stringify(reply.body));
    const records = await expectEventually(() => {
      const found = recordsOf(reply.body.batchId);
      assert.equal(found.length, 2);
      return found.sort((a, b) => a.value.batchIndex - b.value.batchIndex);
    });
    assert.equal(records[1].key, `swift-parcel/tracking-event/swft-evt-${tag}-000102`);
    const payload = records[1].value.payload!;
    const sent = JSON.parse(body) as { events: { proofOfDelivery?: { document: { data: string } } }[] };
    const png = Buffer.from(sent.events[1].proofOfDelivery!.document.data, 'base64');
    const sha256 = createHash('sha256').update(png).digest('hex');
    assert.ok(!Buffer.from(payload).toString('utf8').includes('iVBORw0KGgo'), 'the image does not travel');
    const carried = readJsonTrackingEvents(payload, 'claim-checked');
    assert.deepEqual(carried.problems, []);
    assert.equal(carried.records[0].proofOfDelivery?.document?.sha256, sha256);

    const mine = await gateway.send(CARRIER, 'GET', `/v1/proofs-of-delivery/${sha256}`);
    assert.equal(mine.status, 200, mine.text);
    assert.equal(mine.headers.get('content-type'), 'image/png');
    assert.deepEqual(mine.bytes, png);
    problem(
      await gateway.send('acme-portal-2026-12', 'GET', `/v1/proofs-of-delivery/${sha256}`),
      404,
      'proof-not-found',
    );
    problem(
      await gateway.send(CARRIER, 'GET', `/v1/proofs-of-delivery/${'0'.repeat(64)}`),
      404,
      'proof-not-found',
    );

    // shipments.state names the customer whose order the shipment carries: from then on it may read it too.
    const state: ShipmentState = {
      shipmentId: `SWFT/SWFT1000000101-${tag}/2026-12-01`,
      carrier: 'SWFT',
      trackingNumber: `SWFT1000000101-${tag}`,
      shipDate: '2026-12-01',
      shipmentRef: null,
      milestone: 'delivered',
      milestoneAt: Date.now(),
      statusDetail: null,
      terminal: true,
      version: 2,
      orders: [{ partnerId: 'acme-portal', poNumber: `PO-${tag}`, pickingValidation: null }],
      history: [],
      proofOfDelivery: {
        signedBy: 'R. Alvarez',
        signedAt: Date.now(),
        place: null,
        documentUri: `/v1/proofs-of-delivery/${sha256}`,
        sha256,
        contentType: 'image/png',
        sourcePartnerId: 'swift-parcel',
      },
      updatedAt: Date.now(),
    };
    const stack = testStack();
    const kafka = createKafka({ brokers: stack.kafkaBrokers, clientId: `pod-${tag}` });
    const producer = kafka.producer();
    await producer.connect();
    const serde = new AvroSerde({ registryUrl: stack.registryUrl });
    const schema = TOPIC_CATALOG[TOPICS.shipmentsState].valueSchema;
    await producer.send({
      topic: TOPICS.shipmentsState,
      messages: [
        { key: state.shipmentId, value: await serde.encode(`${TOPICS.shipmentsState}-value`, schema, state) },
      ],
    });
    await producer.disconnect();
    const customer = await expectEventually(
      async () => {
        const reply = await gateway.send('acme-portal-2026-12', 'GET', `/v1/proofs-of-delivery/${sha256}`);
        assert.equal(reply.status, 200, reply.text);
        return reply;
      },
      { timeoutMs: 30_000 },
    );
    assert.deepEqual(customer.bytes, png);
    problem(
      await gateway.send('market-hub-2026-01', 'GET', `/v1/proofs-of-delivery/${sha256}`),
      404,
      'proof-not-found',
    );
  });

  void it('accepts the 3PL 856 and 214, one record per set, and answers each interchange with a 997', async () => {
    const notice = withIsa13(
      example('harbor-3pl.856.x12').replaceAll('HB-SHP-000101', `HB-${randomUUID().slice(0, 8)}`),
      isa13(),
    );
    const reply = await gateway.send(THREE_PL, 'POST', NOTICE, {
      body: notice,
      contentType: 'application/edi-x12',
    });
    assert.equal(reply.status, 202, JSON.stringify(reply.body));
    const [record] = await expectEventually(() => {
      const found = recordsOf(reply.body.batchId);
      assert.equal(found.length, 1);
      return found;
    });
    assert.equal(record.value.documentType, 'ship-notice');
    const [read] = readX12ShipNotices(record.value.payload!).records;
    assert.deepEqual(
      read.orders[0].packs.map((p) => p.items[0].quantity),
      [60, 4],
    );
    const ack = await expectEventually(() => {
      const found = gateway.outbound.find(
        (o) =>
          o.value.documentType === 'x12-997' &&
          o.value.outboundId === `x12-997:${String(reply.body.batchId)}`,
      );
      assert.ok(found);
      return found;
    });
    assert.match(Buffer.from(ack.value.payload).toString('utf8'), /AK9\*A\*1\*1\*1/);

    const status = withIsa13(example('harbor-3pl.214.x12'), isa13());
    const statusReply = await gateway.send(THREE_PL, 'POST', STATUS, {
      body: status,
      contentType: 'application/edi-x12',
    });
    assert.equal(statusReply.status, 202, JSON.stringify(statusReply.body));
  });

  void it('refuses a code outside the milestone mapping, and hostile input, with 4xx and the place of each problem', async () => {
    const unmapped = withIsa13(example('harbor-3pl.214.x12').replace('AT7*X6*', 'AT7*ZZ*'), isa13());
    const reply = await gateway.send(THREE_PL, 'POST', STATUS, {
      body: unmapped,
      contentType: 'application/edi-x12',
    });
    problem(reply, 422, 'invalid-document');
    const errors = reply.body.errors as { code: string; location: string; detail: string }[];
    assert.ok(
      errors.some((e) => e.detail.includes('"ZZ"') && e.location.includes('(AT7), element 01')),
      JSON.stringify(errors),
    );

    const { events } = JSON.parse(example('swift-parcel.tracking-event.json')) as {
      events: Record<string, unknown>[];
    };
    const event = events[0];
    const hostile = await gateway.send(CARRIER, 'POST', TRACKING, {
      body: JSON.stringify({
        ...event,
        eventId: `x-${randomUUID()}`,
        trackingNumber: 'SWFT\u202E101',
        occurredAt: '2026-13-01T00:00:00Z',
      }),
      contentType: 'application/json',
    });
    problem(hostile, 422, 'invalid-document');
    assert.deepEqual((hostile.body.errors as { pointer: string }[]).map((e) => e.pointer).sort(), [
      '/occurredAt',
      '/trackingNumber',
    ]);
    const brokenTree = withIsa13(example('harbor-3pl.856.x12').replace('HL*4*3*I', 'HL*4*9*I'), isa13());
    const tree = await gateway.send(THREE_PL, 'POST', NOTICE, {
      body: brokenTree,
      contentType: 'application/edi-x12',
    });
    problem(tree, 422, 'invalid-document');
    assert.ok(
      (tree.body.errors as { location: string }[]).some((e) =>
        e.location.startsWith('segment 16 (HL), element 02'),
      ),
      JSON.stringify(tree.body.errors),
    );
    for (const r of [reply, hostile, tree]) assert.equal(recordsOf(r.body.batchId).length, 0);
  });

  void it('answers a party that does not carry the shipment with 403 not-system-of-record', async () => {
    const reply = await gateway.send('acme-portal-2026-12', 'POST', TRACKING, {
      body: example('swift-parcel.tracking-event.json'),
      contentType: 'application/json',
    });
    problem(reply, 403, 'not-system-of-record');
    assert.equal(reply.body.systemOfRecord, 'swift-parcel or harbor-3pl');
    const notice = await gateway.send(CARRIER, 'POST', NOTICE, {
      body: example('harbor-3pl.856.x12'),
      contentType: 'application/edi-x12',
    });
    problem(notice, 403, 'not-system-of-record');
    assert.equal(notice.body.systemOfRecord, 'harbor-3pl');
  });
});
