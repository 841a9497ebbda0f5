// reconciler in process against the real Kafka, registry and PostgreSQL and the Odoo simulator: orders
// published on orders.state become its view; Odoo is seeded as the odoo-writer would have left it, then
// drifted (a confirmed sale order deleted, a line quantity changed, a command that never reached the
// writer, a duplicate and an order made by hand); each drift is classified, and a clean partner's window
// proves complete with the same checksum run after run. Purchase orders (purchasing.state) and shipments
// (shipments.state against the deliveries validated in the simulator) are proved the same way; a
// supplier's acknowledgement the gateway accepted is on purchasing.state's trace or not_on_platform.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadConfig } from '@tradewind/config';
import {
  type AuditEvent,
  AuditOutcome,
  DocumentFormat,
  FinanceStatus,
  FinanceSubject,
  type OdooCommand,
  type OpsException,
  OrderStatus,
  PurchaseOrderStatus,
  ResultOutcome,
  ShipmentMilestone,
  TOPICS,
  type TopicValueMap,
} from '@tradewind/contracts';
import {
  createKafka,
  deadLetterTopicOf,
  HEADER,
  recordsSince,
  retryTopicOf,
  topicEnd,
  TypedProducer,
} from '@tradewind/messaging';
import { defaultConsumerGroup } from '@tradewind/messaging-nest';
import { Command, createOdooClient, type OdooClient } from '@tradewind/odoo-client';
import { type OdooSimulator, startOdooSimulator } from '@tradewind/odoo-simulator';
import { saleOrderExternalId } from '@tradewind/partner-catalog';
import { expectEventually, newGroupsStartNow, testStack, uniqueName } from '@tradewind/testing';
import { Pool } from 'pg';

import { AppModule } from './app.module';
import { reconcilerConfig } from './reconciler.config';
import { DiscrepancyClass } from './reconciliation/reconciliation';
import type { ReconciliationRun } from './reconciliation/reconciliation-runs.repository';
import type { RedriveOutcome } from './redrive/redrive.service';
import type { RedriveSummary } from './redrive/redrive.store';
import { orderState } from './test/order-state.fixtures';
import type { FinanceStateValue } from './views/finance-state.consumer';
import { ORDER_VIEWS, type OrderViews } from './views/order-views.repository';
import type { OrdersStateValue } from './views/orders-state.consumer';
import type { PurchasingStateValue } from './views/purchasing-state.consumer';
import type { ShipmentsStateValue } from './views/shipments-state.consumer';

const stack = testStack();
const serviceName = uniqueName('reconciler-it');
const schema = uniqueName('reconciler_it');
const group = defaultConsumerGroup(serviceName, TOPICS.ordersState);
// orders.state is the shared topic: partners of this test's own, and every assertion is per partner.
const clean = uniqueName('clean').toLowerCase();
const drifted = uniqueName('drift').toLowerCase();
const shipper = uniqueName('ship').toLowerCase();
const xid = (partner: string, po: string) => `tradewind.so_${partner}_${po}`.replace(/[^A-Za-z0-9_.]/g, '_');

