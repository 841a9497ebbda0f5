// purchase-orders in process against the real Kafka, registry and PostgreSQL and the Odoo simulator: a
// purchase order confirmed in Odoo reaches partners.outbound as an 850 in the supplier's part numbers and
// packs, once although Odoo's webhook and the poll both report it; the supplier's 855 moves one date (an
// odoo.commands set_purchase_line_dates, and Odoo's write of it is not sent back as a change) and raises
// its price beyond tolerance (a business exception); a missing 855 and 997 escalate on a manual clock, after
// a restart; a quantity changed in Odoo after sending goes out as an X12 860, never as a second 850; the
// supplier's 856 makes the order shipped.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadConfig } from '@tradewind/config';
import {
  HEADER,
  type IngressDocument,
  type OdooCommand,
  type OpsException,
  type OutboundDocument,
  type PurchaseOrderState,
  TOPICS,
  type TopicValueMap,
} from '@tradewind/contracts';
import { AvroSerde, createKafka, deadLetterTopicOf, retryTopicOf, TypedProducer } from '@tradewind/messaging';
import { defaultConsumerGroup } from '@tradewind/messaging-nest';
import { Command, createOdooClient, type OdooClient } from '@tradewind/odoo-client';
import { type OdooSimulator, startOdooSimulator } from '@tradewind/odoo-simulator';
import { buildX12ShipNotice, CONTENT_TYPES } from '@tradewind/partner-documents';
import {
  odooPurchaseOrderWebhook,
  supplier855,
  supplier997,
  TopicCollector,
} from '@tradewind/partner-testing';
import { expectEventually, newGroupsStartNow, testStack, uniqueName } from '@tradewind/testing';
import type { Kafka } from 'kafkajs';
import { Pool } from 'pg';

import { AppModule } from './app.module';
import { PurchaseOrderIntake } from './intake/purchase-order.intake';
import { purchaseOrdersConfig } from './purchase-orders.config';
import { ManualClock } from './purchasing/clock';
import { OdooPurchaseOrdersReader } from './purchasing/odoo-purchase-orders.reader';
import { PurchasingCore } from './purchasing/purchasing.core';

const stack = testStack();
const serviceName = uniqueName('purchase-orders-it');
const schema = uniqueName('purchase_orders_it');
const collectorGroup = uniqueName('purchase-orders-it-collector');
const SUPPLIER = 'boltworks-supply';
const parties = (controlNumber: number) => ({
  senderId: 'BOLTWORKS',
  receiverId: 'TRADEWIND',
  controlNumber,
});
const MINUTE = 60_000;

