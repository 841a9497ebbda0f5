// Issue 9's must-show, with real processes (order-intake reserving before it accepts, inventory-sync,
// odoo-writer, the Odoo simulator) on the real Kafka, registry and PostgreSQL: the WMS counts 50 units of
// SKU-1001; 200 one-unit orders from three partners (acme-portal JSON, market-hub CSV, globex-edi X12)
// arrive at once on ingress.documents, a fifth of them delivered twice, and inventory-sync is SIGKILLed
// midway and started again. Exactly 50 are accepted and reserved, the other 150 refused with
// INSUFFICIENT_STOCK; Odoo's sale orders for them never hold more of SKU-1001 than the 50 units.
// Run alone (CI's e2e phase, or `flock /tmp/tw-e2e.lock`): it starts and kills its own processes only.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import {
  DocumentFormat,
  type IngressDocument,
  TOPIC_CATALOG,
  TOPICS,
  type TopicValueMap,
} from '@tradewind/contracts';
import { AvroSerde, createKafka, HEADER, topicSchemasFrom, TypedProducer } from '@tradewind/messaging';
import { expectEventually, testStack, uniqueName } from '@tradewind/testing';
import { Pool } from 'pg';

import { odooSearchRead, type RunningPlatform, startPlatform } from './platform';

const ORDERS = 200;
const FREE = 50;
const SKU = 'SKU-1001';

const stack = testStack();

/** One ingress.documents record as the gateway publishes it (a batch of one). */
function ingress(
  partnerId: string,
  poNumber: string,
  format: DocumentFormat,
  text: string,
  interchangeRef?: string,
): IngressDocument {
  const payload = Buffer.from(text, 'utf8');
  return {
    documentId: randomUUID(),
    batchId: null,
    batchIndex: 0,
    batchSize: 1,
    partnerId,
    principal: `${partnerId}-e2e`,
    documentType: partnerId === 'northwind-wms' ? 'stock-event' : 'sales-order',
    format,
    contentType: { json: 'application/json', csv: 'text/csv', x12: 'application/edi-x12' }[
      format as 'json' | 'csv' | 'x12'
    ],
    businessRef: poNumber,
    interchangeRef: interchangeRef ?? null,
    idempotencyKey: randomUUID(),
    apiVersion: 'v1',
    receivedAt: Date.now(),
    sha256: 'not-checked-here',
    sizeBytes: payload.length,
    payload,
    claimCheckUri: null,
    correction: null,
  };
}

// One unit of SKU-1001 per order, in each partner's own format and item code (config/partners/xref).
const acmeOrder = (po: string) =>
  JSON.stringify({
    poNumber: po,
    orderDate: new Date().toISOString().slice(0, 10),
    buyerCode: 'ACME-001',
    currency: 'USD',
    lines: [{ lineNumber: 1, sku: 'AC-BOLT-M8', quantity: 1, uom: 'EA', unitPrice: 0.4 }],
  });
const marketHubOrder = (po: string) =>
  'order_number,order_date,buyer_code,currency,line_number,item_sku_or_gtin,quantity,uom,unit_price,description\n' +
  `${po},${new Date().toISOString().slice(0, 10)},MH-NORTH,USD,1,MH-100101,1,EA,0.40,Stainless Bolt M8\n`;
function globexOrder(po: string, controlNumber: number): string {
  const isa13 = String(controlNumber).padStart(9, '0');
  const body = [
    `BEG*00*SA*${po}**20261201`,
    'CUR*BY*USD',
    'N1*BY*Globex Retail Corp*92*GLOBEX-HQ',
    'PO1*1*1*EA*0.40**VP*SKU-1001*UP*012345600012',
    'PID*F****Stainless Bolt M8',
    'CTT*1*1',
  ];
  return [
    `ISA*00*          *00*          *ZZ*GLOBEXEDI      *ZZ*TRADEWIND      *261201*0930*U*00401*${isa13}*0*P*>`,
    `GS*PO*GLOBEXEDI*TRADEWIND*20261201*0930*${controlNumber}*X*004010`,
    'ST*850*0001',
    ...body,
    `SE*${body.length + 2}*0001`,
    `GE*1*${controlNumber}`,
    `IEA*1*${isa13}`,
  ]
    .map((s) => `${s}~\n`)
    .join('');
}

