import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import { DeliveryOutcome, DocumentFormat } from '@tradewind/contracts';
import { createDataSource } from '@tradewind/persistence';
import { testStack, uniqueName } from '@tradewind/testing';
import type { DataSource } from 'typeorm';

import { CreateGatewayTables1767400000000 } from '../database/gateway.migration';
import { CreatePartnerDeliveryStatus1796140000000 } from './delivery-status.migration';
import { type NewBatch, type NewTransaction, TransactionIndex } from './transaction-index.repository';

void describe('TransactionIndex against PostgreSQL', () => {
  const schema = uniqueName('gw_index');
  let dataSource: DataSource;
  let index: TransactionIndex;

  before(async () => {
    dataSource = await createDataSource({
      url: testStack().databaseUrl,
      schema,
      applicationName: 'gateway-index-itest',
      poolSize: 4,
      logging: false,
      migrations: [CreateGatewayTables1767400000000, CreatePartnerDeliveryStatus1796140000000],
    });
    index = new TransactionIndex(dataSource, schema);
  });
  after(async () => {
    await dataSource.query(`DROP SCHEMA "${schema}" CASCADE`);
    await dataSource.destroy();
  });

  const upload = (businessRef: string): { batch: NewBatch; transactions: NewTransaction[] } => ({
    batch: {
      batchId: randomUUID(),
      partnerId: 'acme-portal',
      principal: 'acme-portal-2026-06',
      documentType: 'sales-order',
      format: 'json',
      contentType: 'application/json',
      receivedAt: new Date(),
      sha256: 'a'.repeat(64),
      sizeBytes: 10,
      outcome: 'accepted',
    },
    transactions: [
      {
        trackingId: randomUUID(),
        batchIndex: 0,
        businessRef,
        interchangeRef: undefined,
        sha256: 'b'.repeat(64),
        sizeBytes: 10,
      },
    ],
  });

  void it('records the uploads sharing a statement with one PostgreSQL refuses, and refuses only that one', async () => {
    // A NUL is the value PostgreSQL's text refuses; the batcher must not let it fail its neighbours.
    const uploads = ['PO-1', 'PO-2', 'PO-\u0000-3', 'PO-4', 'PO-5'].map(upload);
    const results = await Promise.allSettled(uploads.map((u) => index.recordBatch(u.batch, u.transactions)));
    assert.deepEqual(
      results.map((r) => r.status),
      ['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled'],
    );
    for (const [i, u] of uploads.entries()) {
      const row = await index.transaction(u.transactions[0].trackingId);
      assert.equal(row?.businessRef, i === 2 ? undefined : u.transactions[0].businessRef);
    }
  });

  void it('records an upload with its nonce only when the nonce is unused: a replay writes nothing', async () => {
    const nonce = { partnerId: 'acme-portal', nonce: `nonce-${randomUUID()}`, ttlMs: 600_000 };
    const [first, twin, other] = ['PO-N1', 'PO-N2', 'PO-N3'].map(upload);
    // One statement: the same nonce twice (the second a replay) and an upload with a nonce of its own.
    const results = await Promise.all([
      index.recordBatch(first.batch, first.transactions, nonce),
      index.recordBatch(twin.batch, twin.transactions, nonce),
      index.recordBatch(other.batch, other.transactions, { ...nonce, nonce: `nonce-${randomUUID()}` }),
    ]);
    assert.deepEqual(results, [true, false, true]);
    const later = upload('PO-N4');
    assert.equal(await index.recordBatch(later.batch, later.transactions, nonce), false);
    assert.equal((await index.transaction(first.transactions[0].trackingId))?.businessRef, 'PO-N1');
    for (const replay of [twin, later]) {
      assert.equal(await index.transaction(replay.transactions[0].trackingId), undefined);
      assert.equal(await index.batch(replay.batch.batchId), undefined);
    }
    const [{ count }] = await dataSource.query<{ count: number }[]>(
      `SELECT count(*)::int AS count FROM "${schema}".gateway_nonce WHERE nonce = $1`,
      [nonce.nonce],
    );
    assert.equal(count, 1);
  });

  void it("shows each acknowledgement's delivery: pending, then the latest attempt, a final outcome never undone", async () => {
    const trackingId = randomUUID();
    const outboundId = `order-ack:${trackingId}`;
    await index.recordAcknowledgement({
      outboundId,
      partnerId: 'acme-portal',
      documentType: 'order-ack',
      format: DocumentFormat.Json,
      contentType: 'application/json',
      relatesTo: [trackingId],
      payload: Buffer.from('{}'),
      createdAt: Date.now(),
      orderingKey: null,
    });
    const ack = async () => (await index.acknowledgements('acme-portal', [trackingId]))[0];
    assert.equal((await ack()).delivery, null);
    const attempt = (n: number, outcome: DeliveryOutcome, at: number) =>
      index.recordDeliveryResult({
        outboundId,
        partnerId: 'acme-portal',
        documentType: 'order-ack',
        relatesTo: [trackingId],
        endpointId: 'acme-portal/erp-hooks',
        channel: 'webhook',
        attempt: n,
        outcome,
        attemptedAt: at,
        durationMs: 5,
        nextAttemptAt: outcome === DeliveryOutcome.Failed ? at + 1_000 : null,
        httpStatus: outcome === DeliveryOutcome.Failed ? 503 : 200,
        error: outcome === DeliveryOutcome.Failed ? 'unavailable: answered 503' : null,
        receipt: null,
      });
    const t0 = Date.parse('2026-12-01T10:00:00.000Z');
    await attempt(1, DeliveryOutcome.Failed, t0);
    assert.equal((await ack()).delivery?.status, 'failed');
    assert.equal((await ack()).delivery?.lastError, 'unavailable: answered 503');
    await attempt(2, DeliveryOutcome.Delivered, t0 + 2_000);
    // The first attempt's result arriving again (a redelivery) changes nothing.
    await attempt(1, DeliveryOutcome.Failed, t0);
    const delivered = (await ack()).delivery;
    assert.equal(delivered?.status, 'delivered');
    assert.equal(delivered?.attempts, 2);
    assert.equal(new Date(delivered.deliveredAt!).toISOString(), '2026-12-01T10:00:02.000Z');
  });
});