describe('purchase-orders with the real Kafka, registry, PostgreSQL and the Odoo simulator', () => {
  let odoo: OdooSimulator;
  let admin: OdooClient;
  let app: INestApplication;
  let kafka: Kafka;
  let collector: TopicCollector;
  let producer: TypedProducer<TopicValueMap>;
  const clock = new ManualClock(Date.parse('2026-12-01T09:00:00Z'));
  const ids = { vendor: 0, bolt: 0, nut: 0, dozen: 0, cascade: 0, drill: 0 };

  const mine = (r: { headers: Record<string, string | undefined> }) =>
    r.headers[HEADER.sourceSystem] === serviceName;
  const outbound = (orderId: number) =>
    collector
      .of<OutboundDocument>(
        TOPICS.partnersOutbound,
        (r) => mine(r) && r.value.relatesTo.includes(`odoo/${orderId}`),
      )
      .map((r) => ({ ...r.value, payload: r.value.payload as unknown as string }));
  const states = (orderId: number) =>
    collector
      .of<PurchaseOrderState>(TOPICS.purchasingState, (r) => mine(r) && r.key === `odoo/${orderId}`)
      .map((r) => r.value);
  const exceptions = (orderId: number) =>
    collector
      .of<OpsException>(TOPICS.opsExceptions, (r) => mine(r) && r.value.sourceKey === `odoo/${orderId}`)
      .map((r) => r.value);
  const commands = (orderId: number) =>
    collector
      .of<OdooCommand>(
        TOPICS.odooCommands,
        (r) => r.value.issuedBy === serviceName && r.key === `tradewind.purchase_order_${orderId}`,
      )
      .map((r) => r.value);

  async function start(): Promise<void> {
    const config = loadConfig(purchaseOrdersConfig, {
      SERVICE_NAME: serviceName,
      SOURCE_SYSTEM: serviceName,
      KAFKA_BROKERS: stack.kafkaBrokers.join(','),
      KAFKA_NEW_GROUP_START_AT: newGroupsStartNow(),
      SCHEMA_REGISTRY_URL: stack.registryUrl,
      DATABASE_URL: stack.databaseUrl,
      DATABASE_SCHEMA: schema,
      DATABASE_POOL_SIZE: '4',
      HTTP_PORT: '0',
      LOG_LEVEL: 'warn',
      ODOO_URL: odoo.url,
      ODOO_DB: odoo.db,
      ODOO_READ_API_KEY: odoo.apiKeys.readOnly,
      ODOO_READ_LOGIN: odoo.logins.readOnly,
      // The test polls and sweeps itself, on its clock.
      PO_POLL_EVERY: '1h',
      PO_SLA_SWEEP_EVERY: '1h',
    });
    app = await NestFactory.create(AppModule.forRoot(config.values, { clock }), { logger: false });
    await app.listen(0, '127.0.0.1');
    producer = app.get(TypedProducer);
  }

  async function publish(partnerId: string, documentType: string, format: 'json' | 'x12', text: string) {
    const payload = Buffer.from(text, 'utf8');
    const documentId = randomUUID();
    const value: IngressDocument = {
      documentId,
      batchId: null,
      batchIndex: 0,
      batchSize: 1,
      partnerId,
      principal: `${partnerId}-itest`,
      documentType,
      format,
      contentType: CONTENT_TYPES[format],
      businessRef: null,
      interchangeRef: null,
      idempotencyKey: null,
      apiVersion: 'v1',
      receivedAt: Date.now(),
      sha256: 'not-checked-here',
      sizeBytes: payload.length,
      payload,
      claimCheckUri: null,
      correction: null,
    };
    await producer.send(TOPICS.ingressDocuments, [
      {
        key: `${partnerId}/${documentType}/${documentId}`,
        value,
        headers: {
          [HEADER.messageId]: randomUUID(),
          [HEADER.correlationId]: documentId,
          [HEADER.partnerId]: partnerId,
        },
      },
    ]);
    return documentId;
  }

  /** A purchase order for Boltworks: 500 Units of SKU-1001 and 2 Dozens of SKU-1002, confirmed. */
  async function confirmedOrder(): Promise<{ id: number; name: string; lines: number[] }> {
    const [id] = await admin.create('purchase.order', [
      {
        partner_id: ids.vendor,
        order_line: [
          Command.create({ product_id: ids.bolt, product_qty: 500 }),
          Command.create({ product_id: ids.nut, product_qty: 2, product_uom: ids.dozen, price_unit: 1.2 }),
        ],
      },
    ]);
    await admin.callAction('purchase.order', 'button_confirm', [id]);
    const [order] = await admin.read('purchase.order', [id], ['name', 'order_line']);
    return { id, name: String(order.name), lines: order.order_line as number[] };
  }

  const xidOf = async (module: string, name: string) =>
    Number(
      (
        await admin.searchRead(
          'ir.model.data',
          [
            ['module', '=', module],
            ['name', '=', name],
          ],
          { fields: ['res_id'] },
        )
      )[0].res_id,
    );

  before(async () => {
    odoo = await startOdooSimulator();
    admin = createOdooClient({ url: odoo.url, db: odoo.db, apiKey: odoo.apiKeys.write, apiFlavor: 'json2' });
    ids.vendor = await xidOf('tradewind', 'vendor_boltworks');
    ids.bolt = await xidOf('tradewind', 'product_sku_1001');
    ids.nut = await xidOf('tradewind', 'product_sku_1002');
    ids.dozen = await xidOf('uom', 'product_uom_dozen');
    ids.cascade = await xidOf('tradewind', 'vendor_cascade');
    ids.drill = await xidOf('tradewind', 'product_sku_2001');
    kafka = createKafka({ brokers: stack.kafkaBrokers, clientId: 'purchase-orders-itest' });
    collector = new TopicCollector(kafka, new AvroSerde({ registryUrl: stack.registryUrl }), collectorGroup);
    await collector.start([
      TOPICS.partnersOutbound,
      TOPICS.purchasingState,
      TOPICS.opsExceptions,
      TOPICS.odooCommands,
    ]);
    await start();
  });

  after(async () => {
    await app?.close();
    await collector?.stop();
    await odoo?.stop();
    const kafkaAdmin = kafka.admin();
    await kafkaAdmin.connect();
    const group = defaultConsumerGroup(serviceName, TOPICS.ingressDocuments);
    await kafkaAdmin
      .deleteTopics({
        topics: [
          retryTopicOf(TOPICS.ingressDocuments, group),
          deadLetterTopicOf(TOPICS.ingressDocuments, group),
        ],
      })
      .catch(() => undefined);
    await kafkaAdmin.deleteGroups([group, `${group}.retry`, collectorGroup]).catch(() => undefined);
    await kafkaAdmin.disconnect();
    const pool = new Pool({ connectionString: stack.databaseUrl });
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  });

  it('sends a confirmed PO once (webhook and poll) as an 850 in the supplier’s part numbers; its 855 moves a date in Odoo and raises an exception for the price', async () => {
    const order = await confirmedOrder();
    await publish('odoo', 'purchase-order-event', 'json', odooPurchaseOrderWebhook(order.id));
    const [sent] = await expectEventually(
      () => {
        const docs = outbound(order.id);
        assert.equal(docs.length, 1);
        return docs;
      },
      { description: 'the 850 on partners.outbound' },
    );
    // The poll reads the same order again: nothing more is sent.
    assert.ok((await app.get(PurchaseOrderIntake).pollOnce()) >= 1);
    assert.equal(sent.documentType, 'x12-850');
    assert.equal(sent.partnerId, SUPPLIER);
    assert.match(sent.payload, new RegExp(`BEG\\*00\\*SA\\*${order.name}\\*`));
    // Supplier part numbers from Odoo's supplierinfo; 2 Dozens = 24 Units = 2 cases of 12 at 1.20 a case.
    assert.match(sent.payload, /PO1\*1\*500\*EA\*0\.21\*PE\*VP\*BW-SB-M8\*BP\*SKU-1001~/);
    assert.match(sent.payload, /PO1\*2\*2\*CA\*1\.2\*PE\*VP\*BW-SN-M8-C12\*BP\*SKU-1002~/);
    // Lead time 7 days for the bolts, 10 for the nuts, from the confirmation.
    const approved = String(
      (await admin.read('purchase.order', [order.id], ['date_approve']))[0].date_approve,
    );
    const plus = (days: number) =>
      new Date(Date.parse(`${approved.slice(0, 10)}T00:00:00Z`) + days * 86_400_000)
        .toISOString()
        .slice(0, 10);
    assert.match(sent.payload, new RegExp(`DTM\\*002\\*${plus(7).replace(/-/g, '')}~`));
    assert.match(sent.payload, new RegExp(`DTM\\*002\\*${plus(10).replace(/-/g, '')}~`));
    assert.equal(outbound(order.id).length, 1, 'the poll sent nothing more');
    const control = /GS\*PO\*[^*]*\*[^*]*\*\d+\*\d+\*(\d+)\*/.exec(sent.payload)![1];

    await publish(SUPPLIER, 'functional-ack', 'x12', supplier997(parties(900_001), control, 'A'));
    const promised = plus(12).replace(/-/g, '');
    await publish(
      SUPPLIER,
      'po-acknowledgement',
      'x12',
      supplier855(parties(900_002), order.name, 'AC', [
        {
          lineNumber: '1',
          status: 'DR',
          quantity: 500,
          uom: 'EA',
          unitPrice: 0.21,
          partNumber: 'BW-SB-M8',
          date: promised,
        },
        { lineNumber: '2', status: 'IP', quantity: 2, uom: 'CA', unitPrice: 1.5, partNumber: 'BW-SN-M8-C12' },
      ]),
    );
    const [command] = await expectEventually(
      () => {
        const found = commands(order.id);
        assert.equal(found.length, 1);
        return found;
      },
      { description: 'the date change on odoo.commands' },
    );
    assert.equal(command.type, 'set_purchase_line_dates');
    assert.deepEqual(command.setPurchaseLineDates, {
      orderRef: String(order.id),
      lines: [{ lineRef: String(order.lines[0]), datePlanned: `${plus(12)}T00:00:00Z` }],
    });
    const price = await expectEventually(() => {
      const found = exceptions(order.id).find((e) => e.code === 'PRICE_ABOVE_TOLERANCE');
      assert.ok(found);
      return found;
    });
    assert.equal(price.kind, 'business');
    assert.equal(price.partnerId, SUPPLIER);
    assert.match(price.details[0].message, /1\.5 per CA is more than 2% above ours \(1\.2\)/);
    const state = await expectEventually(() => {
      const last = states(order.id).at(-1)!;
      assert.equal(last.status, 'changed');
      return last;
    });
    assert.deepEqual(
      state.trace.map((t) => t.status),
      ['sent', 'changed'],
    );
    assert.equal(state.lines[0].ackDate, plus(12));
    assert.equal(state.lines[1].ackUnitPrice, 1.5);
    // 2 CA of 12: our Units per supplier unit travel with the line (the reconciler compares Units).
    assert.deepEqual(
      state.lines.map((l) => [l.quantity, l.uom, l.unitsPerUom]),
      [
        [500, 'EA', 1],
        [2, 'CA', 12],
      ],
    );

    // The odoo-writer's write of the promised date (as set_purchase_line_dates does it) is Odoo changing
    // the order; the poll sees it and sends nothing: the supplier proposed that date.
    await admin.write('purchase.order.line', [order.lines[0]], { date_planned: `${plus(12)} 00:00:00` });
    await app.get(PurchaseOrderIntake).pollOnce();
    assert.equal(outbound(order.id).length, 1);
    // The 997 closed its timer, the 855 its own: nothing escalates later.
    clock.advance(24 * 60 * MINUTE);
    await app.get(PurchasingCore).fireDueTimers();
    assert.deepEqual(
      exceptions(order.id).filter((e) => e.code.endsWith('SLA_MISSED')),
      [],
    );

    // The supplier ships: its 856 (h-ship's builder and reader) moves the order to shipped.
    const asn = buildX12ShipNotice(
      [
        {
          purpose: '00',
          shipmentId: `BW-${order.name}`,
          shipDate: plus(12),
          orders: [
            {
              poNumber: order.name,
              packs: [
                {
                  items: [
                    {
                      lineNumber: '1',
                      itemIds: [{ qualifier: 'VP', value: 'BW-SB-M8' }],
                      quantity: 500,
                      uom: 'EA',
                    },
                    {
                      lineNumber: '2',
                      itemIds: [{ qualifier: 'VP', value: 'BW-SN-M8-C12' }],
                      quantity: 2,
                      uom: 'CA',
                    },
                  ],
                },
              ],
            },
          ],
        },
      ],
      {
        senderQualifier: 'ZZ',
        senderId: 'BOLTWORKS',
        receiverQualifier: 'ZZ',
        receiverId: 'TRADEWIND',
        interchangeControlNumber: 900_003,
        groupControlNumber: 900_003,
        setControlNumber: 1,
        preparedAt: new Date(),
      },
    );
    await publish(SUPPLIER, 'supplier-ship-notice', 'x12', asn);
    const shipped = await expectEventually(() => {
      const last = states(order.id).at(-1)!;
      assert.equal(last.status, 'shipped');
      return last;
    });
    assert.deepEqual(
      shipped.trace.map((t) => t.status),
      ['sent', 'changed', 'shipped'],
    );

    // The goods arrive: the receipt validated in Odoo is seen by the poll, and the trace ends received.
    const [receipt] = await admin.search('stock.picking', [['purchase_id', '=', order.id]]);
    await admin.callAction('stock.picking', 'button_validate', [receipt]);
    await app.get(PurchaseOrderIntake).pollOnce();
    const received = await expectEventually(() => {
      const last = states(order.id).at(-1)!;
      assert.equal(last.status, 'received');
      return last;
    });
    assert.deepEqual(
      received.trace.map((t) => t.status),
      ['sent', 'changed', 'shipped', 'received'],
    );
    assert.equal(outbound(order.id).length, 1, 'still one 850, nothing else sent');
  });

  it('escalates a missing 855 and 997 on time, after a restart', async () => {
    const order = await confirmedOrder();
    await app.get(PurchaseOrderIntake).pollOnce();
    await expectEventually(() => assert.equal(outbound(order.id).length, 1));
    const core = () => app.get(PurchasingCore);
    clock.advance(29 * MINUTE);
    assert.equal(await core().fireDueTimers(), 0, 'the 997 is due after 30 minutes');
    clock.advance(2 * MINUTE);
    assert.equal(await core().fireDueTimers(), 1);
    // The timers are rows: a restarted service escalates the 855 at its time (240 minutes).
    await app.close();
    await start();
    clock.advance(208 * MINUTE);
    assert.equal(await core().fireDueTimers(), 0);
    clock.advance(2 * MINUTE);
    assert.equal(await core().fireDueTimers(), 1);
    assert.equal(await core().fireDueTimers(), 0, 'once');
    const escalated = await expectEventually(() => {
      const codes = exceptions(order.id).map((e) => e.code);
      assert.deepEqual(codes.sort(), ['ACK_SLA_MISSED', 'FUNCTIONAL_ACK_SLA_MISSED']);
      return codes;
    });
    assert.equal(escalated.length, 2);
  });

  it('sends a quantity changed in Odoo after sending as an X12 860, not as a second 850', async () => {
    const order = await confirmedOrder();
    await publish('odoo', 'purchase-order-event', 'json', odooPurchaseOrderWebhook(order.id));
    await expectEventually(() => assert.equal(outbound(order.id).length, 1));
    await admin.write('purchase.order.line', [order.lines[0]], { product_qty: 800 });
    await publish('odoo', 'purchase-order-event', 'json', odooPurchaseOrderWebhook(order.id));
    await app.get(PurchaseOrderIntake).pollOnce();
    const docs = await expectEventually(() => {
      const found = outbound(order.id);
      assert.equal(found.length, 2);
      return found;
    });
    assert.deepEqual(
      docs.map((d) => d.documentType),
      ['x12-850', 'x12-860'],
    );
    assert.match(docs[1].payload, new RegExp(`BCH\\*04\\*SA\\*${order.name}\\*`));
    assert.match(docs[1].payload, /POC\*1\*CA\*800\*300\*EA\*0\.21\*PE\*VP\*BW-SB-M8\*BP\*SKU-1001~/);
    assert.doesNotMatch(docs[1].payload, /POC\*2\*/, 'the unchanged line is not in the change');
    assert.match(docs[1].payload, /REF\*PD\*2~/);
    const last = await expectEventually(() => {
      const state = states(order.id).at(-1)!;
      assert.equal(state.revision, 2);
      return state;
    });
    assert.equal(last.lines[0].quantity, 800);
  });

  /** An ISO day `days` after the order's confirmation. */
  async function afterApproval(orderId: number, days: number): Promise<string> {
    const approved = String(
      (await admin.read('purchase.order', [orderId], ['date_approve']))[0].date_approve,
    );
    return new Date(Date.parse(`${approved.slice(0, 10)}T00:00:00Z`) + days * 86_400_000)
      .toISOString()
      .slice(0, 10);
  }

  it('sends no 860 for the dates it accepted from the supplier, before or after Odoo takes them, nor for a stale read; a buyer’s change after that is one', async () => {
    const order = await confirmedOrder();
    const intake = () => app.get(PurchaseOrderIntake);
    await publish('odoo', 'purchase-order-event', 'json', odooPurchaseOrderWebhook(order.id));
    await expectEventually(() => assert.equal(outbound(order.id).length, 1));
    // The supplier moves line 1 later and line 2 earlier than its lead time (10 days) would give.
    const later = await afterApproval(order.id, 12);
    const earlier = await afterApproval(order.id, 8);
    await publish(
      SUPPLIER,
      'po-acknowledgement',
      'x12',
      supplier855(parties(910_001), order.name, 'AC', [
        {
          lineNumber: '1',
          status: 'DR',
          quantity: 500,
          uom: 'EA',
          unitPrice: 0.21,
          partNumber: 'BW-SB-M8',
          date: later.replace(/-/g, ''),
        },
        {
          lineNumber: '2',
          status: 'DR',
          quantity: 2,
          uom: 'CA',
          unitPrice: 1.2,
          partNumber: 'BW-SN-M8-C12',
          date: earlier.replace(/-/g, ''),
        },
      ]),
    );
    const [command] = await expectEventually(() => {
      const found = commands(order.id);
      assert.equal(found.length, 1);
      return found;
    });
    // The race: the poll reads Odoo before the odoo-writer has written the promised dates.
    const reader = new OdooPurchaseOrdersReader(
      createOdooClient({
        url: odoo.url,
        db: odoo.db,
        apiKey: odoo.apiKeys.readOnly,
        login: odoo.logins.readOnly,
      }),
    );
    const [beforeWriteBack] = await reader.byIds([order.id]);
    await intake().pollOnce();
    // The writer's write, as set_purchase_line_dates does it: Odoo's load by database id.
    const written = await admin.load(
      'purchase.order.line',
      ['.id', 'date_planned'],
      command.setPurchaseLineDates!.lines.map((l) => [l.lineRef, `${l.datePlanned.slice(0, 10)} 00:00:00`]),
    );
    assert.equal(written.messages.length, 0);
    assert.deepEqual(
      (await admin.read('purchase.order.line', order.lines, ['date_planned'])).map((l) => l.date_planned),
      [`${later} 00:00:00`, `${earlier} 00:00:00`],
    );
    await publish('odoo', 'purchase-order-event', 'json', odooPurchaseOrderWebhook(order.id));
    await intake().pollOnce();
    // A webhook's read from before the write-back, applied after the poll saw it. Odoo's write_date is per
    // second: older, it is stale; written in the same second as the write-back (as here, most runs), the
    // service cannot tell which is newer and reads Odoo again: unchanged. Never a change.
    const late = await app.get(PurchasingCore).offer(beforeWriteBack);
    assert.ok(['stale', 'unchanged'].includes(late), late);
    assert.equal(
      await app.get(PurchasingCore).offer({ ...beforeWriteBack, writeDate: '2026-01-01 00:00:00' }),
      'stale',
    );
    await intake().pollOnce();
    await expectEventually(() => assert.equal(states(order.id).at(-1)?.status, 'changed'));
    assert.equal(outbound(order.id).length, 1, 'no 860 for what the supplier proposed');

    // The buyer moves line 1 in Odoo: that is a change, sent once as an 860 with that line only.
    const buyers = await afterApproval(order.id, 20);
    await admin.write('purchase.order.line', [order.lines[0]], { date_planned: `${buyers} 00:00:00` });
    await publish('odoo', 'purchase-order-event', 'json', odooPurchaseOrderWebhook(order.id));
    await intake().pollOnce();
    const docs = await expectEventually(() => {
      const found = outbound(order.id);
      assert.equal(found.length, 2);
      return found;
    });
    assert.equal(docs[1].documentType, 'x12-860');
    assert.match(
      docs[1].payload,
      new RegExp(
        `POC\\*1\\*CA\\*500\\*0\\*EA\\*0\\.21\\*PE\\*VP\\*BW-SB-M8\\*BP\\*SKU-1001~\\nDTM\\*002\\*${buyers.replace(/-/g, '')}~`,
      ),
    );
    assert.doesNotMatch(docs[1].payload, /POC\*2\*/, 'the date the supplier set for line 2 stands');
    await intake().pollOnce();
    assert.equal(outbound(order.id).length, 2);
  });

  it('cancels a PO cancelled in Odoo after sending: an X12 860 BCH 01 or a JSON cancel, once; purchasing.state cancelled', async () => {
    const intake = () => app.get(PurchaseOrderIntake);
    const x12 = await confirmedOrder();
    const [jsonId] = await admin.create('purchase.order', [
      { partner_id: ids.cascade, order_line: [Command.create({ product_id: ids.drill, product_qty: 4 })] },
    ]);
    await admin.callAction('purchase.order', 'button_confirm', [jsonId]);
    await intake().pollOnce();
    await expectEventually(() => {
      assert.equal(outbound(x12.id).length, 1);
      assert.equal(outbound(jsonId).length, 1);
    });
    await admin.callAction('purchase.order', 'button_cancel', [x12.id, jsonId]);
    await publish('odoo', 'purchase-order-event', 'json', odooPurchaseOrderWebhook(x12.id));
    await intake().pollOnce();
    await intake().pollOnce();
    const [, cancel860] = await expectEventually(() => {
      const found = outbound(x12.id);
      assert.equal(found.length, 2);
      return found;
    });
    assert.equal(cancel860.documentType, 'x12-860');
    assert.match(cancel860.payload, new RegExp(`BCH\\*01\\*SA\\*${x12.name}\\*`));
    assert.match(cancel860.payload, /REF\*PD\*2~/);
    assert.doesNotMatch(cancel860.payload, /BEG\*|POC\*/);
    const [, cancelJson] = await expectEventually(() => {
      const found = outbound(jsonId);
      assert.equal(found.length, 2);
      return found;
    });
    const body = JSON.parse(Buffer.from(cancelJson.payload).toString('utf8')) as {
      purpose: string;
      revision: number;
    };
    assert.equal(cancelJson.documentType, 'purchase-order');
    assert.deepEqual([body.purpose, body.revision], ['cancel', 2]);
    for (const id of [x12.id, jsonId]) {
      const state = await expectEventually(() => {
        const last = states(id).at(-1)!;
        assert.equal(last.status, 'cancelled');
        return last;
      });
      assert.deepEqual(
        state.trace.map((t) => t.status),
        ['sent', 'cancelled'],
      );
    }
    // No 855 is awaited for a cancelled order; only the 860's 997.
    clock.advance(24 * 60 * MINUTE);
    await app.get(PurchasingCore).fireDueTimers();
    await expectEventually(() =>
      assert.deepEqual(
        exceptions(jsonId).map((e) => e.code),
        [],
      ),
    );
    assert.equal(outbound(x12.id).length + outbound(jsonId).length, 4, 'once');
    // An 855 that crosses the cancellation moves no date in Odoo and leaves the order cancelled.
    const crossing = await publish(
      SUPPLIER,
      'po-acknowledgement',
      'x12',
      supplier855(parties(910_002), x12.name, 'AD', [
        {
          lineNumber: '1',
          status: 'DR',
          quantity: 500,
          uom: 'EA',
          unitPrice: 0.21,
          partNumber: 'BW-SB-M8',
          date: '20270115',
        },
      ]),
    );

    const pool = new Pool({ connectionString: stack.databaseUrl });
    try {
      await expectEventually(async () => {
        const { rowCount } = await pool.query(
          `SELECT 1 FROM "${schema}".supplier_documents WHERE document_id = $1`,
          [`${crossing}/${x12.name}`],
        );
        assert.equal(rowCount, 1, 'the 855 was applied');
      });
    } finally {
      await pool.end();
    }
    assert.deepEqual(commands(x12.id), []);
    assert.equal(states(x12.id).at(-1)?.status, 'cancelled');

    // Set back to draft and confirmed again in Odoo: the whole order goes again, the next revision.
    await admin.callAction('purchase.order', 'button_draft', [x12.id]);
    await admin.callAction('purchase.order', 'button_confirm', [x12.id]);
    await publish('odoo', 'purchase-order-event', 'json', odooPurchaseOrderWebhook(x12.id));
    const again = await expectEventually(() => {
      const found = outbound(x12.id);
      assert.equal(found.length, 3);
      return found[2];
    });
    assert.equal(again.documentType, 'x12-850');
    assert.match(again.payload, /REF\*PD\*3~/);
    await expectEventually(() => assert.equal(states(x12.id).at(-1)?.status, 'sent'));

    // As in Odoo, an order whose goods were received cannot be cancelled.
    const received = await confirmedOrder();
    const [receipt] = await admin.search('stock.picking', [['purchase_id', '=', received.id]]);
    await admin.callAction('stock.picking', 'button_validate', [receipt]);
    await assert.rejects(
      admin.callAction('purchase.order', 'button_cancel', [received.id]),
      /some receptions have already been done/,
    );
    assert.equal((await admin.read('purchase.order', [received.id], ['state']))[0].state, 'purchase');
  });
});
