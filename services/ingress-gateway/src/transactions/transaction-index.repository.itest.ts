import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import { createDataSource } from '@tradewind/persistence';
import { testStack, uniqueName } from '@tradewind/testing';
import type { DataSource } from 'typeorm';

import { CreateGatewayTables1767400000000 } from '../database/gateway.migration';
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
      migrations: [CreateGatewayTables1767400000000],
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
});
