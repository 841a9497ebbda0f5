// The reconciliation with Odoo against the Odoo simulator and the real PostgreSQL: the WMS's counts in the
// ledger, Odoo's seeded quants read with the read-only key; a count Odoo does not have and a drift injected
// into Odoo (an inventory adjustment made there) are each reported once (both values, the likely cause) for
// ops.exceptions and corrected with set_stock_level for odoo.commands, through the outbox. No service
// process: a running inventory-sync would take the other tests' stock events and reservations on the
// shared broker (the Kafka path of a business exception is in inventory-sync.itest.ts). Odoo's webhook on
// stock.quant (stock-quant-event) leads to the same outcome as the poll, once.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import {
  DocumentFormat,
  HEADER,
  type IngressDocument,
  type OdooCommand,
  type OpsException,
  type StockEvent,
  StockEventKind,
  TOPICS,
} from '@tradewind/contracts';
import { DriftCause } from '@tradewind/inventory-domain';
import {
  inventoryMigrations,
  InventorySyncCore,
  ReservationStore,
  StockLedgerStore,
  StockReconciliationStore,
} from '@tradewind/inventory-store';
import { createOdooClient, type OdooClient, readStockQuants } from '@tradewind/odoo-client';
import { type OdooSimulator, startOdooSimulator } from '@tradewind/odoo-simulator';
import { loadPartnerCatalog } from '@tradewind/partner-catalog';
import { odooStockQuantWebhook } from '@tradewind/partner-testing';
import {
  createDataSource,
  decodeJsonValue,
  Inbox,
  OUTBOX_TABLE,
  OutboxWriter,
  persistenceMigrations,
} from '@tradewind/persistence';
import { testStack, uniqueName } from '@tradewind/testing';
import type { DataSource } from 'typeorm';

import { InventorySyncErrorCode, InventorySyncException } from '../inventory-sync.exception';
import { OdooStockEventIntake } from '../stock/odoo-stock-events.intake';
import {
  OdooStockReconciliation,
  type ReconciliationRun,
  STOCK_DRIFT_CODE,
} from './odoo-stock.reconciliation';

const schema = uniqueName('inventory_rec_it');
const WMS = 'northwind-wms';