void describe('reservations end to end: 200 orders from three partners for 50 units, a SIGKILL midway', () => {
  let platform: RunningPlatform;
  let pool: Pool;
  let producer: TypedProducer<TopicValueMap>;
  const kafka = createKafka({ brokers: stack.kafkaBrokers, clientId: uniqueName('inventory-e2e') });

  before(async () => {
    // The documents go straight onto ingress.documents (the gateway's rate limits are not under test).
    platform = await startPlatform({ reservations: true, without: ['ingress-gateway', 'reconciler'] });
    pool = new Pool({ connectionString: stack.databaseUrl, max: 2 });
    producer = new TypedProducer<TopicValueMap>({
      kafka,
      serde: new AvroSerde({ registryUrl: stack.registryUrl }),
      schemas: topicSchemasFrom(TOPIC_CATALOG),
      sourceSystem: 'inventory-e2e',
    });
    await producer.connect();
  });
  after(async () => {
    await producer?.disconnect();
    await pool?.end();
    await platform?.stop();
  });

  it('reserves exactly 50, refuses 150 with insufficient stock, and Odoo never holds more than the stock', async () => {
    const inventorySchema = `inventory_sync_${platform.run}`;
    const intakeSchema = `order_intake_${platform.run}`;
    const tag = platform.run.slice(-6).toUpperCase();

    // The WMS counts 50 units in MAIN (nothing in EAST).
    const count = JSON.stringify({
      events: [
        {
          eventId: `${tag}-count-main`,
          sku: SKU,
          warehouse: 'MAIN',
          onHand: FREE,
          eventTime: new Date().toISOString(),
        },
        {
          eventId: `${tag}-count-east`,
          sku: SKU,
          warehouse: 'EAST',
          onHand: 0,
          eventTime: new Date().toISOString(),
        },
      ],
    });
    await producer.send(TOPICS.ingressDocuments, [
      {
        key: `northwind-wms/${tag}`,
        value: ingress('northwind-wms', `${tag}-count`, DocumentFormat.Json, count),
        headers: { [HEADER.messageId]: randomUUID() },
      },
    ]);
    await expectEventually(
      async () => {
        const { rows } = await pool.query<{ on_hand: string }>(
          `SELECT on_hand FROM "${inventorySchema}".stock_levels WHERE sku = $1 AND warehouse_id = 'MAIN'`,
          [SKU],
        );
        assert.equal(Number(rows[0]?.on_hand), FREE);
      },
      { timeoutMs: 30_000, description: 'the count in the ledger' },
    );

    const partners = ['acme-portal', 'market-hub', 'globex-edi'] as const;
    const records = Array.from({ length: ORDERS }, (_, i) => {
      const partnerId = partners[i % 3];
      const po = `INV-${tag}-${i}`;
      const value =
        partnerId === 'acme-portal'
          ? ingress(partnerId, po, DocumentFormat.Json, acmeOrder(po))
          : partnerId === 'market-hub'
            ? ingress(partnerId, po, DocumentFormat.Csv, marketHubOrder(po))
            : ingress(
                partnerId,
                po,
                DocumentFormat.X12,
                globexOrder(po, 700_000 + i),
                `${String(700_000 + i).padStart(9, '0')}/${700_000 + i}`,
              );
      return { key: `${partnerId}/${po}`, value, headers: { [HEADER.messageId]: randomUUID() } };
    });
    // All at once, a fifth of them twice (the same record redelivered: the same message id).
    const firstHalf = records.slice(0, ORDERS / 2);
    await producer.send(TOPICS.ingressDocuments, [...firstHalf, ...firstHalf.filter((_, i) => i % 5 === 0)]);

    // Midway: once some orders are decided, inventory-sync dies without a goodbye, the rest arrive, it returns.
    await expectEventually(
      async () => {
        const { rows } = await pool.query<{ n: string }>(
          `SELECT count(*) AS n FROM "${inventorySchema}".reservation_lines`,
        );
        assert.ok(Number(rows[0].n) >= 20, `${rows[0].n} lines decided`);
      },
      { timeoutMs: 60_000, intervalMs: 100, description: 'some reservations decided' },
    );
    await platform.kill('inventory-sync');
    const secondHalf = records.slice(ORDERS / 2);
    await producer.send(TOPICS.ingressDocuments, [
      ...secondHalf,
      ...secondHalf.filter((_, i) => i % 5 === 0),
    ]);
    await platform.restart('inventory-sync');

    // Every order decided: accepted (and on to Odoo) or rejected.
    let statuses = new Map<string, { status: string; problems: { code: string }[] }>();
    await expectEventually(
      async () => {
        const { rows } = await pool.query<{
          po_number: string;
          status: string;
          problems: { code: string }[];
        }>(`SELECT po_number, status, problems FROM "${intakeSchema}".orders WHERE po_number LIKE $1`, [
          `INV-${tag}-%`,
        ]);
        statuses = new Map(rows.map((r) => [r.po_number, r]));
        const undecided = rows.filter((r) => r.status === 'received' || r.status === 'validated').length;
        assert.equal(rows.length, ORDERS, `${rows.length} orders known`);
        assert.equal(undecided, 0, `${undecided} still waiting`);
      },
      { timeoutMs: 60_000, intervalMs: 500, description: 'every order decided' },
    );
    const rejected = [...statuses.values()].filter(
      (o) => o.status === 'rejected' || (o.status === 'acknowledged' && o.problems.length > 0),
    );
    const accepted = [...statuses.values()].filter((o) => !rejected.includes(o));
    assert.equal(accepted.length, FREE, 'exactly the free units accepted');
    assert.equal(rejected.length, ORDERS - FREE);
    for (const order of rejected)
      assert.deepEqual(
        order.problems.map((p) => p.code),
        ['INSUFFICIENT_STOCK'],
      );

    const { rows: levels } = await pool.query<{ reserved: string; on_hand: string }>(
      `SELECT sum(reserved) AS reserved, sum(on_hand) AS on_hand FROM "${inventorySchema}".stock_levels WHERE sku = $1`,
      [SKU],
    );
    assert.deepEqual([Number(levels[0].reserved), Number(levels[0].on_hand)], [FREE, FREE]);
    const { rows: lines } = await pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM "${inventorySchema}".reservation_lines WHERE status = 'held'`,
    );
    assert.equal(Number(lines[0].n), FREE, 'one held line per accepted order, none twice');

    // Odoo: the accepted orders' sale order lines of SKU-1001 add up to the 50 units, never more.
    await expectEventually(
      async () => {
        const orders = await odooSearchRead<{ id: number }>(
          platform,
          'sale.order',
          [['client_order_ref', 'like', `INV-${tag}-`]],
          ['id'],
        );
        const odooLines = await odooSearchRead<{ product_uom_qty: number }>(
          platform,
          'sale.order.line',
          [
            ['order_id', 'in', orders.map((o) => o.id)],
            ['product_id.default_code', '=', SKU],
          ],
          ['product_uom_qty'],
        );
        const ordered = odooLines.reduce((n, l) => n + l.product_uom_qty, 0);
        assert.ok(ordered <= FREE, `Odoo holds ${ordered} ordered units of ${SKU} for ${FREE} in stock`);
        assert.equal(ordered, FREE);
      },
      { timeoutMs: 60_000, intervalMs: 500, description: 'the accepted orders in Odoo' },
    );
  });
});