describe('reconciler with the real Kafka, registry, PostgreSQL and the Odoo simulator', () => {
  let app: INestApplication;
  let odoo: OdooSimulator;
  let admin: OdooClient;
  let url: string;
  // The odoo-writer's breaker as its /metrics exposes it (0 closed, 2 open), served for the re-drive to read.
  let breaker = 0;
  let writerMetrics: Server;
  const products = new Map<string, number>();
  const customers = new Map<string, number>();

  before(async () => {
    writerMetrics = createServer((_, response) => {
      response.setHeader('content-type', 'text/plain; version=0.0.4');
      response.end(
        `# HELP tradewind_odoo_circuit_breaker_state Odoo circuit breaker: 0 closed, 1 half-open, 2 open.\n# TYPE tradewind_odoo_circuit_breaker_state gauge\ntradewind_odoo_circuit_breaker_state ${breaker}\n`,
      );
    });
    await new Promise<void>((resolve) => writerMetrics.listen(0, '127.0.0.1', resolve));
    const address = writerMetrics.address();
    const writerMetricsUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/metrics`;
    odoo = await startOdooSimulator();
    admin = createOdooClient({ url: odoo.url, db: odoo.db, apiKey: odoo.apiKeys.write, apiFlavor: 'json2' });
    for (const row of await admin.searchRead(
      'product.product',
      [['default_code', 'in', ['SKU-1001', 'SKU-1002']]],
      {
        fields: ['default_code'],
      },
    )) {
      products.set(String(row.default_code), row.id);
    }
    // Customers of their own, so no other test's orders name them.
    for (const partner of [clean, drifted, shipper]) {
      const [id] = await admin.create('res.partner', [{ name: `Customer of ${partner}` }]);
      customers.set(partner, id);
    }
    const config = loadConfig(reconcilerConfig, {
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
      // A day's window holds this test's orders and Odoo's writes of them; SLAs are past at once.
      RECONCILER_WINDOW: '24h',
      RECONCILER_STUCK_AFTER: '1ms',
      RECONCILER_ACKNOWLEDGE_WITHIN: '1ms',
      RECONCILER_ODOO_BATCH_SIZE: '2',
      RECONCILER_ODOO_WRITER_METRICS_URLS: writerMetricsUrl,
      RECONCILER_BREAKER_POLL: '100ms',
      RECONCILER_REDRIVE_RATE: '20',
      RECONCILER_REDRIVE_CANARY_TIMEOUT: '60s',
    });
    app = await NestFactory.create(AppModule.forRoot(config.values), { logger: false });
    await app.listen(0, '127.0.0.1');
    url = await app.getUrl();
  });

  after(async () => {
    await app?.close();
    writerMetrics?.close();
    await odoo?.stop();
    const kafka = createKafka({ brokers: stack.kafkaBrokers, clientId: `${serviceName}-cleanup` });
    const kafkaAdmin = kafka.admin();
    await kafkaAdmin.connect();
    const topic = TOPICS.ordersState;
    const resultsGroup = defaultConsumerGroup(serviceName, TOPICS.odooResults);
    const purchasingGroup = defaultConsumerGroup(serviceName, TOPICS.purchasingState);
    const shipmentsGroup = defaultConsumerGroup(serviceName, TOPICS.shipmentsState);
    const financeGroup = defaultConsumerGroup(serviceName, TOPICS.financeState);
    await kafkaAdmin
      .deleteTopics({
        topics: [
          retryTopicOf(topic, group),
          deadLetterTopicOf(topic, group),
          retryTopicOf(TOPICS.odooResults, resultsGroup),
          deadLetterTopicOf(TOPICS.odooResults, resultsGroup),
          retryTopicOf(TOPICS.purchasingState, purchasingGroup),
          deadLetterTopicOf(TOPICS.purchasingState, purchasingGroup),
          retryTopicOf(TOPICS.shipmentsState, shipmentsGroup),
          deadLetterTopicOf(TOPICS.shipmentsState, shipmentsGroup),
          retryTopicOf(TOPICS.financeState, financeGroup),
          deadLetterTopicOf(TOPICS.financeState, financeGroup),
        ],
      })
      .catch(() => undefined);
    await kafkaAdmin
      .deleteGroups([
        group,
        `${group}.retry`,
        resultsGroup,
        `${resultsGroup}.retry`,
        purchasingGroup,
        `${purchasingGroup}.retry`,
        shipmentsGroup,
        `${shipmentsGroup}.retry`,
        financeGroup,
        `${financeGroup}.retry`,
      ])
      .catch(() => undefined);
    await kafkaAdmin.disconnect();
    const pool = new Pool({ connectionString: stack.databaseUrl });
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  });

  /** The platform's order, and (unless told otherwise) the sale order the odoo-writer made of it. */
  function platformOrder(
    partner: string,
    po: string,
    overrides: Partial<OrdersStateValue> = {},
  ): OrdersStateValue {
    return orderState(partner, po, {
      odooExternalId: xid(partner, po),
      odooPartnerId: customers.get(partner)!,
      ...overrides,
    });
  }

  async function saleOrder(
    value: OrdersStateValue,
    options: { externalId?: string | null; ref?: string } = {},
  ) {
    const [id] = await admin.create('sale.order', [
      {
        partner_id: value.odooPartnerId!,
        client_order_ref: options.ref ?? value.poNumber,
        order_line: value.lines.map((line) =>
          Command.create({
            product_id: products.get(line.sku!)!,
            product_uom_qty: line.quantity,
            price_unit: line.unitPrice!,
          }),
        ),
      },
    ]);
    await admin.callAction('sale.order', 'action_confirm', [id]);
    const externalId = options.externalId === undefined ? value.odooExternalId : options.externalId;
    if (externalId !== null) {
      const [module, name] = [
        externalId.slice(0, externalId.indexOf('.')),
        externalId.slice(externalId.indexOf('.') + 1),
      ];
      await admin.create('ir.model.data', [{ module, name, model: 'sale.order', res_id: id }]);
    }
    return id;
  }

  async function post(window: string): Promise<ReconciliationRun> {
    const response = await fetch(`${url}/v1/reconciliation/windows/${window}/runs`, { method: 'POST' });
    assert.equal(response.status, 201, await response.clone().text());
    return (await response.json()) as ReconciliationRun;
  }

  it('classifies each drift, and proves a clean partner complete with a stable checksum', async () => {
    const cleanOrders = ['PO-1', 'PO-2', 'PO-3'].map((po) => platformOrder(clean, po));
    const deleted = platformOrder(drifted, 'PO-DELETED');
    const changed = platformOrder(drifted, 'PO-CHANGED');
    const dropped = platformOrder(drifted, 'PO-DROPPED', { status: OrderStatus.Accepted, version: 3 });
    const duplicated = platformOrder(drifted, 'PO-DUP');
    const stuck = platformOrder(drifted, 'PO-STUCK', { status: OrderStatus.Validated, odooExternalId: null });
    const unacknowledged = platformOrder(drifted, 'PO-NOACK', { status: OrderStatus.Confirmed });
    const drift = [deleted, changed, dropped, duplicated, stuck, unacknowledged];

    for (const value of cleanOrders) await saleOrder(value);
    const deletedId = await saleOrder(deleted);
    const changedId = await saleOrder(changed);
    await saleOrder(duplicated);
    const duplicateId = await saleOrder(duplicated, { externalId: null });
    await saleOrder(unacknowledged);
    const byHandId = await saleOrder(platformOrder(drifted, 'PO-BY-HAND'), {
      externalId: null,
      ref: 'PHONE-ORDER',
    });
    // Drift: a confirmed sale order deleted (cancelled first, as Odoo demands), a line quantity changed.
    await admin.callAction('sale.order', 'action_cancel', [deletedId]);
    await admin.unlink('sale.order', [deletedId]);
    const [firstLine] = await admin.searchRead('sale.order.line', [['order_id', '=', changedId]], {
      fields: ['id'],
      order: 'id asc',
      limit: 1,
    });
    await admin.write('sale.order.line', [firstLine.id], { product_uom_qty: 140 });

    const producer: TypedProducer<TopicValueMap> = app.get(TypedProducer);
    await producer.send(
      TOPICS.ordersState,
      [...cleanOrders, ...drift].map((value) => ({
        key: value.orderId,
        value,
        headers: { [HEADER.messageId]: randomUUID() },
      })),
    );
    const views = app.get<OrderViews>(ORDER_VIEWS);
    const now = Date.now();
    await expectEventually(
      async () => {
        const seen = await views.receivedIn(now - 3_600_000, now + 3_600_000);
        assert.equal(seen.filter((o) => o.partnerId === clean || o.partnerId === drifted).length, 9);
      },
      { timeoutMs: 60_000 },
    );

    const window = new Date(Math.floor(cleanOrders[0].updatedAt / 86_400_000) * 86_400_000).toISOString();
    const first = await post(window);
    const report = first.report;
    const cleanSummary = report.partners.find((p) => p.partnerId === clean)!;
    assert.equal(cleanSummary.verdict, 'complete');
    assert.equal(cleanSummary.orders, 3);
    assert.equal(cleanSummary.matchedInOdoo, 3);
    assert.equal(cleanSummary.amount, 3 * (100 * 0.45 + 50 * 0.12));
    assert.equal(cleanSummary.odooAmount, cleanSummary.amount);

    const found = report.discrepancies
      .filter((d) => d.partnerId === drifted)
      .map((d) => `${d.class} ${d.orderId ?? d.odooIds.join(',')}`)
      .sort();
    assert.deepEqual(found, [
      `${DiscrepancyClass.AcknowledgementNotSent} ${unacknowledged.orderId}`,
      `${DiscrepancyClass.DuplicatedInOdoo} ${duplicated.orderId}`,
      `${DiscrepancyClass.FieldsDiffer} ${changed.orderId}`,
      `${DiscrepancyClass.MissingInOdoo} ${deleted.orderId}`,
      `${DiscrepancyClass.MissingInOdoo} ${dropped.orderId}`,
      `${DiscrepancyClass.NoPlatformOrigin} ${byHandId}`,
      `${DiscrepancyClass.Stuck} ${dropped.orderId}`,
      `${DiscrepancyClass.Stuck} ${stuck.orderId}`,
    ]);
    const duplicate = report.discrepancies.find(
      (d) => d.class === DiscrepancyClass.DuplicatedInOdoo && d.partnerId === drifted,
    )!;
    assert.ok(duplicate.odooIds.includes(duplicateId));
    assert.match(
      report.discrepancies.find((d) => d.class === DiscrepancyClass.FieldsDiffer && d.partnerId === drifted)!
        .detail,
      /SKU-1001: quantity 100 on the platform, 140 in Odoo/,
    );
    assert.equal(report.partners.find((p) => p.partnerId === drifted)!.verdict, 'discrepancies');

    // The proof is stored and holds: run again, verify, read back.
    const second = await post(window);
    assert.equal(second.report.partners.find((p) => p.partnerId === clean)!.checksum, cleanSummary.checksum);
    const verification = (await (
      await fetch(`${url}/v1/reconciliation/windows/${window}/verification`)
    ).json()) as {
      partners: { partnerId: string; matches: boolean }[];
    };
    assert.equal(verification.partners.find((p) => p.partnerId === clean)?.matches, true);
    const stored = (await (
      await fetch(`${url}/v1/reconciliation/windows/${window}`)
    ).json()) as ReconciliationRun;
    assert.equal(stored.runId, second.runId);
    assert.equal((await fetch(`${url}/v1/reconciliation/windows/not-a-time`)).status, 400);

    // The business page: per partner counts, amounts, verdict and the discrepancies by class, escaped.
    const page = await fetch(`${url}/reconciliation/windows/${window}`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
    const html = await page.text();
    assert.ok(html.includes(`<td>${clean}</td>`) && html.includes(`<td>${drifted}</td>`));
    // Counted per class over the whole window: other tests on the shared broker may add their orders to it.
    assert.match(html, /Missing in Odoo \(\d+\)/);
    for (const po of ['PO-DELETED', 'PO-DROPPED']) assert.ok(html.includes(`<td>${drifted}/${po}</td>`), po);
    assert.ok(html.includes(`<td>2 missing in odoo<br>1 duplicated in odoo<br>`));
    assert.match(html, /Duplicated in Odoo \(\d+\)/);
    assert.ok(html.includes('SKU-1001: quantity 100 on the platform, 140 in Odoo'));
    assert.ok(!html.includes('<script'));
    const index = await (await fetch(`${url}/reconciliation`)).text();
    assert.ok(
      index.includes(`/reconciliation/windows/${encodeURIComponent(new Date(window).toISOString())}`),
    );
    assert.equal((await fetch(`${url}/reconciliation/windows/2000-01-01T00:00:01Z`)).status, 404);

    const metrics = await (await fetch(`${url}/metrics`)).text();
    assert.match(
      metrics,
      new RegExp(
        `tradewind_reconciliation_discrepancies\\{[^}]*partner="${drifted}"[^}]*class="missing_in_odoo"[^}]*\\} 2`,
      ),
    );
    assert.match(metrics, /tradewind_reconciler_records_total\{[^}]*outcome="applied"[^}]*\} [1-9]/);

    // Re-drive: the repairable ones as odoo.commands (audited), the rest for a person. The writer's
    // breaker reads open first: nothing is sent until it closes; then the canary alone until Odoo's
    // answer to it arrives on odoo.results; then the rest.
    const kafka = createKafka({ brokers: stack.kafkaBrokers, clientId: `${serviceName}-reader` });
    const since = {
      commands: await topicEnd(kafka, TOPICS.odooCommands),
      audit: await topicEnd(kafka, TOPICS.opsAudit),
      exceptions: await topicEnd(kafka, TOPICS.opsExceptions),
    };
    const ourCommands = async () =>
      (await recordsSince<OdooCommand>(kafka, stack.registryUrl, TOPICS.odooCommands, since.commands)).filter(
        (r) => r.value.issuedBy === serviceName,
      );
    breaker = 2;
    const response = await fetch(`${url}/v1/reconciliation/windows/${window}/redrives?partner=${drifted}`, {
      method: 'POST',
    });
    assert.equal(response.status, 202, await response.clone().text());
    const outcome = (await response.json()) as RedriveOutcome;
    assert.deepEqual(outcome.redriven.map((r) => `${r.class} ${r.orderId}`).sort(), [
      `${DiscrepancyClass.FieldsDiffer} ${changed.orderId}`,
      `${DiscrepancyClass.MissingInOdoo} ${deleted.orderId}`,
      `${DiscrepancyClass.MissingInOdoo} ${dropped.orderId}`,
    ]);
    const status = async (id: string) =>
      (await (await fetch(`${url}/v1/reconciliation/redrives/${id}`)).json()) as RedriveSummary;
    await expectEventually(async () => assert.equal((await status(outcome.redriveId)).status, 'paused'));
    assert.match((await status(outcome.redriveId)).detail ?? '', /breaker/);
    assert.match(await (await fetch(`${url}/metrics`)).text(), /tradewind_reconciliation_redrive_paused 1/);
    assert.deepEqual(await ourCommands(), [], 'nothing sent while the breaker is open');

    breaker = 0;
    const canary = outcome.redriven[0];
    await expectEventually(async () => {
      assert.equal((await status(outcome.redriveId)).status, 'canary');
      assert.deepEqual(
        (await ourCommands()).map((r) => r.value.commandId).sort(),
        [...canary.commandIds].sort(),
      );
    });
    await sleep(500);
    assert.equal((await ourCommands()).length, 2, 'the rest wait for the canary');

    const results = async (commands: readonly OdooCommand[], outcome: ResultOutcome) =>
      producer.send(
        TOPICS.odooResults,
        commands.map((command) => ({
          key: command.externalId,
          value: {
            commandId: command.commandId,
            externalId: command.externalId,
            type: command.type,
            outcome,
            odooModel: 'sale.order',
            odooId: null,
            errorClass: outcome === ResultOutcome.BusinessError ? 'ValidationError' : null,
            errorMessage: outcome === ResultOutcome.BusinessError ? 'refused for the test' : null,
            attempts: 1,
            completedAt: Date.now(),
          },
          headers: { [HEADER.messageId]: randomUUID() },
        })),
      );
    // Half an order answered is not an order that succeeded: the canary waits for both its commands.
    const firstCanary = (await ourCommands()).map((r) => r.value);
    await results(firstCanary.slice(0, 1), ResultOutcome.Written);
    await expectEventually(async () => {
      const summary = await status(outcome.redriveId);
      assert.equal(summary.commands.filter((c) => c.outcome !== null).length, 1, JSON.stringify(summary));
      assert.equal(summary.orders.succeeded, 0, JSON.stringify(summary));
      assert.equal(summary.status, 'canary');
    });
    await results(firstCanary, ResultOutcome.Written);
    await expectEventually(
      async () => {
        const summary = await status(outcome.redriveId);
        assert.equal(summary.status, 'sent');
        assert.equal(summary.orders.sent, 3);
        assert.equal(summary.orders.succeeded, 1);
      },
      { timeoutMs: 30_000 },
    );
    const commands = await ourCommands();
    assert.deepEqual(
      commands.map((r) => `${r.key} ${r.value.type}`).sort(),
      [changed, deleted, dropped]
        .flatMap((o) => [`${o.odooExternalId} confirm_sale_order`, `${o.odooExternalId} upsert_sale_order`])
        .sort(),
    );
    const upsertOfChanged = commands.find(
      (r) => r.key === changed.odooExternalId && r.value.upsertSaleOrder !== null,
    )!;
    assert.deepEqual(
      upsertOfChanged.value.upsertSaleOrder!.lines.map((l) => [l.productRef, l.quantity, l.priceUnit]),
      changed.lines.map((l) => [String(products.get(l.sku!)), l.quantity, l.unitPrice]),
    );
    const audit = (
      await recordsSince<AuditEvent>(kafka, stack.registryUrl, TOPICS.opsAudit, since.audit)
    ).filter((r) => r.value.partnerId === drifted && r.value.action === 'reconciliation.redrive');
    assert.equal(audit.length, 3);
    assert.match(audit[0].value.policy ?? '', /^canary/);
    const exceptions = (
      await recordsSince<OpsException>(kafka, stack.registryUrl, TOPICS.opsExceptions, since.exceptions)
    ).filter((r) => r.value.partnerId === drifted);
    assert.deepEqual(exceptions.map((r) => r.value.code).sort(), [
      'RECONCILIATION_DUPLICATE_IN_ODOO',
      'RECONCILIATION_NO_PLATFORM_ORIGIN',
    ]);

    // A canary Odoo refuses stops the re-drive: nothing else is sent, the stop is audited.
    const again = (await (
      await fetch(`${url}/v1/reconciliation/windows/${window}/redrives?partner=${drifted}`, {
        method: 'POST',
      })
    ).json()) as RedriveOutcome;
    let canaryCommands: OdooCommand[] = [];
    await expectEventually(async () => {
      canaryCommands = (await ourCommands())
        .map((r) => r.value)
        .filter((c) => again.redriven[0].commandIds.includes(c.commandId));
      assert.equal(canaryCommands.length, 2);
    });
    await results(canaryCommands, ResultOutcome.BusinessError);
    await expectEventually(async () => {
      const summary = await status(again.redriveId);
      assert.equal(summary.status, 'stopped');
      assert.match(summary.detail ?? '', /business_error/);
      assert.equal(summary.orders.sent, 1);
    });
    const stopAudit = (
      await recordsSince<AuditEvent>(kafka, stack.registryUrl, TOPICS.opsAudit, since.audit)
    ).filter((r) => r.value.partnerId === drifted && r.value.outcome === AuditOutcome.Rejected);
    assert.equal(stopAudit.length, 1);
    assert.match(stopAudit[0].value.reason ?? '', /2 orders not sent/);
    assert.equal((await ourCommands()).length, 8);
  });
  it('proves purchase orders per supplier: a clean one, one never sent, a quantity changed after the revision sent', async () => {
    // Confirmed in Odoo for boltworks-supply (the catalog's vendor), as a buyer does.
    const [vendor] = await admin.searchRead(
      'ir.model.data',
      [
        ['model', '=', 'res.partner'],
        ['module', '=', 'tradewind'],
        ['name', '=', 'vendor_boltworks'],
      ],
      { fields: ['res_id'] },
    );
    const confirmed = async () => {
      const [id] = await admin.create('purchase.order', [
        {
          partner_id: vendor.res_id,
          order_line: [Command.create({ product_id: products.get('SKU-1001')!, product_qty: 120 })],
        },
      ]);
      await admin.callAction('purchase.order', 'button_confirm', [id]);
      const [order] = await admin.read('purchase.order', [id], ['name']);
      const [line] = await admin.searchRead('purchase.order.line', [['order_id', '=', id]], {
        fields: ['id', 'price_unit'],
      });
      return { id, name: String(order.name), lineId: line.id, priceUnit: Number(line.price_unit) };
    };
    const clean = await confirmed();
    const changed = await confirmed();
    const unsent = await confirmed();
    // The gateway's leg: two 855s the gateway accepted; the clean order's trace names the first only.
    const namedAck = `doc-${randomUUID()}`;
    const lostAck = `doc-${randomUUID()}`;
    // What purchase-orders sent (revision 1, acknowledged): 10 cases of 12 at the case price.
    const sentAt = Date.now();
    const sent = (po: typeof clean): PurchasingStateValue => ({
      purchaseOrderId: `odoo/${po.id}`,
      odooOrderId: po.id,
      poNumber: po.name,
      supplierId: 'boltworks-supply',
      revision: 1,
      status: PurchaseOrderStatus.Acknowledged,
      currency: 'USD',
      lines: [
        {
          lineNumber: '1',
          sku: 'SKU-1001',
          supplierPartNumber: 'BW-SB-M8',
          quantity: 10,
          uom: 'CA',
          unitsPerUom: 12,
          unitPrice: Math.round(po.priceUnit * 12 * 10_000) / 10_000,
          expectedDate: '2026-12-08',
          ackStatus: 'accepted',
          ackQuantity: null,
          ackUnitPrice: null,
          ackDate: null,
        },
      ],
      trace: [
        { status: PurchaseOrderStatus.Sent, at: sentAt, revision: 1, detail: '850 sent', documentId: null },
        {
          status: PurchaseOrderStatus.Acknowledged,
          at: sentAt,
          revision: 1,
          detail: '855 AC',
          documentId: po === clean ? namedAck : null,
        },
      ],
      updatedAt: sentAt,
    });
    // Drift: a buyer changes the quantity in Odoo after the revision went out (and nothing sends it).
    await admin.write('purchase.order.line', [changed.lineId], { product_qty: 144 });
    const producer: TypedProducer<TopicValueMap> = app.get(TypedProducer);
    await producer.send(
      TOPICS.purchasingState,
      [clean, changed].map((po) => ({
        key: `odoo/${po.id}`,
        value: sent(po),
        headers: { [HEADER.messageId]: randomUUID() },
      })),
    );
    await producer.send(
      TOPICS.ingressDocuments,
      [namedAck, lostAck].map((documentId) => ({
        key: `boltworks-supply/po-acknowledgement/${documentId}`,
        value: {
          documentId,
          batchId: null,
          batchIndex: 0,
          batchSize: 1,
          partnerId: 'boltworks-supply',
          principal: 'itest',
          documentType: 'po-acknowledgement',
          format: DocumentFormat.Json,
          contentType: 'application/json',
          businessRef: documentId === namedAck ? clean.name : 'P-NEVER-APPLIED',
          interchangeRef: null,
          idempotencyKey: null,
          apiVersion: 'v1',
          receivedAt: sentAt,
          sha256: '0'.repeat(64),
          sizeBytes: 0,
          payload: null,
          claimCheckUri: null,
          correction: null,
        },
        headers: { [HEADER.messageId]: randomUUID() },
      })),
    );
    const window = new Date(Math.floor(sentAt / 86_400_000) * 86_400_000).toISOString();
    let report: ReconciliationRun['report'] | undefined;
    // Other tests on the shared broker may send boltworks' orders too: asserted per purchase order.
    await expectEventually(
      async () => {
        report = (await post(window)).report;
        const ours = report.discrepancies
          .filter(
            (d) =>
              d.workflow === 'purchase-order' &&
              [clean, changed, unsent].some((po) => d.odooIds.includes(po.id)),
          )
          .map((d) => `${d.class} ${d.orderId}`)
          .sort();
        assert.deepEqual(ours, [
          `${DiscrepancyClass.FieldsDiffer} odoo/${changed.id}`,
          `${DiscrepancyClass.NotOnPlatform} odoo/${unsent.id}`,
        ]);
        // The acknowledgement no trace names is lost (past the SLA of 1 ms); the one named is not.
        const documents = report.discrepancies
          .filter(
            (d) => d.workflow === 'purchase-order' && [namedAck, lostAck].some((id) => d.detail.includes(id)),
          )
          .map((d) => `${d.class} ${d.partnerId} ${d.detail}`);
        assert.deepEqual(documents, [
          `${DiscrepancyClass.NotOnPlatform} boltworks-supply document ${lostAck} (P-NEVER-APPLIED) accepted by the gateway, no purchase order on purchasing.state names it (refused? see ops.exceptions)`,
        ]);
      },
      { timeoutMs: 30_000 },
    );
    const supplier = report!.partners.find(
      (p) => p.partnerId === 'boltworks-supply' && p.workflow === 'purchase-order',
    )!;
    assert.ok(supplier.matchedInOdoo >= 1, 'the clean purchase order is matched');
    assert.ok(supplier.received >= 2, 'both acknowledgements count as received');
    assert.equal(supplier.verdict, 'discrepancies');
    assert.match(
      report!.discrepancies.find((d) => d.orderId === `odoo/${changed.id}`)!.detail,
      /SKU-1001: 120 Units sent \(revision 1\), 144 in Odoo/,
    );
    const html = await (await fetch(`${url}/reconciliation/windows/${window}`)).text();
    assert.ok(html.includes('<td>purchase-order</td>'));

    // No re-drive of a purchase order: what needs a buyer is raised for a person, nothing is sent.
    const kafka = createKafka({ brokers: stack.kafkaBrokers, clientId: `${serviceName}-po-reader` });
    const since = await topicEnd(kafka, TOPICS.opsExceptions);
    const response = await fetch(
      `${url}/v1/reconciliation/windows/${window}/redrives?partner=boltworks-supply`,
      { method: 'POST' },
    );
    assert.equal(response.status, 202, await response.clone().text());
    const outcome = (await response.json()) as RedriveOutcome;
    assert.deepEqual(outcome.redriven, []);
    const mine = [`odoo/${changed.id}`, `odoo/${unsent.id}`];
    await expectEventually(async () => {
      const raised = (
        await recordsSince<OpsException>(kafka, stack.registryUrl, TOPICS.opsExceptions, since)
      ).filter((r) => mine.includes(r.value.businessKey ?? ''));
      assert.deepEqual(
        raised.map((r) => `${r.value.code} ${r.value.businessKey} ${r.value.sourceTopic}`).sort(),
        mine.map((key) => `RECONCILIATION_PURCHASE_ORDER ${key} ${TOPICS.purchasingState}`),
      );
      // The lost acknowledgement under a key of its own, naming the gateway's document.
      const lost = (
        await recordsSince<OpsException>(kafka, stack.registryUrl, TOPICS.opsExceptions, since)
      ).filter((r) => r.value.documentId === lostAck);
      assert.deepEqual(
        lost.map((r) => `${r.key} ${r.value.code} ${r.value.sourceTopic} ${r.value.correlationId}`),
        [`document:${lostAck} RECONCILIATION_PURCHASE_ORDER ${TOPICS.ingressDocuments} ${lostAck}`],
      );
    });
    const metrics = await (await fetch(`${url}/metrics`)).text();
    assert.match(
      metrics,
      /tradewind_reconciliation_discrepancies\{[^}]*workflow="purchase-order"[^}]*partner="boltworks-supply"[^}]*class="not_on_platform"[^}]*\} [1-9]/,
    );
  });

  it("proves shipments per customer against Odoo's deliveries: validated, not validated, validated by hand, never validated", async () => {
    // The customer's orders as order-intake left them (orders.state, and the writer's sale orders).
    const orders = ['PO-SHIPPED', 'PO-UNVALIDATED', 'PO-BY-HAND', 'PO-NO-VALIDATION'].map((po) =>
      platformOrder(shipper, po, { odooExternalId: saleOrderExternalId(shipper, po) }),
    );
    const saleOrders = new Map<string, number>();
    for (const value of orders) saleOrders.set(value.poNumber, await saleOrder(value));
    const deliveryOf = async (po: string) =>
      (await admin.search('stock.picking', [['sale_id', '=', saleOrders.get(po)!]]))[0];
    /** The delivery validated in full, as ship-picking does (tracking reference, then button_validate). */
    const validate = async (po: string, tracking: string | false) => {
      const picking = await deliveryOf(po);
      await admin.write('stock.picking', [picking], { carrier_tracking_ref: tracking });
      await admin.callAction('stock.picking', 'button_validate', [picking]);
      return picking;
    };
    const stamp = Date.now().toString(36).toUpperCase();
    const shipment = (
      n: number,
      po: string,
      overrides: Partial<ShipmentsStateValue> = {},
    ): ShipmentsStateValue => ({
      shipmentId: `HRBR/1Z${stamp}${n}/2026-12-01`,
      carrier: 'HRBR',
      trackingNumber: `1Z${stamp}${n}`,
      shipDate: '2026-12-01',
      shipmentRef: null,
      milestone: ShipmentMilestone.InTransit,
      milestoneAt: Date.now(),
      statusDetail: null,
      terminal: false,
      version: 3,
      orders: [{ partnerId: shipper, poNumber: po, pickingValidation: randomUUID() }],
      history: [],
      proofOfDelivery: null,
      updatedAt: Date.now(),
      ...overrides,
    });
    const shipped = shipment(1, 'PO-SHIPPED', {
      milestone: ShipmentMilestone.Delivered,
      terminal: true,
      proofOfDelivery: {
        signedBy: 'R. Receiver',
        signedAt: Date.now(),
        place: null,
        documentUri: null,
        sha256: null,
        contentType: null,
        sourcePartnerId: 'harbor-3pl',
      },
    });
    const unvalidated = shipment(2, 'PO-UNVALIDATED');
    const neverValidated = shipment(4, 'PO-NO-VALIDATION', {
      orders: [{ partnerId: shipper, poNumber: 'PO-NO-VALIDATION', pickingValidation: null }],
    });
    const shippedPicking = await validate('PO-SHIPPED', shipped.trackingNumber);
    const unvalidatedPicking = await deliveryOf('PO-UNVALIDATED');
    // Drift: a person validates a delivery in Odoo that no ship notice reported.
    const byHandPicking = await validate('PO-BY-HAND', false);

    const producer: TypedProducer<TopicValueMap> = app.get(TypedProducer);
    await producer.send(
      TOPICS.ordersState,
      orders.map((value) => ({ key: value.orderId, value, headers: { [HEADER.messageId]: randomUUID() } })),
    );
    await producer.send(
      TOPICS.shipmentsState,
      [shipped, unvalidated, neverValidated].map((value) => ({
        key: value.shipmentId,
        value,
        headers: { [HEADER.messageId]: randomUUID() },
      })),
    );
    const window = new Date(Math.floor(Date.now() / 86_400_000) * 86_400_000).toISOString();
    let report: ReconciliationRun['report'] | undefined;
    await expectEventually(
      async () => {
        report = (await post(window)).report;
        const ours = report.discrepancies
          .filter((d) => d.workflow === 'shipment' && d.partnerId === shipper)
          .map((d) => `${d.class} ${d.orderId ?? '-'} ${d.odooIds.join(',')}`)
          .sort();
        assert.deepEqual(ours, [
          `${DiscrepancyClass.MissingInOdoo} ${unvalidated.shipmentId} ${unvalidatedPicking}`,
          `${DiscrepancyClass.NoPlatformOrigin} - ${byHandPicking}`,
          `${DiscrepancyClass.Stuck} ${neverValidated.shipmentId} `,
        ]);
        // The sales path of the same orders is clean once the view has all four (orders.state is in
        // flight beside shipments.state): the shipments are their own workflow.
        assert.equal(
          report.partners.find((p) => p.partnerId === shipper && p.workflow === 'sales-order')?.verdict,
          'complete',
        );
      },
      { timeoutMs: 60_000 },
    );
    const summary = report!.partners.find((p) => p.partnerId === shipper && p.workflow === 'shipment')!;
    assert.deepEqual(
      [summary.orders, summary.expectedInOdoo, summary.matchedInOdoo, summary.amount, summary.verdict],
      [3, 2, 1, 0, 'discrepancies'],
    );
    assert.ok(shippedPicking > 0);
    const html = await (await fetch(`${url}/reconciliation/windows/${window}`)).text();
    assert.ok(html.includes('<td>shipment</td>'));
    // The stored proof covers the shipments and still holds when recomputed. The window is the day's,
    // shared with the other cases and tests on the broker: once their records settle, a run's proof holds.
    await expectEventually(
      async () => {
        await post(window);
        const verification = (await (
          await fetch(`${url}/v1/reconciliation/windows/${window}/verification`)
        ).json()) as { matches: boolean };
        assert.equal(verification.matches, true);
      },
      { timeoutMs: 30_000 },
    );

    // Nothing is re-driven: what Odoo holds wrong goes to a person, the stuck shipment to its alert.
    const kafka = createKafka({ brokers: stack.kafkaBrokers, clientId: `${serviceName}-shipment-reader` });
    const since = await topicEnd(kafka, TOPICS.opsExceptions);
    const response = await fetch(`${url}/v1/reconciliation/windows/${window}/redrives?partner=${shipper}`, {
      method: 'POST',
    });
    assert.equal(response.status, 202, await response.clone().text());
    assert.deepEqual(((await response.json()) as RedriveOutcome).redriven, []);
    await expectEventually(async () => {
      const raised = (
        await recordsSince<OpsException>(kafka, stack.registryUrl, TOPICS.opsExceptions, since)
      ).filter((r) => r.value.partnerId === shipper);
      assert.deepEqual(
        raised.map((r) => `${r.value.code} ${r.value.details[0].code} ${r.value.sourceTopic}`).sort(),
        [
          `RECONCILIATION_SHIPMENT ${DiscrepancyClass.MissingInOdoo} ${TOPICS.shipmentsState}`,
          `RECONCILIATION_SHIPMENT ${DiscrepancyClass.NoPlatformOrigin} ${TOPICS.shipmentsState}`,
        ],
      );
    });
    const metrics = await (await fetch(`${url}/metrics`)).text();
    assert.match(
      metrics,
      new RegExp(
        `tradewind_reconciliation_discrepancies\\{[^}]*workflow="shipment"[^}]*partner="${shipper}"[^}]*class="no_platform_origin"[^}]*\\} 1`,
      ),
    );
  });

  it('proves invoices and supplier bills per partner: clean ones matched, a payment that is not in Odoo, a held invoice billed by hand', async () => {
    const idOf = async (name: string) =>
      (
        await admin.searchRead(
          'ir.model.data',
          [
            ['module', '=', 'tradewind'],
            ['name', '=', name],
          ],
          { fields: ['res_id'] },
        )
      )[0].res_id as number;
    const [customer, vendor, product, tax] = await Promise.all(
      ['customer_acme', 'vendor_boltworks', 'product_sku_1001', 'tax_sale_10'].map(idOf),
    );
    // Posted in Odoo as accounting and the odoo-writer leave them: 2 × 10.00 + 10% tax, and 12 × 0.21 bills.
    const posted = async (values: Record<string, unknown>, line: Record<string, unknown>) => {
      const [id] = await admin.create('account.move', [
        {
          ...values,
          invoice_date: '2026-12-01',
          invoice_line_ids: [Command.create({ product_id: product, ...line })],
        },
      ]);
      await admin.callAction('account.move', 'action_post', [id]);
      return id;
    };
    const invoice = () =>
      posted(
        { move_type: 'out_invoice', partner_id: customer },
        { quantity: 2, price_unit: 10, tax_ids: [Command.set([tax])] },
      );
    const [cleanInvoice, unpaidInvoice] = [await invoice(), await invoice()];
    const number = uniqueName('BW');
    const billXid = `tradewind.bill_${number.replace(/[^A-Za-z0-9]/g, '_')}`;
    const cleanBill = await posted(
      { move_type: 'in_invoice', partner_id: vendor, ref: `${number}-1` },
      { quantity: 12, price_unit: 0.21 },
    );
    await admin.create('ir.model.data', [
      {
        module: 'tradewind',
        name: billXid.slice('tradewind.'.length),
        model: 'account.move',
        res_id: cleanBill,
      },
    ]);
    // Drift: the invoice held for its differences was entered and posted by hand in Odoo.
    const handBill = await posted(
      { move_type: 'in_invoice', partner_id: vendor, ref: `${number}-2` },
      { quantity: 12, price_unit: 0.25 },
    );
    const at = Date.now();
    const state = (key: string, value: Partial<FinanceStateValue>): FinanceStateValue => ({
      key,
      subject: FinanceSubject.Invoice,
      status: FinanceStatus.Exported,
      partnerId: 'bazaarly',
      reference: key,
      currency: 'USD',
      amountMinor: 2_200,
      residualMinor: 2_200,
      rule: null,
      confidence: null,
      invoices: [],
      reason: null,
      version: at,
      updatedAt: at,
      purchaseOrder: null,
      differences: [],
      billExternalId: null,
      ...value,
    });
    const heldKey = `supplier-invoice/boltworks-supply/${number}-2`;
    const records = [
      state(`invoice/${cleanInvoice}`, {}),
      // Drift: paid on the platform, nothing paid in Odoo.
      state(`invoice/${unpaidInvoice}`, { status: FinanceStatus.Paid, residualMinor: 0 }),
      state(`supplier-invoice/boltworks-supply/${number}-1`, {
        subject: FinanceSubject.SupplierInvoice,
        status: FinanceStatus.Posted,
        partnerId: 'boltworks-supply',
        reference: `${number}-1`,
        amountMinor: 252,
        residualMinor: null,
        billExternalId: billXid,
        version: 2,
      }),
      state(heldKey, {
        subject: FinanceSubject.SupplierInvoice,
        status: FinanceStatus.Held,
        partnerId: 'boltworks-supply',
        reference: `${number}-2`,
        amountMinor: 300,
        residualMinor: null,
        differences: ['line 1 unit_price: expected 0.21, got 0.25'],
      }),
    ];
    const producer: TypedProducer<TopicValueMap> = app.get(TypedProducer);
    await producer.send(
      TOPICS.financeState,
      records.map((value) => ({ key: value.key, value, headers: { [HEADER.messageId]: randomUUID() } })),
    );
    const keys = records.map((r) => r.key);
    const window = new Date(Math.floor(at / 86_400_000) * 86_400_000).toISOString();
    let report: ReconciliationRun['report'] | undefined;
    await expectEventually(
      async () => {
        report = (await post(window)).report;
        const ours = report.discrepancies
          .filter((d) => d.workflow === 'invoice' && keys.includes(d.orderId ?? ''))
          .map((d) => `${d.class} ${d.orderId} ${d.odooIds.join(',')}`)
          .sort();
        assert.deepEqual(ours, [
          `${DiscrepancyClass.FieldsDiffer} invoice/${unpaidInvoice} ${unpaidInvoice}`,
          `${DiscrepancyClass.NotOnPlatform} ${heldKey} ${handBill}`,
          `${DiscrepancyClass.Stuck} ${heldKey} `,
        ]);
      },
      { timeoutMs: 30_000 },
    );
    assert.match(
      report!.discrepancies.find((d) => d.orderId === `invoice/${unpaidInvoice}`)!.detail,
      /paid on the platform, not_paid in Odoo; residual 0\.00 on the platform, 22\.00 in Odoo/,
    );
    // Other tests on the shared broker may publish these partners' records too: at least ours are matched.
    const summary = (partnerId: string) =>
      report!.partners.find((p) => p.partnerId === partnerId && p.workflow === 'invoice')!;
    assert.ok(summary('bazaarly').matchedInOdoo >= 1, 'the clean invoice is matched');
    assert.ok(summary('boltworks-supply').matchedInOdoo >= 1, 'the clean vendor bill is matched');

    // Money is never re-driven: each finance discrepancy is raised for a person, nothing is sent.
    const kafka = createKafka({ brokers: stack.kafkaBrokers, clientId: `${serviceName}-finance-reader` });
    const since = await topicEnd(kafka, TOPICS.opsExceptions);
    const response = await fetch(
      `${url}/v1/reconciliation/windows/${window}/redrives?partner=boltworks-supply`,
      { method: 'POST' },
    );
    assert.equal(response.status, 202, await response.clone().text());
    assert.deepEqual(((await response.json()) as RedriveOutcome).redriven, []);
    await expectEventually(async () => {
      const raised = (
        await recordsSince<OpsException>(kafka, stack.registryUrl, TOPICS.opsExceptions, since)
      ).filter((r) => r.value.businessKey === heldKey);
      assert.deepEqual(
        raised.map((r) => `${r.value.code} ${r.value.details[0].code} ${r.value.sourceTopic}`).sort(),
        [
          `RECONCILIATION_FINANCE ${DiscrepancyClass.NotOnPlatform} ${TOPICS.financeState}`,
          `RECONCILIATION_FINANCE ${DiscrepancyClass.Stuck} ${TOPICS.financeState}`,
        ],
      );
    });
    const metrics = await (await fetch(`${url}/metrics`)).text();
    assert.match(
      metrics,
      /tradewind_reconciliation_discrepancies\{[^}]*workflow="invoice"[^}]*partner="bazaarly"[^}]*class="fields_differ"[^}]*\} [1-9]/,
    );
  });
});
