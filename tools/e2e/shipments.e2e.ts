// Issue 10's must-show on the real Kafka, registry and PostgreSQL with the Odoo simulator: 10,000 carrier
// and 3PL events for 1,000 shipments, shuffled, with 10% sent twice, through the shipments service (in
// process, consuming ingress.documents as the gateway publishes it). Every shipment ends delivered with its
// ten events in its history (late ones recorded, impossible ones flagged and raised on ops.exceptions once),
// one validate_picking per order whatever arrived twice, and the odoo-writer — every command delivered
// twice — validates each Odoo picking exactly once, a partial shipment leaving a backorder.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadConfig } from '@tradewind/config';
import {
  type IngressDocument,
  type OdooCommand,
  type OpsException,
  type OutboundDocument,
  type ShipmentState,
  TOPICS,
} from '@tradewind/contracts';
import { AvroSerde, createKafka, HEADER } from '@tradewind/messaging';
import { configureLogging } from '@tradewind/observability';
import { type OdooSimulator, startOdooSimulator } from '@tradewind/odoo-simulator';
import { saleOrderExternalId } from '@tradewind/partner-catalog';
import { asIngressDocuments, planShipments } from '@tradewind/partner-testing';
import { expectEventually, newGroupsStartNow, testStack, uniqueName } from '@tradewind/testing';
import type { Consumer } from 'kafkajs';
import { Pool } from 'pg';

// The must-show composes two services' Nest-free cores in one process (shipments' and the odoo-writer's,
// against the simulator) so that 10,000 events stay within an e2e's time; services have no import alias,
// hence the boundary exceptions below, for these imports only.
/* eslint-disable @nx/enforce-module-boundaries */
import { createWriterCommand } from '../../services/odoo-writer/src/commands/writer-command';
import { odooWriterConfig } from '../../services/odoo-writer/src/odoo-writer.config';
import { createOdooWriterCore, type OdooWriterCore } from '../../services/odoo-writer/src/odoo-writer.core';
import { confirmSaleOrder, upsertSaleOrder } from '../../services/odoo-writer/src/test/command-fixtures';
import { AppModule } from '../../services/shipments/src/app.module';
import { shipmentsConfig } from '../../services/shipments/src/shipments.config';
import { ShipmentsCore } from '../../services/shipments/src/shipments.core';
/* eslint-enable @nx/enforce-module-boundaries */

configureLogging({ level: 'warn' });

const SHIPMENTS = Number(process.env.TW_SHIPMENTS_E2E_COUNT ?? 1_000);
const stack = testStack();
const serviceName = uniqueName('shipments-e2e');
const schema = uniqueName('shipments_e2e');
const tag = serviceName
  .replace(/[^a-z0-9]/gi, '')
  .slice(-8)
  .toUpperCase();

