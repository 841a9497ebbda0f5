// Hostile bytes through the gateway's HTTP API (issue 7, §4): each gets a precise 4xx, never a 5xx, and
// never fails another partner's request sent at the same moment.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import { type GatewayHarness, startGateway } from './test/gateway-harness';
import { acmeOrder, globexX12, marketCsv } from './test/good-documents';

void describe('ingress-gateway refuses hostile input precisely (real Kafka, registry, PostgreSQL)', () => {
  let gateway: GatewayHarness;

  before(async () => {
    gateway = await startGateway({ unlimitedRate: true });
  });
  after(async () => {
    await gateway?.close();
  });

  void it('answers 404, not 500, for a tracking or batch id that is no id (a NUL, 10 kB of text)', async () => {
    for (const id of ['%00', '%1B%5B2J', 'x'.repeat(10_000), '%F0%9F%92%A9']) {
      for (const route of ['transactions', 'batches']) {
        const reply = await gateway.send('acme-portal-2026-06', 'GET', `/v1/${route}/${id}`);
        assert.equal(reply.status, 404, `${route}/${id.slice(0, 20)}: ${reply.text.slice(0, 200)}`);
        assert.equal(reply.text.includes('\u0000'), false, 'no raw NUL in the answer');
      }
    }
  });

  void it("refuses a NUL in a PO number with 422 while other partners' uploads at the same moment are accepted", async () => {
    for (let round = 0; round < 5; round++) {
      const tag = randomUUID().slice(0, 8);
      const [bad, ...good] = await Promise.all([
        gateway.send('acme-portal-2026-06', 'POST', '/v1/documents/sales-order', {
          body: acmeOrder(`N\u0000${tag}`),
          contentType: 'application/json',
        }),
        gateway.send('acme-portal-2026-06', 'POST', '/v1/documents/sales-order', {
          body: acmeOrder(`ACME-${tag}`),
          contentType: 'application/json',
        }),
        gateway.send('market-hub-2026-01', 'POST', '/v1/documents/sales-order', {
          body: marketCsv(tag),
          contentType: 'text/csv',
        }),
        gateway.send('globex-edi-2026-03', 'POST', '/v1/documents/sales-order', {
          body: globexX12(String(100_000_000 + round + Math.floor(Math.random() * 800_000_000))),
          contentType: 'application/edi-x12',
        }),
      ]);
      assert.equal(bad.status, 422, bad.text);
      const errors = bad.body.errors as { code: string; pointer?: string }[];
      assert.deepEqual(
        errors.map((e) => [e.code, e.pointer]),
        [['INVALID_CHARACTERS', '/poNumber']],
      );
      for (const reply of good) assert.equal(reply.status, 202, reply.text);
    }
  });

  void it('refuses structure it cannot carry: deep JSON, duplicate keys, doubled X12 terminators', async () => {
    const deep = await gateway.send('acme-portal-2026-06', 'POST', '/v1/documents/sales-order', {
      body: '['.repeat(50_000) + ']'.repeat(50_000),
      contentType: 'application/json',
    });
    assert.equal(deep.status, 422, deep.text);
    const duplicate = await gateway.send('acme-portal-2026-06', 'POST', '/v1/documents/sales-order', {
      body: acmeOrder('ACME-DUP').replace('"poNumber"', '"poNumber":"ACME-OTHER","poNumber"'),
      contentType: 'application/json',
    });
    assert.equal(duplicate.status, 422, duplicate.text);
    assert.deepEqual(
      (duplicate.body.errors as { code: string; pointer?: string }[]).map((e) => [e.code, e.pointer]),
      [['JSON_DUPLICATE_KEY', '/poNumber']],
    );
    const doubled = await gateway.send('globex-edi-2026-03', 'POST', '/v1/documents/sales-order', {
      body: globexX12('000777001').replace('~', '~~'),
      contentType: 'application/edi-x12',
    });
    assert.equal(doubled.status, 422, doubled.text);
    assert.deepEqual(
      (doubled.body.errors as { code: string; segment?: number; byteOffset?: number }[]).map((e) => [
        e.code,
        e.segment,
        e.byteOffset,
      ]),
      [['X12_SYNTAX', 2, 106]],
    );
  });

  void it('counts the query string in the Idempotency-Key fingerprint', async () => {
    const key = randomUUID();
    const body = acmeOrder(`ACME-Q-${key.slice(0, 8)}`);
    const send = (query: string): ReturnType<GatewayHarness['send']> =>
      gateway.send('acme-portal-2026-06', 'POST', `/v1/documents/sales-order${query}`, {
        body,
        contentType: 'application/json',
        headers: { 'idempotency-key': key },
      });
    assert.equal((await send('?channel=a')).status, 202);
    const replay = await send('?channel=a');
    assert.equal(replay.headers.get('idempotent-replayed'), 'true');
    const other = await send('?channel=b');
    assert.equal(other.status, 409, other.text);
  });
});
