// Supplier invoices in, on the real Kafka, registry and PostgreSQL with the Odoo simulator and a real
// odoo-writer (a child process on a commands topic of its own): Boltworks bills a purchase order that
// was received in full. Its first invoice matches and becomes one posted vendor bill (lines linked to
// the order lines, ref its number) although it is delivered twice by Kafka and sent again by the
// supplier (a SUPPLIER_INVOICE_DUPLICATE); an invoice priced above the tolerance and one billing more
// than was received and not yet billed are held, each a SUPPLIER_INVOICE_MISMATCH with its differences
// on ops.exceptions, and nothing of them reaches Odoo. finance.state tells each invoice's latest state
// (posted once the writer's result says so, held with its differences, refused), and the duplicate apart.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadConfig } from '@tradewind/config';
import {
  CommandType,
  DocumentFormat,
  type FinanceState,
  type OpsException,
  ResultOutcome,
  TOPICS,
  type TopicValueMap,
} from '@tradewind/contracts';
import { AvroSerde, createKafka, HEADER, TypedProducer } from '@tradewind/messaging';
import { createOdooClient } from '@tradewind/odoo-client';
import { type OdooSimulator, startOdooSimulator } from '@tradewind/odoo-simulator';
import { supplier810, type SupplierInvoiceFixture, TopicCollector } from '@tradewind/partner-testing';
import { expectEventually, newGroupsStartNow, testStack, uniqueName } from '@tradewind/testing';
import { Pool } from 'pg';

import { AppModule } from './app.module';
import { invoicesConfig } from './invoices.config';

const ROOT = join(__dirname, '../../..');
const stack = testStack();
const run = uniqueName('bills');
const commandsTopic = `${run}.odoo-commands`;
const invoicesSchema = `invoices_${run}`.replace(/[^a-z0-9_]/gi, '_').toLowerCase();
const writerSchema = `writer_${run}`.replace(/[^a-z0-9_]/gi, '_').toLowerCase();
const PARTIES = { senderId: 'BOLTWORKS', receiverId: 'TRADEWIND', controlNumber: 9001 };

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