void describe('reconciliation of the ledger with Odoo (simulator, real PostgreSQL)', () => {
  let ds: DataSource;
  let odoo: OdooSimulator;
  let admin: OdooClient;
  let core: InventorySyncCore;
  let reconciliation: OdooStockReconciliation;
  let webhooks: OdooStockEventIntake;
  /** What each webhook's comparison raised. */
  const webhookRuns: ReconciliationRun[] = [];

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
    return core.onStockEvent(event, { [HEADER.messageId]: randomUUID() });
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
  async function outboxOf<V>(topic: string): Promise<{ key: string; value: V }[]> {
    const rows = await ds.query<{ key: string; value: unknown }[]>(
      `SELECT key, value FROM ${OUTBOX_TABLE} WHERE topic = $1 ORDER BY id`,
      [topic],
    );
    return rows.map((r) => ({ key: r.key, value: decodeJsonValue(r.value) as V }));
  }

  before(async () => {
    odoo = await startOdooSimulator();
    // Odoo's write_date has whole seconds and a write in the count's second counts as the later one: the
    // counts below must fall in a later second than the seed's quants, or every drift reads changed-in-odoo.
    await new Promise((resolve) => setTimeout(resolve, 1050 - (Date.now() % 1000)));
    admin = createOdooClient({ url: odoo.url, db: odoo.db, apiKey: odoo.apiKeys.write, apiFlavor: 'json2' });
    ds = await createDataSource({
      url: testStack().databaseUrl,
      schema,
      applicationName: 'inventory-reconciliation-itest',
      poolSize: 4,
      logging: false,
      migrations: [...persistenceMigrations, ...inventoryMigrations],
    });
    core = new InventorySyncCore(
      ds,
      new Inbox(),
      new OutboxWriter(),
      new ReservationStore(),
      new StockLedgerStore(),
      {
        groupOf: (topic) => `inventory-sync.${topic}`,
        channels: () => new Map(),
      },
    );
    // The read-only key: the simulator refuses any write with it.
    const readOnly = createOdooClient({
      url: odoo.url,
      db: odoo.db,
      apiKey: odoo.apiKeys.readOnly,
      apiFlavor: 'json2',
    });
    reconciliation = new OdooStockReconciliation(
      ds,
      new OutboxWriter(),
      new StockReconciliationStore(),
      readOnly,
      {
        serviceName: 'inventory-sync-rec-it',
        stockOwner: WMS,
        correct: true,
      },
    );
    webhooks = new OdooStockEventIntake(loadPartnerCatalog('config/partners'), readOnly, async (skus) => {
      const run = await reconciliation.reconcile(skus);
      webhookRuns.push(run);
      return run;
    });
  });

  after(async () => {
    await odoo?.stop();
    await ds?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await ds?.destroy();
  });

  void it('reports a count Odoo lacks and a drift made in Odoo once each, with both values and the cause, and corrects them', async () => {
    // The seed holds SKU-1001 50000 in MAIN and SKU-1002 80000 in MAIN (config/masterdata/seed.yaml).
    await count('SKU-1001', 'MAIN', 49_990);
    await count('SKU-1002', 'MAIN', 80_000);

    const first = await reconciliation.run();
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
    assert.deepEqual((await reconciliation.run()).reported, []);

    // The odoo-writer applies the correction (here as it would, an inventory adjustment): SKU-1001 agrees.
    await adjustInOdoo('SKU-1001', 'MAIN', 49_990);
    // Someone adjusts SKU-1002 in Odoo: a drift injected into Odoo, newer than the WMS's count.
    await adjustInOdoo('SKU-1002', 'MAIN', 79_000);
    assert.equal(await odooQuantity('SKU-1002', 'MAIN'), 79_000);
    const third = await reconciliation.run();
    assert.deepEqual(
      third.reported.map((d) => [d.sku, d.warehouseId, d.ledgerOnHand, d.odooQuantity, d.cause, d.correct]),
      [['SKU-1002', 'MAIN', 80_000, 79_000, DriftCause.ChangedInOdoo, true]],
    );
    assert.equal(third.corrections[0].setStockLevel?.quantity, 80_000);
    const open = await ds.query<unknown[]>(
      `SELECT 1 FROM stock_drifts WHERE sku = 'SKU-1001' AND warehouse_id = 'MAIN'`,
    );
    assert.equal(open.length, 0, 'an agreeing pair is forgotten');

    // In the outbox for the relay: each drift once, with SKU, both values and the cause; the corrections.
    const drifts = (await outboxOf<OpsException>(TOPICS.opsExceptions)).filter(
      (r) => r.value.code === STOCK_DRIFT_CODE && r.value.details[0].code !== String(DriftCause.NotCounted),
    );
    assert.deepEqual(drifts.map((r) => [r.key, r.value.details[0].code]).sort(), [
      ['SKU-1001', DriftCause.CountNotInOdoo],
      ['SKU-1002', DriftCause.ChangedInOdoo],
    ]);
    assert.match(drifts.find((r) => r.key === 'SKU-1002')!.value.message, /ledger 80000 on hand, Odoo 79000/);
    assert.equal(drifts[0].value.kind, 'business');
    const commands = await outboxOf<OdooCommand>(TOPICS.odooCommands);
    assert.deepEqual(commands.map((c) => c.value.setStockLevel?.quantity).sort(), [49_990, 80_000]);
    assert.deepEqual(
      commands.map((c) => c.key),
      ['tradewind.quant_sku_1001_main', 'tradewind.quant_sku_1002_main'],
    );
  });

  void it("compares what Odoo's stock.quant webhook names as the poll does: the same drift, raised once", async () => {
    // The seed holds SKU-2002 1500 in MAIN only; the WMS counts the same, and a poll agrees.
    await count('SKU-2002', 'MAIN', 1_500);
    const agreed = await reconciliation.run();
    assert.deepEqual(
      agreed.drifts.filter((d) => d.sku === 'SKU-2002'),
      [],
    );

    // Someone adjusts it in Odoo, whose automation rule then posts the quant.
    await adjustInOdoo('SKU-2002', 'MAIN', 1_490);
    const [quant] = await readStockQuants(admin, { skus: ['SKU-2002'], warehouseCodes: ['MAIN'] });
    const webhook = (partnerId: string, body: string): IngressDocument => ({
      documentId: randomUUID(),
      batchId: null,
      batchIndex: 0,
      batchSize: 1,
      partnerId,
      principal: 'odoo-webhook-2026-01',
      documentType: 'stock-quant-event',
      format: DocumentFormat.Json,
      contentType: 'application/json',
      businessRef: `stock.quant/${quant.quantId}`,
      interchangeRef: null,
      idempotencyKey: null,
      apiVersion: 'v1',
      receivedAt: Date.now(),
      sha256: '',
      sizeBytes: body.length,
      payload: Buffer.from(body),
      claimCheckUri: null,
      correction: null,
    });
    // The webhook carries a stale quantity on purpose: it is a hint, and Odoo is read for the truth.
    const body = odooStockQuantWebhook(quant.quantId, { location_id: quant.locationId, quantity: 1 });
    assert.equal(await webhooks.handle(webhook('odoo', body)), 'compared');
    const drift = ['SKU-2002', 'MAIN', 1_500, 1_490, DriftCause.ChangedInOdoo, true];
    assert.deepEqual(
      webhookRuns[0].reported.map((d) => [
        d.sku,
        d.warehouseId,
        d.ledgerOnHand,
        d.odooQuantity,
        d.cause,
        d.correct,
      ]),
      [drift],
    );
    assert.equal(webhookRuns[0].corrections[0].setStockLevel?.quantity, 1_500);

    // The same webhook again, then the poll: the same drift found, raised no more.
    assert.equal(await webhooks.handle(webhook('odoo', body)), 'compared');
    assert.deepEqual(webhookRuns[1].reported, []);
    const poll = await reconciliation.run();
    assert.deepEqual(
      poll.drifts
        .filter((d) => d.sku === 'SKU-2002')
        .map((d) => [d.sku, d.warehouseId, d.ledgerOnHand, d.odooQuantity, d.cause, d.correct]),
      [drift],
    );
    assert.deepEqual(
      poll.reported.filter((d) => d.sku === 'SKU-2002'),
      [],
    );
    // A quant Odoo no longer has (unlinked at zero) is compared through its product, to the same outcome.
    const gone = odooStockQuantWebhook(999_999, { product_id: quant.productId });
    assert.equal(await webhooks.handle(webhook('odoo', gone)), 'compared');
    assert.deepEqual(webhookRuns[2].reported, []);

    const raised = (await outboxOf<OpsException>(TOPICS.opsExceptions)).filter(
      (r) => r.key === 'SKU-2002' && r.value.details[0].code === String(DriftCause.ChangedInOdoo),
    );
    assert.equal(raised.length, 1, 'one drift on ops.exceptions');
    const corrections = (await outboxOf<OdooCommand>(TOPICS.odooCommands)).filter(
      (c) => c.key === 'tradewind.quant_sku_2002_main',
    );
    assert.deepEqual(
      corrections.map((c) => c.value.setStockLevel?.quantity),
      [1_500],
    );

    // Only Odoo announces its stock records: the WMS's "webhook" is refused before Odoo is read.
    await assert.rejects(
      webhooks.handle(webhook(WMS, body)),
      (e: unknown) =>
        e instanceof InventorySyncException && e.code === InventorySyncErrorCode.NotSystemOfRecord,
    );
    assert.equal(webhookRuns.length, 3);
  });
});