function shuffle<T>(items: T[], seed = 42): T[] {
  let s = seed;
  const random = (): number => (s = (s * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

void describe('shipments: 10,000 shuffled events for 1,000 shipments, 10% twice (real stack, Odoo simulator)', () => {
  const plans = planShipments(SHIPMENTS, { tag });
  const ours = new Set(plans.map((p) => p.shipmentId));
  const states = new Map<string, ShipmentState>();
  const commands: OdooCommand[] = [];
  const exceptions: OpsException[] = [];
  const notices: OutboundDocument[] = [];
  let app: INestApplication;
  let odoo: OdooSimulator;
  let writer: OdooWriterCore;
  let reader: Consumer;

  before(async () => {
    odoo = await startOdooSimulator();
    const { values } = loadConfig(odooWriterConfig, {
      ODOO_URL: odoo.url,
      ODOO_API_KEY: odoo.apiKeys.write,
      ODOO_API_FLAVOR: 'json2',
      ODOO_BATCH_LINGER: '2ms',
    });
    writer = createOdooWriterCore(values);
    // The customer orders, confirmed in Odoo: one delivery each, waiting for its shipment.
    for (let i = 0; i < plans.length; i += 100) {
      const slice = plans.slice(i, i + 100);
      const xids = slice.map((p) => saleOrderExternalId(p.customer, p.poNumber));
      await Promise.all(
        xids.map((xid) => writer.writer.execute(createWriterCommand(upsertSaleOrder(xid, { lines: 2 })))),
      );
      await Promise.all(xids.map((xid) => writer.writer.execute(createWriterCommand(confirmSaleOrder(xid)))));
    }

    const kafka = createKafka({ brokers: stack.kafkaBrokers, clientId: `${serviceName}-reader` });
    const serde = new AvroSerde({ registryUrl: stack.registryUrl });
    const topics = [
      TOPICS.shipmentsState,
      TOPICS.odooCommands,
      TOPICS.opsExceptions,
      TOPICS.partnersOutbound,
    ];
    const admin = kafka.admin();
    await admin.connect();
    const ends = await Promise.all(
      topics.map(async (topic) => ({ topic, offsets: await admin.fetchTopicOffsets(topic) })),
    );
    await admin.disconnect();
    reader = kafka.consumer({ groupId: `${serviceName}-reader` });
    await reader.connect();
    await reader.subscribe({ topics, fromBeginning: false });
    await reader.run({
      eachMessage: async ({ topic, message }) => {
        if (message.value === null) return;
        const key = message.key?.toString() ?? '';
        switch (topic) {
          case TOPICS.shipmentsState:
            if (ours.has(key)) {
              const { value } = await serde.decode<ShipmentState>(message.value);
              const seen = states.get(key);
              if (seen === undefined || seen.version <= value.version) states.set(key, value);
            }
            break;
          case TOPICS.odooCommands:
            if (key.includes(tag)) commands.push((await serde.decode<OdooCommand>(message.value)).value);
            break;
          case TOPICS.opsExceptions:
            if (ours.has(key)) exceptions.push((await serde.decode<OpsException>(message.value)).value);
            break;
          default: {
            const value = (await serde.decode<OutboundDocument>(message.value)).value;
            if (value.outboundId.includes(tag)) notices.push(value);
          }
        }
      },
    });
    for (const { topic, offsets } of ends)
      for (const { partition, offset } of offsets) reader.seek({ topic, partition, offset });

    const config = loadConfig(shipmentsConfig, {
      SERVICE_NAME: serviceName,
      SOURCE_SYSTEM: serviceName,
      KAFKA_BROKERS: stack.kafkaBrokers.join(','),
      KAFKA_NEW_GROUP_START_AT: newGroupsStartNow(),
      SCHEMA_REGISTRY_URL: stack.registryUrl,
      DATABASE_URL: stack.databaseUrl,
      DATABASE_SCHEMA: schema,
      DATABASE_POOL_SIZE: '16',
      SHIPMENT_DOCUMENTS_KEY_CONCURRENCY: '16',
      HTTP_PORT: '0',
      LOG_LEVEL: 'warn',
    });
    app = await NestFactory.create(AppModule.forRoot(config.values), { logger: false });
    await app.listen(0, '127.0.0.1');
  });

  after(async () => {
    await app?.close();
    await reader?.disconnect();
    writer?.close();
    await odoo?.stop();
    const pool = new Pool({ connectionString: stack.databaseUrl });
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  });

  it('ends every shipment in the right state and history, and validates each picking exactly once', async () => {
    const records: IngressDocument[] = [];
    for (const plan of plans)
      for (const document of plan.documents) records.push(...asIngressDocuments(document));
    assert.equal(records.length, SHIPMENTS * 10);
    // 10% sent again by their partner: the same content under a new tracking id.
    const duplicates = shuffle([...records], 7)
      .slice(0, SHIPMENTS)
      .map((r) => ({ ...r, documentId: `${r.documentId}-again` }));
    const traffic = shuffle([...records, ...duplicates]);
    // Through the service module in process: the object its ingress.documents consumer hands each record
    // to, called as the consumer runner would (several keys at once), so the figure is not the broker's.
    const core = app.get(ShipmentsCore);
    const started = Date.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < traffic.length) {
          const i = next++;
          const value = traffic[i];
          await core.onDocument(
            value,
            { [HEADER.messageId]: `${value.documentId}/${i}` },
            {
              topic: TOPICS.ingressDocuments,
              partition: 0,
              offset: String(i),
            },
          );
        }
      }),
    );
    await expectEventually(
      () => {
        const done = [...states.values()].filter((s) => s.version === 10).length;
        assert.equal(done, SHIPMENTS, `${done} of ${SHIPMENTS} shipments have all their events`);
      },
      { timeoutMs: 80_000, intervalMs: 500 },
    );
    console.log(
      `shipments e2e: ${traffic.length} documents to their final states in ${Date.now() - started} ms`,
    );
    for (const plan of plans) {
      const state = states.get(plan.shipmentId)!;
      assert.equal(state.milestone, plan.expected.milestone, plan.shipmentId);
      assert.equal(state.milestoneAt, plan.expected.milestoneAt, plan.shipmentId);
      assert.equal(state.terminal, true);
      assert.equal(state.history.length, plan.expected.events);
      const times = state.history.map((h) => h.eventAt);
      assert.deepEqual(
        times,
        [...times].sort((a, b) => a - b),
        'history in event-time order',
      );
      assert.equal(state.history.filter((h) => h.effect === 'impossible').length, plan.expected.impossible);
      assert.equal(state.proofOfDelivery?.signedBy, `Receiver ${plans.indexOf(plan)}`);
      assert.deepEqual(
        state.orders.map((o) => [o.partnerId, o.poNumber]),
        [[plan.customer, plan.poNumber]],
      );
    }
    await expectEventually(() => {
      assert.equal(exceptions.length, plans.filter((p) => p.expected.impossible > 0).length);
      assert.equal(commands.length, SHIPMENTS, 'one validate_picking per order, duplicates or not');
    });
    assert.ok(
      exceptions.every((e) => e.code === 'IMPOSSIBLE_MILESTONE' && e.message.includes('after delivered')),
    );

    // The writer gets every command twice (a redelivery): written once, already done the second time.
    const outcomes = new Map<string, number>();
    for (let i = 0; i < commands.length; i += 50) {
      const slice = commands.slice(i, i + 50);
      for (const round of [1, 2]) {
        const results = await Promise.all(slice.map((c) => writer.writer.execute(createWriterCommand(c))));
        for (const r of results)
          outcomes.set(`${round}:${r.outcome}`, (outcomes.get(`${round}:${r.outcome}`) ?? 0) + 1);
      }
    }
    assert.deepEqual(Object.fromEntries(outcomes), { '1:written': SHIPMENTS, '2:already_done': SHIPMENTS });
    for (const plan of plans) {
      const order = odoo.store.findByExternalId(saleOrderExternalId(plan.customer, plan.poNumber))!;
      const pickings = odoo.store
        .search('stock.picking', [['sale_id', '=', order.id]])
        .map(
          (id) =>
            odoo.store.read('stock.picking', [id], ['state', 'carrier_tracking_ref', 'backorder_id'])[0],
        );
      const validated = pickings.filter((p) => p.state === 'done');
      assert.deepEqual(
        validated.map((p) => p.carrier_tracking_ref),
        [plan.trackingNumber],
        plan.poNumber,
      );
      const partial = plan.lines.some((l) => l.sku === 'SKU-1002' && l.quantity === 1);
      assert.equal(
        pickings.filter((p) => p.state !== 'done' && p.backorder_id !== false).length,
        partial ? 1 : 0,
      );
    }
    // Customer notices: each subscribed milestone at most once per shipment and customer.
    const ids = notices.map((n) => n.outboundId);
    assert.equal(new Set(ids).size, ids.length);
    assert.ok(notices.some((n) => n.partnerId === 'globex-edi' && n.format === 'x12'));
    assert.ok(notices.some((n) => n.partnerId === 'acme-portal' && n.format === 'json'));
  });
});
