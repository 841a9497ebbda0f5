// Per-order acceptance, the 997 per transaction set, the whole-document policy and X12 envelope governance,
// through the gateway's HTTP API against the real Kafka, registry and PostgreSQL.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { type OutboundDocument } from '@tradewind/contracts';
import { expectEventually, waitForQuiescence } from '@tradewind/testing';

import { EXAMPLES_DIR } from '../test/gateway-fixtures';
import { editedCatalog, GatewayHarness, type Reply, type Seen } from '../test/gateway-harness';

const PATH = '/v1/documents/sales-order';
const X12 = 'application/edi-x12';
const example = (name: string): string => readFileSync(join(EXAMPLES_DIR, name), 'utf8');

/** Globex's example interchange with a third 850 and its own ISA13/GS06 and PO numbers. */
function interchange(isa13: string, edit: (text: string) => string = (t) => t): string {
  const base = example('globex-edi.850.x12');
  const third = base
    .slice(base.indexOf('ST*850*0002~'), base.indexOf('GE*2*101~'))
    .replaceAll('0002~', '0003~')
    .replace('GX-45002', 'GX-45003');
  const text = base
    .replace('GE*2*101~', `${third}GE*3*101~`)
    .replaceAll('000000101', isa13)
    .replaceAll('*101*X*', `*${Number(isa13)}*X*`)
    .replace(`GE*3*101~`, `GE*3*${Number(isa13)}~`)
    .replaceAll('GX-4500', `GX-${isa13}-`);
  return edit(text);
}

const isa13 = (): string => String(100_000_000 + Math.floor(Math.random() * 899_999_999));
const akSegments = (edi: string): string[] =>
  edi
    .split('~')
    .map((s) => s.trim())
    .filter((s) => /^(AK|TA1)/.test(s));

const marketCsv = (suffix: string): string =>
  example('market-hub.sales-orders.csv').replaceAll('MH-20240115-', `MH-${suffix}-`);

