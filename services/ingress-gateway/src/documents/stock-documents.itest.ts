// WMS stock events (JSON webhook) and stock snapshots (CSV files) through the gateway's HTTP API against the
// real Kafka, registry and PostgreSQL: the same promises as sales orders (signed, idempotent, hostile input
// refused with its location, 202 with tracking ids), and only the system of record of stock may send them;
// Odoo's webhook on stock.quant likewise, from Odoo only.
import assert from 'node:assert/strict';
import { randomInt, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { parseCsvStockSnapshot, parseJsonStockEvents } from '@tradewind/partner-documents';
import { odooStockQuantWebhook } from '@tradewind/partner-testing';
import { expectEventually, waitForQuiescence } from '@tradewind/testing';

import { EXAMPLES_DIR } from '../test/gateway-fixtures';
import { GatewayHarness, type Reply } from '../test/gateway-harness';

const EVENTS = '/v1/documents/stock-event';
const SNAPSHOT = '/v1/documents/stock-snapshot';
const QUANT_EVENT = '/v1/documents/stock-quant-event';
const WMS = 'northwind-wms-2026-11';
const ODOO = 'odoo-webhook-2026-01';
const example = (name: string): string => readFileSync(join(EXAMPLES_DIR, name), 'utf8');

/** The example webhook with event ids of its own (ids are the business references). */
const events = (tag: string): string =>
  example('northwind-wms.stock-event.json').replaceAll('nw-evt-', `nw-evt-${tag}-`);
const snapshot = (tag: string): string =>
  example('northwind-wms.stock-snapshot.csv').replaceAll('nw-snap-', `nw-snap-${tag}-`);

void describe('stock documents from the WMS (real Kafka, registry, PostgreSQL)', () => {
  const gateway = new GatewayHarness();
  const recordsOf = (batchId: unknown) => gateway.ingress.filter((r) => r.value.batchId === batchId);
  const problem = (reply: Reply, status: number, slug: string): void => {
    assert.equal(reply.status, status, JSON.stringify(reply.body));
    assert.match(reply.headers.get('content-type') ?? '', /^application\/problem\+json/);
    assert.equal(reply.body.type, `https://docs.tradewind.example/problems/${slug}`);
  };

  before(async () => {
    await gateway.startReader();
    await gateway.startGateway();
  });
  after(() => gateway.close());

  void it('accepts a webhook of events: one ingress.documents record per event, keyed by its event id', async () => {
    const tag = randomUUID().slice(0, 8);
    const reply = await gateway.send(WMS, 'POST', EVENTS, {
      body: events(tag),
      contentType: 'application/json',
    });
    assert.equal(reply.status, 202, JSON.stringify(reply.body));
    assert.equal(reply.body.status, 'accepted');
    const trackingIds = reply.body.trackingIds as string[];
    assert.equal(trackingIds.length, 2);
    const records = await expectEventually(() => {
      const found = recordsOf(reply.body.batchId);
      assert.equal(found.length, 2);
      return found;
    });
    const sorted = [...records].sort((a, b) => a.value.batchIndex - b.value.batchIndex);
    assert.deepEqual(
      sorted.map((r) => [
        r.key,
        r.value.documentType,
        r.value.format,
        r.value.businessRef,
        r.value.partnerId,
      ]),
      [
        [
          `northwind-wms/stock-event/nw-evt-${tag}-000101`,
          'stock-event',
          'json',
          `nw-evt-${tag}-000101`,
          'northwind-wms',
        ],
        [
          `northwind-wms/stock-event/nw-evt-${tag}-000102`,
          'stock-event',
          'json',
          `nw-evt-${tag}-000102`,
          'northwind-wms',
        ],
      ],
    );
    assert.deepEqual(new Set(sorted.map((r) => r.value.documentId)), new Set(trackingIds));
    // Each record carries its event alone, readable by the same parser inventory-sync uses.
    const carried = parseJsonStockEvents(sorted[1].value.payload!);
    assert.equal(carried.ok, true);
    assert.deepEqual(
      [
        carried.records[0].sku,
        carried.records[0].warehouse,
        carried.records[0].onHand,
        carried.records[0].sequence,
      ],
      ['SKU-2001', 'EAST', 118, 57],
    );
  });

  void it('accepts a snapshot file whole as one record', async () => {
    const tag = randomUUID().slice(0, 8);
    const reply = await gateway.send(WMS, 'POST', SNAPSHOT, { body: snapshot(tag), contentType: 'text/csv' });
    assert.equal(reply.status, 202, JSON.stringify(reply.body));
    assert.equal((reply.body.trackingIds as string[]).length, 1);
    assert.equal(
      reply.headers.get('location'),
      `/v1/transactions/${(reply.body.trackingIds as string[])[0]}`,
    );
    const [record] = await expectEventually(() => {
      const found = recordsOf(reply.body.batchId);
      assert.equal(found.length, 1);
      return found;
    });
    assert.equal(record.key, `northwind-wms/stock-snapshot/nw-snap-${tag}-20261201-0600`);
    const carried = parseCsvStockSnapshot(record.value.payload!);
    assert.equal(carried.records[0].lines.length, 4);
  });

  void it('replays the first answer for the same Idempotency-Key and publishes nothing twice', async () => {
    const tag = randomUUID().slice(0, 8);
    const key = `stock-${tag}`;
    const send = () =>
      gateway.send(WMS, 'POST', EVENTS, {
        body: events(tag),
        contentType: 'application/json',
        headers: { 'idempotency-key': key },
      });
    const first = await send();
    const second = await send();
    assert.equal(first.status, 202);
    assert.equal(second.status, 202);
    assert.equal(second.headers.get('idempotent-replayed'), 'true');
    assert.deepEqual(second.body.trackingIds, first.body.trackingIds);
    await waitForQuiescence(() => recordsOf(first.body.batchId).length);
    assert.equal(recordsOf(first.body.batchId).length, 2);
  });

  void it('takes the sound events of a webhook and refuses each bad one with its location', async () => {
    const tag = randomUUID().slice(0, 8);
    const body = JSON.stringify({
      events: [
        {
          eventId: `${tag}-ok`,
          sku: 'SKU-1001',
          warehouse: 'MAIN',
          onHand: 5,
          eventTime: '2026-12-01T10:00:00Z',
        },
        { eventId: `${tag}-bad`, sku: 'SKU-1001', warehouse: 'MAIN', onHand: -5, eventTime: 'yesterday' },
      ],
    });
    const reply = await gateway.send(WMS, 'POST', EVENTS, { body, contentType: 'application/json' });
    assert.equal(reply.status, 202, JSON.stringify(reply.body));
    assert.equal(reply.body.status, 'partially-accepted');
    const [refused] = reply.body.refused as {
      batchIndex: number;
      businessRef: string;
      errors: { code: string; pointer: string }[];
    }[];
    assert.equal(refused.businessRef, `${tag}-bad`);
    assert.deepEqual(
      refused.errors.map((e) => [e.code, e.pointer]),
      [
        ['INVALID_DATE', '/events/1/eventTime'],
        ['OUT_OF_RANGE', '/events/1/onHand'],
      ],
    );
  });

  void it('refuses hostile or broken uploads with 4xx and the place of each problem, publishing nothing', async () => {
    const invalidUtf8 = await gateway.send(WMS, 'POST', EVENTS, {
      body: Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x7d]),
      contentType: 'application/json',
    });
    problem(invalidUtf8, 400, 'invalid-encoding');
    const duplicateKey = await gateway.send(WMS, 'POST', EVENTS, {
      body: '{"eventId":"x","eventId":"y","sku":"SKU-1001","warehouse":"MAIN","onHand":1,"eventTime":"2026-12-01T10:00:00Z"}',
      contentType: 'application/json',
    });
    problem(duplicateKey, 422, 'invalid-document');
    assert.equal((duplicateKey.body.errors as { pointer: string }[])[0].pointer, '/eventId');
    const badRow = await gateway.send(WMS, 'POST', SNAPSHOT, {
      body: snapshot(randomUUID().slice(0, 8)).replace(',400\n', ',4e2\n'),
      contentType: 'text/csv',
    });
    problem(badRow, 422, 'invalid-document');
    assert.deepEqual(
      (badRow.body.errors as { code: string; location: string }[]).map((e) => [e.code, e.location]),
      [['INVALID_NUMBER', 'line 3, column 5 (on_hand)']],
    );
    const wrongFormat = await gateway.send(WMS, 'POST', SNAPSHOT, {
      body: events('x'),
      contentType: 'application/json',
    });
    problem(wrongFormat, 403, 'format-not-permitted');
    for (const reply of [invalidUtf8, duplicateKey, badRow])
      assert.equal(recordsOf(reply.body.batchId).length, 0);
  });

  void it('answers a non-owner of stock on hand with 403 not-system-of-record, naming the owner', async () => {
    const reply = await gateway.send('acme-portal-2026-12', 'POST', EVENTS, {
      body: events(randomUUID().slice(0, 8)),
      contentType: 'application/json',
    });
    problem(reply, 403, 'not-system-of-record');
    assert.equal(reply.body.code, 'NOT_SYSTEM_OF_RECORD');
    assert.equal(reply.body.domain, 'stock-on-hand');
    assert.equal(reply.body.systemOfRecord, 'northwind-wms');
    const odoo = await gateway.send('odoo-webhook-2026-01', 'POST', SNAPSHOT, {
      body: snapshot('odoo'),
      contentType: 'text/csv',
    });
    problem(odoo, 403, 'not-system-of-record');
  });

  void it("accepts Odoo's stock.quant webhook from Odoo only, named by the quant, and refuses a broken one where it is wrong", async () => {
    const quantId = randomInt(1, 1_000_000);
    const reply = await gateway.send(ODOO, 'POST', QUANT_EVENT, {
      body: odooStockQuantWebhook(quantId, { product_id: 12, location_id: 8, quantity: 40 }),
      contentType: 'application/json',
    });
    assert.equal(reply.status, 202, JSON.stringify(reply.body));
    assert.equal((reply.body.trackingIds as string[]).length, 1);
    const [record] = await expectEventually(() => {
      const found = recordsOf(reply.body.batchId);
      assert.equal(found.length, 1);
      return found;
    });
    assert.deepEqual(
      [record.value.partnerId, record.value.documentType, record.value.format, record.value.businessRef],
      ['odoo', 'stock-quant-event', 'json', `stock.quant/${quantId}`],
    );
    assert.equal(record.value.documentId, (reply.body.trackingIds as string[])[0]);

    // Odoo's stock records are Odoo's: the WMS (stock on hand's owner) may not announce them.
    const wms = await gateway.send(WMS, 'POST', QUANT_EVENT, {
      body: odooStockQuantWebhook(quantId),
      contentType: 'application/json',
    });
    problem(wms, 403, 'not-system-of-record');
    assert.deepEqual([wms.body.domain, wms.body.systemOfRecord], ['odoo-stock', 'odoo']);

    const broken = await gateway.send(ODOO, 'POST', QUANT_EVENT, {
      body: JSON.stringify({ _model: 'stock.move', _id: '7' }),
      contentType: 'application/json',
    });
    problem(broken, 422, 'invalid-document');
    assert.deepEqual(
      (broken.body.errors as { pointer: string }[]).map((e) => e.pointer),
      ['/_model', '/_id'],
    );
    const badProduct = await gateway.send(ODOO, 'POST', QUANT_EVENT, {
      body: odooStockQuantWebhook(quantId, { product_id: [12, 'Widget'] }),
      contentType: 'application/json',
    });
    problem(badProduct, 422, 'invalid-document');
    assert.equal((badProduct.body.errors as { pointer: string }[])[0].pointer, '/product_id');
    for (const refused of [wms, broken, badProduct]) assert.equal(recordsOf(refused.body.batchId).length, 0);
  });

  void it('refuses an unsigned or wrongly signed stock event (401), like every document', async () => {
    const reply = await gateway.send(WMS, 'POST', EVENTS, {
      body: events('sig'),
      contentType: 'application/json',
      signedPath: '/v1/documents/sales-order',
    });
    problem(reply, 401, 'invalid-signature');
  });
});