describe('supplier invoices matched three ways and billed once (real Kafka, registry, PostgreSQL)', () => {
  let sim: OdooSimulator;
  let app: INestApplication;
  let writer: ChildProcess;
  const writerOutput: string[] = [];
  const pool = new Pool({ connectionString: stack.databaseUrl, max: 2 });
  const kafka = createKafka({ brokers: stack.kafkaBrokers, clientId: `${run}-setup` });
  const exceptions = new TopicCollector(
    kafka,
    new AvroSerde({ registryUrl: stack.registryUrl }),
    `${run}-exceptions`,
  );

  before(async () => {
    sim = await startOdooSimulator();
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic: commandsTopic, numPartitions: 1 }] });
    await admin.disconnect();
    const startAt = newGroupsStartNow();
    const writerPort = await freePort();
    writer = spawn(process.execPath, ['-r', '@swc-node/register', 'services/odoo-writer/src/main.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        SERVICE_NAME: `odoo-writer-${run}`,
        KAFKA_CLIENT_ID: `odoo-writer-${run}`,
        KAFKA_BROKERS: stack.kafkaBrokers.join(','),
        SCHEMA_REGISTRY_URL: stack.registryUrl,
        DATABASE_URL: stack.databaseUrl,
        DATABASE_SCHEMA: writerSchema,
        KAFKA_NEW_GROUP_START_AT: startAt,
        HTTP_PORT: String(writerPort),
        ODOO_URL: sim.url,
        ODOO_DB: sim.db,
        ODOO_API_KEY: sim.apiKeys.write,
        ODOO_COMMANDS_TOPIC: commandsTopic,
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    writer.stdout?.on('data', (chunk: Buffer) => writerOutput.push(chunk.toString()));
    writer.stderr?.on('data', (chunk: Buffer) => writerOutput.push(chunk.toString()));
    const config = loadConfig(invoicesConfig, {
      SERVICE_NAME: `invoices-${run}`,
      KAFKA_BROKERS: stack.kafkaBrokers.join(','),
      KAFKA_NEW_GROUP_START_AT: startAt,
      SCHEMA_REGISTRY_URL: stack.registryUrl,
      DATABASE_URL: stack.databaseUrl,
      DATABASE_SCHEMA: invoicesSchema,
      DATABASE_POOL_SIZE: '4',
      HTTP_PORT: '0',
      LOG_LEVEL: process.env.TW_TEST_LOG_LEVEL ?? 'error',
      ODOO_URL: sim.url,
      ODOO_DB: sim.db,
      ODOO_READ_API_KEY: sim.apiKeys.readOnly,
      // no customer invoices in this test: the poll and the export windows stay out of the way
      INVOICES_POLL_EVERY: '1h',
      INVOICES_EXPORT_EVERY: '1h',
      INVOICES_COMMANDS_TOPIC: commandsTopic,
    });
    app = await NestFactory.create(AppModule.forRoot(config.values), { logger: ['error', 'warn'] });
    await app.listen(0, '127.0.0.1');
    await exceptions.start([TOPICS.opsExceptions, TOPICS.financeState], { fromBeginning: false });
    await expectEventually(
      async () => {
        if (writer.exitCode !== null)
          throw new Error(`writer exited:\n${writerOutput.join('').slice(-2000)}`);
        assert.equal((await fetch(`http://127.0.0.1:${writerPort}/health/ready`)).status, 200);
      },
      { timeoutMs: 30_000, intervalMs: 300, description: 'odoo-writer ready' },
    );
  });

  after(async () => {
    // The writer, the service and the collector stop side by side: each takes a consumer group leave
    const writerGone =
      writer && writer.exitCode === null
        ? new Promise((resolve) => {
            writer.once('exit', resolve);
            writer.kill('SIGTERM');
          })
        : Promise.resolve();
    await Promise.all([exceptions.stop(), app?.close(), writerGone]);
    await sim?.stop();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [commandsTopic] }).catch(() => undefined);
    await admin.disconnect();
    for (const schema of [invoicesSchema, writerSchema])
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  });

  it('bills a matched invoice once however often it comes; holds a price above tolerance and a quantity above received, with their differences', async () => {
    const odoo = createOdooClient({
      url: sim.url,
      db: sim.db,
      apiKey: sim.apiKeys.write,
      apiFlavor: 'json2',
    });
    const vendor = sim.store.findByExternalId('tradewind.vendor_boltworks')!.id;
    const bolt = sim.store.findByExternalId('tradewind.product_sku_1001')!.id;
    const washer = sim.store.findByExternalId('tradewind.product_sku_1003')!.id;
    const [orderId] = await odoo.create('purchase.order', [
      {
        partner_id: vendor,
        order_line: [
          [0, 0, { product_id: bolt, product_qty: 100, price_unit: 0.21 }],
          [0, 0, { product_id: washer, product_qty: 50, price_unit: 0.04 }],
        ],
      },
    ]);
    await odoo.callAction('purchase.order', 'button_confirm', [orderId]);
    const [receipt] = await odoo.search('stock.picking', [['purchase_id', '=', orderId]]);
    await odoo.callAction('stock.picking', 'button_validate', [receipt]);
    const [order] = await odoo.read('purchase.order', [orderId], ['name']);
    const poNumber = String(order.name);
    const [boltLine, washerLine] = (
      await odoo.searchRead('purchase.order.line', [['order_id', '=', orderId]], {
        fields: ['id'],
        order: 'id',
      })
    ).map((l) => l.id);

    const producer: TypedProducer<TopicValueMap> = app.get(TypedProducer);
    const deliver = async (invoice: SupplierInvoiceFixture, messageId: string, control: number) => {
      const body = Buffer.from(supplier810({ ...PARTIES, controlNumber: control }, invoice));
      await producer.send(TOPICS.ingressDocuments, [
        {
          key: `boltworks-supply/supplier-invoice/${invoice.invoiceNumber}`,
          headers: { [HEADER.messageId]: messageId, [HEADER.partnerId]: 'boltworks-supply' },
          value: {
            documentId: messageId,
            batchId: messageId,
            batchIndex: 0,
            batchSize: 1,
            partnerId: 'boltworks-supply',
            principal: 'boltworks-supply-2026-11',
            documentType: 'supplier-invoice',
            format: DocumentFormat.X12,
            contentType: 'application/edi-x12',
            businessRef: invoice.invoiceNumber,
            interchangeRef: null,
            idempotencyKey: null,
            apiVersion: 'v1',
            receivedAt: Date.now(),
            sha256: createHash('sha256').update(body).digest('hex'),
            sizeBytes: body.length,
            payload: body,
            claimCheckUri: null,
            correction: null,
          },
        },
      ]);
    };
    const number = (n: number) => `BW-${run.slice(-6)}-${n}`;
    const matched: SupplierInvoiceFixture = {
      invoiceNumber: number(1),
      invoiceDate: '2026-12-01',
      poNumber,
      lines: [
        { lineNumber: '1', quantity: 60, unitPrice: '0.21', sku: 'SKU-1001', partNumber: 'BW-SB-M8' },
        // named by the supplier's part number only (Odoo's product.supplierinfo)
        { lineNumber: '2', quantity: 50, unitPrice: '0.0404', partNumber: 'BW-SW-M8' },
      ],
    };
    const first = randomUUID();
    await deliver(matched, first, 9001);
    await deliver(matched, first, 9001); // Kafka delivers it again
    await deliver(matched, randomUUID(), 9002); // the supplier sends it again
    await deliver(
      {
        invoiceNumber: number(2),
        invoiceDate: '2026-12-02',
        poNumber,
        lines: [{ lineNumber: '1', quantity: 30, unitPrice: '0.25', sku: 'SKU-1001' }],
      },
      randomUUID(),
      9003,
    );
    await deliver(
      {
        invoiceNumber: number(3),
        invoiceDate: '2026-12-02',
        poNumber,
        lines: [{ lineNumber: '1', quantity: 50, unitPrice: '0.21', sku: 'SKU-1001' }],
      },
      randomUUID(),
      9004,
    );

    const ours = () =>
      exceptions.records
        .filter((r) => r.topic === TOPICS.opsExceptions)
        .map((r) => r.value as OpsException)
        .filter((e) => e.partnerId === 'boltworks-supply' && e.message.includes(`BW-${run.slice(-6)}-`));
    const held = await expectEventually(
      () => {
        const found = ours();
        assert.equal(found.length, 3, JSON.stringify(found.map((e) => e.code)));
        return found;
      },
      { timeoutMs: 20_000, description: 'three exceptions' },
    );
    const byCode = (code: string) => held.filter((e) => e.code === code);
    assert.equal(byCode('SUPPLIER_INVOICE_DUPLICATE').length, 1);
    assert.match(byCode('SUPPLIER_INVOICE_DUPLICATE')[0].details[0].message, /first received .* and billed/);
    const [price, quantity] = byCode('SUPPLIER_INVOICE_MISMATCH').sort((a, b) =>
      a.message.localeCompare(b.message),
    );
    assert.match(price.message, new RegExp(`${number(2)} for ${poNumber} is held`));
    assert.deepEqual(
      price.details.map((d) => [d.code, d.message]),
      [
        [
          'unit_price',
          `line 1 unit_price: expected 0.21 on ${poNumber} line SKU-1001, got 0.25 (tolerance ±2% and ±0.05)`,
        ],
      ],
    );
    assert.equal(price.details[0].location, 'segment 6 (IT1)');
    assert.deepEqual(
      quantity.details.map((d) => [d.code, d.message]),
      [
        [
          'quantity',
          `line 1 quantity: expected at most 40 (received 100, billed 60) on ${poNumber} line SKU-1001, got 50`,
        ],
      ],
    );

    // One posted vendor bill, its lines billing the order lines; nothing of the held invoices
    const bills = await expectEventually(
      async () => {
        const found = await odoo.searchRead('account.move', [['move_type', '=', 'in_invoice']], {
          fields: ['ref', 'state', 'partner_id', 'invoice_date', 'amount_total', 'invoice_origin'],
        });
        assert.equal(found[0]?.state, 'posted');
        return found;
      },
      { timeoutMs: 20_000, description: 'the vendor bill posted' },
    );
    assert.deepEqual(
      bills.map((b) => [
        b.ref,
        (b.partner_id as [number, string])[0],
        b.invoice_date,
        b.amount_total,
        b.invoice_origin,
      ]),
      [[number(1), vendor, '2026-12-01', 14.62, poNumber]],
    );
    const lines = await odoo.read(
      'purchase.order.line',
      [boltLine, washerLine],
      ['qty_received', 'qty_invoiced'],
    );
    assert.deepEqual(
      lines.map((l) => [l.qty_received, l.qty_invoiced]),
      [
        [100, 60],
        [50, 50],
      ],
    );
    const decided = await pool.query<{ invoice_number: string; decision: string }>(
      `SELECT invoice_number, decision FROM "${invoicesSchema}".supplier_invoices ORDER BY invoice_number`,
    );
    assert.deepEqual(
      decided.rows.map((r) => [r.invoice_number, r.decision]),
      [
        [number(1), 'billed'],
        [number(2), 'held'],
        [number(3), 'held'],
      ],
    );
    const commands = await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "${invoicesSchema}".outbox_message WHERE topic = $1`,
      [commandsTopic],
    );
    assert.equal(commands.rows[0].n, 1);

    // finance.state, compacted: the latest state per supplier invoice, the duplicate under a key of its own
    const states = () => {
      const latest = new Map<string, FinanceState>();
      for (const r of exceptions.records) {
        const state = r.value as FinanceState;
        if (r.topic !== TOPICS.financeState || !state.reference.startsWith(`BW-${run.slice(-6)}-`)) continue;
        assert.equal(r.key, state.key);
        const before = latest.get(state.key);
        if (before === undefined || before.version <= state.version) latest.set(state.key, state);
      }
      return latest;
    };
    const key = (n: number) => `supplier-invoice/boltworks-supply/${number(n)}`;
    const latest = await expectEventually(
      () => {
        const found = states();
        assert.equal(found.get(key(1))?.status, 'posted');
        assert.equal(found.size, 4, JSON.stringify([...found.keys()]));
        return found;
      },
      { timeoutMs: 20_000, description: 'the supplier invoices on finance.state' },
    );
    const posted = latest.get(key(1))!;
    assert.deepEqual(
      [posted.subject, posted.amountMinor, posted.currency, posted.purchaseOrder, posted.version],
      ['supplier_invoice', 1462, 'USD', poNumber, 2],
    );
    assert.match(posted.billExternalId ?? '', /^tradewind\.bill_/);
    const priceHeld = latest.get(key(2))!;
    assert.deepEqual(
      [priceHeld.status, priceHeld.amountMinor, priceHeld.differences],
      ['held', 750, [price.details[0].message]],
    );
    assert.deepEqual(latest.get(key(3))!.differences, [quantity.details[0].message]);
    const duplicate = [...latest.values()].find((s) => s.status === 'duplicate')!;
    assert.match(duplicate.key, new RegExp(`^${key(1)}/duplicate/`));
    assert.match(duplicate.reason ?? '', /first received .* and billed/);
    const stateMessages = exceptions.records.filter(
      (r) => r.topic === TOPICS.financeState && (r.key ?? '').startsWith(key(1)),
    );
    // billed, posted and the duplicate: once each although Kafka delivered the invoice twice
    assert.deepEqual(stateMessages.map((r) => (r.value as FinanceState).status).sort(), [
      'billed',
      'duplicate',
      'posted',
    ]);

    // Odoo refuses a bill asked for (an order cancelled meanwhile): its quantities are billable again
    const refusedXid = `tradewind.bill_refused_${run.slice(-6)}`;
    await pool.query(
      `INSERT INTO "${invoicesSchema}".supplier_invoices (partner_id, invoice_number, message_id, document_id, po_number, decision, bill_xid)
       VALUES ('boltworks-supply', $1, 'm-refused', 'd-refused', $2, 'billed', $3)`,
      [number(4), poNumber, refusedXid],
    );
    await pool.query(
      `INSERT INTO "${invoicesSchema}".bill_lines (bill_xid, purchase_line_id, quantity) VALUES ($1, $2, 5)`,
      [refusedXid, boltLine],
    );
    await producer.send(TOPICS.odooResults, [
      {
        key: refusedXid,
        headers: { [HEADER.messageId]: randomUUID() },
        value: {
          commandId: randomUUID(),
          externalId: refusedXid,
          type: CommandType.CreateVendorBill,
          outcome: ResultOutcome.BusinessError,
          odooModel: null,
          odooId: null,
          errorClass: 'ODOO_REJECTED',
          errorMessage: 'purchase order cancelled',
          attempts: 1,
          completedAt: Date.now(),
        },
      },
    ]);
    const refusal = await expectEventually(
      () => {
        const found = ours().filter((e) => e.code === 'SUPPLIER_BILL_REFUSED');
        assert.equal(found.length, 1);
        return found[0];
      },
      { timeoutMs: 20_000, description: 'the refused bill an exception' },
    );
    assert.match(refusal.message, /Odoo refused its vendor bill .*: purchase order cancelled/);
    const released = await pool.query<{ refused: boolean; decision: string }>(
      `SELECT l.refused, i.decision FROM "${invoicesSchema}".bill_lines l
         JOIN "${invoicesSchema}".supplier_invoices i ON i.bill_xid = l.bill_xid WHERE l.bill_xid = $1`,
      [refusedXid],
    );
    assert.deepEqual(released.rows, [{ refused: true, decision: 'refused' }]);
    const refusedState = await expectEventually(
      () => {
        const found = states().get(key(4));
        assert.equal(found?.status, 'refused');
        return found;
      },
      { timeoutMs: 20_000, description: 'the refused bill on finance.state' },
    );
    assert.equal(refusedState.reason, 'Odoo refused the vendor bill: purchase order cancelled');
  });
});