void describe('per-order acceptance and X12 envelope governance (real Kafka, registry, PostgreSQL)', () => {
  const gateway = new GatewayHarness();

  const ackOf = (batchId: unknown, documentType = 'x12-997'): Promise<Seen<OutboundDocument>> =>
    expectEventually(
      () => {
        const found = gateway.outbound.find(
          (r) => r.value.outboundId === `${documentType}:${String(batchId)}`,
        );
        assert.ok(found, `${documentType} of batch ${String(batchId)}`);
        return found;
      },
      { timeoutMs: 20_000 },
    );
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

  void it('X12: accepts the sound sets, refuses the wrong SE01 and the bad quantity, 997 AK5 per set and AK9 P', async () => {
    const control = isa13();
    // Set 2 miscounts its segments (SE01); set 3 has an unreadable unit price (PO104).
    const body = interchange(control, (t) =>
      t
        .replace('SE*8*0002~', 'SE*9*0002~')
        .replace(/(ST\*850\*0003~[\s\S]*?)PO1\*1\*4\*EA\*82\.00/, '$1PO1*1*4*EA*8X.00'),
    );
    const reply = await gateway.send('globex-edi-2026-03', 'POST', PATH, { body, contentType: X12 });
    assert.equal(reply.status, 202, JSON.stringify(reply.body));
    assert.equal(reply.body.status, 'partially-accepted');
    assert.equal(reply.headers.get('location'), `/v1/batches/${String(reply.body.batchId)}`);
    const trackingIds = reply.body.trackingIds as string[];
    assert.deepEqual(
      (reply.body.documents as { batchIndex: number; businessRef: string }[]).map((d) => [
        d.batchIndex,
        d.businessRef,
      ]),
      [[0, `GX-${control}-1`]],
    );
    const refused = reply.body.refused as {
      batchIndex: number;
      businessRef: string;
      errors: {
        code: string;
        segment?: number;
        segmentTag?: string;
        element?: number;
        orderIndex?: number;
      }[];
    }[];
    assert.deepEqual(
      refused.map((r) => [
        r.batchIndex,
        r.businessRef,
        r.errors.map((e) => [e.code, e.segmentTag, e.segment, e.element, e.orderIndex]),
      ]),
      [
        [1, `GX-${control}-2`, [['X12_CONTROL_COUNT_MISMATCH', 'SE', 21, 1, 1]]],
        [2, `GX-${control}-3`, [['INVALID_NUMBER', 'PO1', 26, 4, 2]]],
      ],
    );

    // Only the accepted order travels, under its position in the upload.
    const records = await expectEventually(() => {
      const found = recordsOf(reply.body.batchId);
      assert.equal(found.length, 1);
      return found;
    });
    assert.deepEqual(
      [records[0].value.documentId, records[0].value.batchIndex, records[0].value.batchSize],
      [trackingIds[0], 0, 3],
    );
    const ack = await ackOf(reply.body.batchId);
    assert.deepEqual(ack.value.relatesTo, trackingIds);
    assert.deepEqual(akSegments(ack.value.payload.toString()), [
      `AK1*PO*${Number(control)}`,
      'AK2*850*0001',
      'AK5*A',
      'AK2*850*0002',
      'AK5*R*4',
      'AK2*850*0003',
      'AK3*PO1*5**8',
      'AK4*4**6*8X.00',
      'AK5*R*5',
      'AK9*P*3*3*1',
    ]);
    await waitForQuiescence(() => gateway.ingress.length, { quietMs: 1_000 });
    assert.equal(recordsOf(reply.body.batchId).length, 1);

    // The batch resource tells the same story, 997 included (a new gateway's index consumer reads the shared
    // partners.outbound from the beginning first, which takes a while on a busy broker).
    const batch = await expectEventually(
      async () => {
        const read = await gateway.send(
          'globex-edi-2026-03',
          'GET',
          `/v1/batches/${String(reply.body.batchId)}`,
        );
        assert.equal(read.status, 200, JSON.stringify(read.body));
        assert.equal((read.body.acknowledgements as unknown[]).length, 1);
        return read.body;
      },
      { timeoutMs: 300_000, intervalMs: 2_000 },
    );
    assert.equal(batch.outcome, 'partially-accepted');
    assert.deepEqual(
      (batch.transactions as { trackingId: string }[]).map((t) => t.trackingId),
      trackingIds,
    );
    assert.deepEqual(batch.refused, refused);
  });

  void it('CSV: accepts the sound order and refuses the one with a bad quantity, located by line and column', async () => {
    const suffix = randomUUID().slice(0, 8);
    const body = marketCsv(suffix).replace(',1,EA,24.50,', ',one,EA,24.50,');
    const reply = await gateway.send('market-hub-2026-01', 'POST', PATH, { body, contentType: 'text/csv' });
    assert.equal(reply.status, 202, JSON.stringify(reply.body));
    assert.equal(reply.body.status, 'partially-accepted');
    assert.equal((reply.body.trackingIds as string[]).length, 1);
    assert.deepEqual(reply.body.refused, [
      {
        batchIndex: 1,
        businessRef: `MH-${suffix}-002`,
        errors: [
          {
            code: 'INVALID_NUMBER',
            detail: (reply.body.refused as { errors: { detail: string }[] }[])[0].errors[0].detail,
            location: 'line 4, column 7 (quantity)',
            line: 4,
            column: 7,
            orderIndex: 1,
            businessRef: `MH-${suffix}-002`,
          },
        ],
      },
    ]);
    const records = await expectEventually(() => {
      const found = recordsOf(reply.body.batchId);
      assert.equal(found.length, 1);
      return found;
    });
    assert.equal(records[0].value.businessRef, `MH-${suffix}-001`);
    await waitForQuiescence(() => gateway.ingress.length, { quietMs: 1_000 });
    assert.equal(recordsOf(reply.body.batchId).length, 1);
    // The refused order counts as a transaction rejected at the gateway, with its reason.
    const metrics = await (await fetch(gateway.url('/metrics'))).text();
    assert.match(
      metrics,
      /tradewind_transactions_total\{workflow="sales-order",stage="received",outcome="rejected",partner="market-hub"[^}]*\} [1-9]/,
    );
    assert.match(
      metrics,
      /tradewind_transaction_rejections_total\{workflow="sales-order",stage="received",partner="market-hub",reason="INVALID_NUMBER",category="business"/,
    );
  });

  void it('a sound upload is accepted whole with an empty refused list', async () => {
    const reply = await gateway.send('market-hub-2026-01', 'POST', PATH, {
      body: marketCsv(randomUUID().slice(0, 8)),
      contentType: 'text/csv',
    });
    assert.equal(reply.status, 202, JSON.stringify(reply.body));
    assert.equal(reply.body.status, 'accepted');
    assert.deepEqual(reply.body.refused, []);
    assert.equal((reply.body.trackingIds as string[]).length, 2);
  });

  void it('documents the 202 with its refused list and the new refusals in the OpenAPI document', async () => {
    const document = (await (await fetch(gateway.url('/docs-json'))).json()) as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    };
    const submit = document.paths['/v1/documents/{documentType}'].post.responses;
    const accepted = submit['202'] as {
      content: Record<
        string,
        { schema: { required: string[]; properties: Record<string, { enum?: string[] }> } }
      >;
    };
    const schema = Object.values(accepted.content)[0].schema;
    assert.ok(schema.required.includes('refused'));
    assert.deepEqual(schema.properties.status.enum, ['accepted', 'partially-accepted']);
    assert.match(JSON.stringify(submit['409']), /duplicate-interchange/);
    assert.match(JSON.stringify(submit['422']), /x12-envelope-refused/);
  });

  void it('refuses an interchange addressed to someone else: 422, a TA1 R 009, nothing published', async () => {
    const body = interchange(isa13(), (t) => t.replace('*ZZ*TRADEWIND      *', '*ZZ*SOMEONEELSE    *'));
    const reply = await gateway.send('globex-edi-2026-03', 'POST', PATH, { body, contentType: X12 });
    problem(reply, 422, 'x12-envelope-refused');
    assert.deepEqual(
      (reply.body.errors as { code: string; segmentTag: string; element: number }[]).map((e) => [
        e.code,
        e.segmentTag,
        e.element,
      ]),
      [['X12_UNKNOWN_RECEIVER', 'ISA', 8]],
    );
    const ta1 = await ackOf(reply.body.batchId, 'x12-ta1');
    assert.match(
      ta1.value.payload.toString(),
      /^ISA\*00\*.{10}\*00\*.{10}\*ZZ\*TRADEWIND {6}\*ZZ\*GLOBEXEDI {6}\*/,
    );
    assert.match(ta1.value.payload.toString(), /~\nTA1\*\d{9}\*240115\*0930\*R\*009~\nIEA\*0\*\d{9}~\n$/);
    await waitForQuiescence(() => gateway.ingress.length, { quietMs: 1_000 });
    assert.equal(recordsOf(reply.body.batchId).length, 0);
  });

  void it('refuses a GS08 version the partner does not have (997 AK9 R, AK905 2) and a test interchange (TA1 020)', async () => {
    const version = await gateway.send('globex-edi-2026-03', 'POST', PATH, {
      body: interchange(isa13(), (t) => t.replace('*X*004010~', '*X*005010~')),
      contentType: X12,
    });
    problem(version, 422, 'x12-envelope-refused');
    assert.equal((version.body.errors as { code: string }[])[0].code, 'X12_UNSUPPORTED_VERSION');
    const ack = await ackOf(version.body.batchId);
    assert.equal(akSegments(ack.value.payload.toString()).at(-1), 'AK9*R*3*3*0*2');

    const test = await gateway.send('globex-edi-2026-03', 'POST', PATH, {
      body: interchange(isa13(), (t) => t.replace('*0*P*>~', '*0*T*>~')),
      contentType: X12,
    });
    problem(test, 422, 'x12-envelope-refused');
    assert.equal((test.body.errors as { code: string }[])[0].code, 'X12_USAGE_NOT_ACCEPTED');
    const ta1 = await ackOf(test.body.batchId, 'x12-ta1');
    assert.match(ta1.value.payload.toString(), /TA1\*\d{9}\*240115\*0930\*R\*020~/);
    await waitForQuiescence(() => gateway.ingress.length, { quietMs: 1_000 });
    assert.equal(recordsOf(version.body.batchId).length + recordsOf(test.body.batchId).length, 0);
  });

  void it('answers a repeated ISA13 as a duplicate interchange, never processed twice, across a restart', async () => {
    const control = isa13();
    const body = interchange(control);
    const first = await gateway.send('globex-edi-2026-03', 'POST', PATH, { body, contentType: X12 });
    assert.equal(first.status, 202, JSON.stringify(first.body));
    assert.equal((first.body.trackingIds as string[]).length, 3);

    // The same bytes again (a new request: new nonce, no Idempotency-Key), and concurrently twice more.
    const again = await Promise.all(
      [0, 1].map(() => gateway.send('globex-edi-2026-03', 'POST', PATH, { body, contentType: X12 })),
    );
    for (const reply of again) {
      problem(reply, 409, 'duplicate-interchange');
      assert.equal(reply.body.originalBatchId, first.body.batchId);
      assert.equal((reply.body.errors as { code: string }[])[0].code, 'X12_DUPLICATE_INTERCHANGE');
      const ta1 = await ackOf(reply.body.batchId, 'x12-ta1');
      assert.match(ta1.value.payload.toString(), new RegExp(`TA1\\*${control}\\*240115\\*0930\\*R\\*025~`));
    }

    // After a restart, and configured to answer duplicates with a 997: still a duplicate.
    await gateway.stopGateway();
    await gateway.startGateway(
      editedCatalog([
        [
          'duplicateInterchange: { windowDays: 30, answer: x12-ta1 }',
          'duplicateInterchange: { windowDays: 30, answer: x12-997 }',
        ],
      ]),
    );
    const afterRestart = await gateway.send('globex-edi-2026-03', 'POST', PATH, { body, contentType: X12 });
    problem(afterRestart, 409, 'duplicate-interchange');
    const ack = await ackOf(afterRestart.body.batchId);
    assert.deepEqual(akSegments(ack.value.payload.toString()), [
      `AK1*PO*${Number(control)}`,
      'AK2*850*0001',
      'AK5*R',
      'AK2*850*0002',
      'AK5*R',
      'AK2*850*0003',
      'AK5*R',
      'AK9*R*3*3*0',
    ]);
    await waitForQuiescence(() => gateway.ingress.length, { quietMs: 1_000 });
    const published = gateway.ingress.filter((r) => r.value.interchangeRef?.startsWith(`${control}/`));
    assert.equal(published.length, 3);
    assert.ok(published.every((r) => r.value.batchId === first.body.batchId));
  });

  void it('refuses the whole upload for a partner configured whole-document: 422 with every problem, nothing published', async () => {
    await gateway.stopGateway();
    await gateway.startGateway(
      editedCatalog([
        ['    mappingSet: market-hub\n', '    mappingSet: market-hub\n    documentPolicy: whole-document\n'],
      ]),
    );
    const suffix = randomUUID().slice(0, 8);
    const body = marketCsv(suffix).replace(',1,EA,24.50,', ',one,EA,24.50,');
    const reply = await gateway.send('market-hub-2026-01', 'POST', PATH, { body, contentType: 'text/csv' });
    problem(reply, 422, 'invalid-document');
    assert.deepEqual(
      (reply.body.errors as { code: string; location: string; orderIndex: number }[]).map((e) => [
        e.code,
        e.location,
        e.orderIndex,
      ]),
      [['INVALID_NUMBER', 'line 4, column 7 (quantity)', 1]],
    );
    const batch = await gateway.send(
      'market-hub-2026-01',
      'GET',
      `/v1/batches/${String(reply.body.batchId)}`,
    );
    assert.equal(batch.body.outcome, 'rejected');
    assert.deepEqual(batch.body.transactions, []);
    await waitForQuiescence(() => gateway.ingress.length, { quietMs: 1_000 });
    assert.equal(gateway.ingress.filter((r) => r.value.businessRef?.startsWith(`MH-${suffix}-`)).length, 0);
  });
});
