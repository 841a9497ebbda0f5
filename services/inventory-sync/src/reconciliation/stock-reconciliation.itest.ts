// The reconciliation with Odoo against the Odoo simulator, the real Kafka, registry and PostgreSQL: the
// WMS's counts in the ledger, Odoo's seeded quants read with the read-only key; a count Odoo does not have
// and a drift injected into Odoo (an inventory adjustment made there) are each reported once on
// ops.exceptions with both values and the likely cause, and corrected with set_stock_level on
// odoo.commands; a stock document from a party that does not own stock on hand is a business exception,
// and the ledger does not move.
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadConfig } from '@tradewind/config';
import {
  DocumentFormat,
  type OdooCommand,
  type OpsException,
  type StockEvent,
  StockEventKind,
  TOPICS,
  type TopicValueMap,
} from '@tradewind/contracts';
import { DriftCause } from '@tradewind/inventory-domain';
import { InventorySyncCore, StockReconciliationStore } from '@tradewind/inventory-store';
import { HEADER, TypedProducer } from '@tradewind/messaging';
import { createOdooClient, type OdooClient, readStockQuants } from '@tradewind/odoo-client';
import { type OdooSimulator, startOdooSimulator } from '@tradewind/odoo-simulator';
import { expectEventually, newGroupsStartNow, testStack, uniqueName } from '@tradewind/testing';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';

import { AppModule } from '../app.module';
import { inventorySyncConfig } from '../inventory-sync.config';
import { followTopics, type TopicFollower } from '../test/topic-follower';
import { STOCK_DRIFT_CODE } from './odoo-stock.reconciliation';
import { StockReconciliationService } from './stock-reconciliation.service';

const stack = testStack();
const serviceName = uniqueName('inventory-sync-rec');
const schema = uniqueName('inventory_sync_rec');
const WMS = 'northwind-wms';

