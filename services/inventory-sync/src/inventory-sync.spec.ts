// What reaches the consumer runner, without a broker or a database: business failures become
// BusinessRuleError (ops.exceptions at once), and the WMS intake refuses a stock document from a party
// that does not own stock on hand before it touches anything. inventory-sync.itest.ts runs the service
// against the real Kafka, registry and PostgreSQL.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { DeliveryOutcome, DocumentFormat, type IngressDocument, TOPICS } from '@tradewind/contracts';
import { InventoryStoreErrorCode, InventoryStoreException } from '@tradewind/inventory-store';
import { BusinessRuleError, DependencyUnavailableError } from '@tradewind/messaging';
import { OdooError, OdooErrorCode } from '@tradewind/odoo-client';
import { loadPartnerCatalog } from '@tradewind/partner-catalog';
import { Inbox, OutboxWriter } from '@tradewind/persistence';
import { DataSource } from 'typeorm';

import { feedSettlement } from './feeds/channel-feed.publisher';
import { InventorySyncErrorCode, InventorySyncException, toRunnerError } from './inventory-sync.exception';
import { InventorySyncMetrics } from './inventory-sync.metrics';
import { IngressDocumentsConsumer } from './stock/ingress-documents.consumer';
import type { OdooStockEventIntake } from './stock/odoo-stock-events.intake';
import { WmsDocumentIntake } from './stock/wms-documents.intake';

const document = (partnerId: string, documentType: string): IngressDocument => ({
  documentId: 'doc-1',
  batchId: null,
  batchIndex: 0,
  batchSize: 1,
  partnerId,
  principal: 'key-1',
  documentType,
  format: DocumentFormat.Json,
  contentType: 'application/json',
  businessRef: 'e-1',
  interchangeRef: null,
  idempotencyKey: null,
  apiVersion: 'v1',
  receivedAt: 0,
  sha256: '',
  sizeBytes: 2,
  payload: Buffer.from('{}'),
  claimCheckUri: null,
  correction: null,
});

describe('inventory-sync at its consumer edges', () => {
  it('turns the store and intake refusals into business-rule errors, and leaves other errors technical', () => {
    for (const error of [
      new InventoryStoreException(InventoryStoreErrorCode.InvalidRequest, 'no lines'),
      new InventoryStoreException(InventoryStoreErrorCode.UnknownReleaseReason, 'unknown'),
      new InventorySyncException(InventorySyncErrorCode.NotSystemOfRecord, 'not the owner'),
    ]) {
      const mapped = toRunnerError(error);
      assert.ok(mapped instanceof BusinessRuleError);
      assert.equal(mapped.code, error.code);
    }
    const technical = new Error('boom');
    assert.equal(toRunnerError(technical), technical);
    // Odoo down while a webhook's quant is read: the record waits, it is never dead-lettered.
    const down = toRunnerError(new OdooError({ code: OdooErrorCode.UNAVAILABLE, message: '503' }));
    assert.ok(down instanceof DependencyUnavailableError);
    assert.equal(down.dependency, 'odoo');
  });

  it('skips documents that are not stock documents and refuses stock from a non-owner', async () => {
    // Never connected: both paths end before the database.
    const unused = new DataSource({ type: 'postgres' });
    const intake = new WmsDocumentIntake(
      unused,
      new Inbox(),
      new OutboxWriter(),
      loadPartnerCatalog('config/partners'),
      'g',
    );
    assert.equal(await intake.handle(document('acme-portal', 'sales-order'), {}), 'skipped');
    // Odoo's stock-quant-event is the comparison's (odoo-stock-events.intake.ts), not a WMS count.
    assert.equal(await intake.handle(document('odoo', 'stock-quant-event'), {}), 'skipped');
    await assert.rejects(
      intake.handle(document('acme-portal', 'stock-event'), {}),
      (e: unknown) =>
        e instanceof InventorySyncException && e.code === InventorySyncErrorCode.NotSystemOfRecord,
    );
  });

  it("routes Odoo's stock-quant-event to the comparison with Odoo and the WMS's documents to the ledger", async () => {
    const calls: string[] = [];
    const wms = {
      handle: (d: IngressDocument) => (calls.push(`wms:${d.documentType}`), Promise.resolve('published')),
    };
    const odoo = {
      handle: (d: IngressDocument) => (calls.push(`odoo:${d.documentType}`), Promise.resolve('compared')),
    };
    const consumer = new IngressDocumentsConsumer(
      wms as unknown as WmsDocumentIntake,
      odoo as unknown as OdooStockEventIntake,
      new InventorySyncMetrics(),
    );
    for (const [partnerId, type] of [
      ['odoo', 'stock-quant-event'],
      ['northwind-wms', 'stock-event'],
    ])
      await consumer.onDocument({
        topic: TOPICS.ingressDocuments,
        partition: 0,
        offset: '0',
        key: null,
        value: document(partnerId, type),
        headers: {},
        timestamp: '0',
        attempt: 1,
      });
    assert.deepEqual(calls, ['odoo:stock-quant-event', 'wms:stock-event']);
  });

  it("settles a stock feed on partner-delivery's final outcomes only", () => {
    assert.deepEqual(
      Object.values(DeliveryOutcome).map((o) => [o, feedSettlement(o)]),
      [
        ['unknown', undefined],
        ['delivered', 'delivered'],
        ['failed', undefined],
        ['dead_lettered', 'given-up'],
        ['unroutable', 'given-up'],
      ],
    );
  });
});