void describe('reconciliation of the ledger with Odoo (simulator, real Kafka, registry, PostgreSQL)', () => {
  let app: INestApplication;
  let odoo: OdooSimulator;
  let admin: OdooClient;
  let follower: TopicFollower;
  let reconcile: StockReconciliationService;

  const count = (sku: string, warehouse: string, onHand: number): Promise<unknown> => {
    const event: StockEvent = {
      eventId: randomUUID(),
      sourcePartnerId: WMS,
      kind: StockEventKind.OnHand,
      documentId: randomUUID(),
      sku,
      warehouseId: warehouse,
      onHand,
      eventTime: Date.now(),
      sequence: null,
      receivedAt: Date.now(),
    };
    return app.get(InventorySyncCore).onStockEvent(event, { [HEADER.messageId]: randomUUID() });
  };
  /** An inventory adjustment made in Odoo itself (inventory mode, then action_apply_inventory). */
  const adjustInOdoo = async (sku: string, warehouse: string, quantity: number) => {
    const [quant] = await readStockQuants(admin, { skus: [sku], warehouseCodes: [warehouse] });
    const context = { inventory_mode: true };
    await admin.write('stock.quant', [quant.quantId], { inventory_quantity: quantity }, { context });
    await admin.callAction('stock.quant', 'action_apply_inventory', [quant.quantId], { context });
  };
  const odooQuantity = async (sku: string, warehouse: string) =>
    (await readStockQuants(admin, { skus: [sku], warehouseCodes: [warehouse] })).reduce(
      (n, q) => n + q.quantity,
      0,
    );

  before(async () => {
    odoo = await startOdooSimulator();
    admin = createOdooClient({ url: odoo.url, db: odoo.db, apiKey: odoo.apiKeys.write, apiFlavor: 'json2' });
    const config = loadConfig(inventorySyncConfig, {
      SERVICE_NAME: serviceName,
      KAFKA_BROKERS: stack.kafkaBrokers.join(','),
      KAFKA_NEW_GROUP_START_AT: newGroupsStartNow(),
      SCHEMA_REGISTRY_URL: stack.registryUrl,
      DATABASE_URL: stack.databaseUrl,
      DATABASE_SCHEMA: schema,
      DATABASE_POOL_SIZE: '4',
      HTTP_PORT: '0',
      LOG_LEVEL: 'warn',
      ODOO_URL: odoo.url,
      ODOO_READ_API_KEY: odoo.apiKeys.readOnly,
      ODOO_API_FLAVOR: 'json2',
      // Run by the test, not the schedule.
      INVENTORY_RECONCILE_EVERY: '0',
    });
    follower = await followTopics(stack, [TOPICS.opsExceptions, TOPICS.odooCommands], (r) => {
      const v = r.value as { service?: string; issuedBy?: string };
      return (v.service ?? v.issuedBy ?? '').startsWith(serviceName);
    });
    app = await NestFactory.create(AppModule.forRoot(config.values), { logger: false });
    await app.listen(0, '127.0.0.1');
    reconcile = app.get(StockReconciliationService);
  });

  after(async () => {
    await follower?.stop();
    await app?.close();
    await odoo?.stop();
    const pool = new Pool({ connectionString: stack.databaseUrl });
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  });

  void it('reports a count Odoo lacks and a drift made in Odoo once each, with both values and the cause, and corrects them', async () => {
    // The seed holds SKU-1001 50000 in MAIN and SKU-1002 80000 in MAIN (config/masterdata/seed.yaml).
    await count('SKU-1001', 'MAIN', 49_990);
    await count('SKU-1002', 'MAIN', 80_000);

    const first = await reconcile.runOnce();
    const a = first.reported.find((d) => d.sku === 'SKU-1001' && d.warehouseId === 'MAIN');
    assert.deepEqual(
      [a?.ledgerOnHand, a?.odooQuantity, a?.cause, a?.correct],
      [49_990, 50_000, DriftCause.CountNotInOdoo, true],
    );
    assert.equal(first.reported.filter((d) => d.sku === 'SKU-1002' && d.warehouseId === 'MAIN').length, 0);
    // Odoo's stock of a warehouse the WMS never counted is reported, never overwritten.
    const east = first.reported.find((d) => d.sku === 'SKU-1002' && d.warehouseId === 'EAST');
    assert.deepEqual([east?.cause, east?.correct], [DriftCause.NotCounted, false]);
    const [fix] = first.corrections.filter((c) => c.setStockLevel?.quantity === 49_990);
    assert.ok(fix, 'a set_stock_level to the ledger');
    assert.equal(first.corrections.length, 1, 'only what the ledger carries from the owner is corrected');

    // A drift that stays is raised once.
    assert.deepEqual((await reconcile.runOnce()).reported, []);

    // The odoo-writer applies the correction (here as it would, an inventory adjustment): SKU-1001 agrees.
    await adjustInOdoo('SKU-1001', 'MAIN', 49_990);
    // Someone adjusts SKU-1002 in Odoo: a drift injected into Odoo, newer than the WMS's count.
    await adjustInOdoo('SKU-1002', 'MAIN', 79_000);
    assert.equal(await odooQuantity('SKU-1002', 'MAIN'), 79_000);
    const third = await reconcile.runOnce();
    assert.deepEqual(
      third.reported.map((d) => [d.sku, d.warehouseId, d.ledgerOnHand, d.odooQuantity, d.cause, d.correct]),
      [['SKU-1002', 'MAIN', 80_000, 79_000, DriftCause.ChangedInOdoo, true]],
    );
    assert.equal(third.corrections[0].setStockLevel?.quantity, 80_000);
    const open = await app
      .get(DataSource)
      .query<unknown[]>(`SELECT 1 FROM stock_drifts WHERE sku = 'SKU-1001' AND warehouse_id = 'MAIN'`);
    assert.equal(open.length, 0, 'an agreeing pair is forgotten');

    // Through the outbox onto the shared topics: each drift once, with SKU, both values and the cause.
    await expectEventually(
      () => {
        const drifts = follower
          .of<OpsException>(TOPICS.opsExceptions)
          .filter(
            (r) =>
              r.value.code === STOCK_DRIFT_CODE && r.value.details[0].code !== String(DriftCause.NotCounted),
          );
        assert.deepEqual(drifts.map((r) => [r.key, r.value.details[0].code]).sort(), [
          ['SKU-1001', DriftCause.CountNotInOdoo],
          ['SKU-1002', DriftCause.ChangedInOdoo],
        ]);
        assert.match(
          drifts.find((r) => r.key === 'SKU-1002')!.value.message,
          /ledger 80000 on hand, Odoo 79000/,
        );
        const commands = follower.of<OdooCommand>(TOPICS.odooCommands);
        assert.deepEqual(commands.map((c) => c.value.setStockLevel?.quantity).sort(), [49_990, 80_000]);
      },
      { timeoutMs: 30_000, description: 'the drifts on ops.exceptions and the corrections on odoo.commands' },
    );
  });

  void it('refuses a stock document from a party that does not own stock on hand: a business exception, the ledger unchanged', async () => {
    const producer: TypedProducer<TopicValueMap> = app.get(TypedProducer);
    const payload = Buffer.from(
      JSON.stringify({
        events: [
          {
            eventId: 'not-mine',
            sku: 'SKU-1003',
            warehouse: 'MAIN',
            onHand: 1,
            eventTime: new Date().toISOString(),
          },
        ],
      }),
    );
    const documentId = randomUUID();
    await producer.send(TOPICS.ingressDocuments, [
      {
        key: `acme-portal/stock-event/${documentId}`,
        value: {
          documentId,
          batchId: null,
          batchIndex: 0,
          batchSize: 1,
          partnerId: 'acme-portal',
          principal: 'itest',
          documentType: 'stock-event',
          format: DocumentFormat.Json,
          contentType: 'application/json',
          businessRef: 'not-mine',
          interchangeRef: null,
          idempotencyKey: null,
          apiVersion: 'v1',
          receivedAt: Date.now(),
          sha256: createHash('sha256').update(payload).digest('hex'),
          sizeBytes: payload.length,
          payload,
          claimCheckUri: null,
        },
        headers: { [HEADER.messageId]: randomUUID() },
      },
    ]);
    await expectEventually(
      () => {
        const refused = follower
          .of<OpsException>(TOPICS.opsExceptions)
          .find((r) => r.value.code === 'NOT_SYSTEM_OF_RECORD' && r.value.message.includes(documentId));
        assert.ok(refused, 'NOT_SYSTEM_OF_RECORD on ops.exceptions');
        assert.equal(refused.value.kind, 'business');
        assert.match(refused.value.message, /northwind-wms owns stock-on-hand/);
      },
      { timeoutMs: 60_000, description: 'the refusal on ops.exceptions' },
    );
    const ledger = await app
      .get(DataSource)
      .transaction((m) => new StockReconciliationStore().ledgerStock(m, ['SKU-1003']));
    assert.deepEqual(ledger, []);
  });
});
