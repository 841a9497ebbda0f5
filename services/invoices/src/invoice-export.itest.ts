// Customer invoices out, on the real Kafka, registry and PostgreSQL with the Odoo simulator: Globex's
// posted invoices and a credit note exported as X12 810s once per window. A crash in the middle of the
// window (the second batch's transaction dies before it commits) resumes without sending any invoice
// twice; a second replica running the same window at the same time does nothing; an invoice whose tax
// is not its rate times its base is held with the reason and never sent.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadConfig } from '@tradewind/config';
import { CommandType, ResultOutcome, TOPICS, type TopicValueMap } from '@tradewind/contracts';
import { HEADER, TypedProducer } from '@tradewind/messaging';
import { createLogger } from '@tradewind/observability';
import { createOdooClient } from '@tradewind/odoo-client';
import { type OdooSimulator, startOdooSimulator } from '@tradewind/odoo-simulator';
import type { PartnerCatalog } from '@tradewind/partner-catalog';
import { readX12Interchange } from '@tradewind/partner-documents';
import { OutboxWriter } from '@tradewind/persistence';
import { expectEventually, newGroupsStartNow, testStack, uniqueName } from '@tradewind/testing';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';

import { AppModule } from './app.module';
import { InvoiceBookSync } from './book/invoice-book.sync';
import { InvoiceExportService } from './export/invoice-export.service';
import { invoicesConfig } from './invoices.config';
import { InvoicesMetrics } from './invoices.metrics';
import { INVOICE_BOOK, PARTNER_CATALOG } from './invoices.tokens';

const stack = testStack();
const schema = uniqueName('invoices_export_it').toLowerCase();
const WINDOW = new Date('2026-12-01T08:00:00Z');

describe('invoice export with the real Kafka, registry and PostgreSQL', () => {
  let sim: OdooSimulator;
  let app: INestApplication;
  const pool = new Pool({ connectionString: stack.databaseUrl, max: 2 });

  before(async () => {
    sim = await startOdooSimulator();
    const config = loadConfig(invoicesConfig, {
      SERVICE_NAME: uniqueName('invoices-export-it'),
      KAFKA_BROKERS: stack.kafkaBrokers.join(','),
      KAFKA_NEW_GROUP_START_AT: newGroupsStartNow(),
      SCHEMA_REGISTRY_URL: stack.registryUrl,
      DATABASE_URL: stack.databaseUrl,
      DATABASE_SCHEMA: schema,
      DATABASE_POOL_SIZE: '6',
      HTTP_PORT: '0',
      LOG_LEVEL: process.env.TW_TEST_LOG_LEVEL ?? 'error',
      ODOO_URL: sim.url,
      ODOO_DB: sim.db,
      ODOO_READ_API_KEY: sim.apiKeys.readOnly,
      // the test runs the poll and the windows itself
      INVOICES_POLL_EVERY: '1h',
      INVOICES_EXPORT_EVERY: '1h',
      INVOICES_EXPORT_BATCH_SIZE: '10',
    });
    app = await NestFactory.create(AppModule.forRoot(config.values), { logger: ['error', 'warn'] });
    await app.listen(0, '127.0.0.1');
  });

  after(async () => {
    await app?.close();
    await sim?.stop();
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  });

  it('sends each invoice version once through a crash, a second replica and a tax mismatch', async () => {
    const odoo = createOdooClient({
      url: sim.url,
      db: sim.db,
      apiKey: sim.apiKeys.write,
      apiFlavor: 'json2',
    });
    const globex = sim.store.findByExternalId('tradewind.customer_globex')!.id;
    const acme = sim.store.findByExternalId('tradewind.customer_acme')!.id;
    const product = sim.store.findByExternalId('tradewind.product_sku_1001')!.id;
    const tax = sim.store.findByExternalId('tradewind.tax_sale_10')!.id;
    const line = (quantity: number, price: number) => [
      0,
      0,
      { product_id: product, quantity, price_unit: price, tax_ids: [[6, 0, [tax]]] },
    ];
    const ids = await odoo.create('account.move', [
      ...Array.from({ length: 25 }, (_, i) => ({
        move_type: 'out_invoice',
        partner_id: globex,
        invoice_date: '2026-11-30',
        invoice_line_ids: [line(1 + (i % 4), 12.5 + i), line(2, 3.33)],
      })),
      {
        move_type: 'out_refund',
        partner_id: globex,
        invoice_date: '2026-11-30',
        invoice_line_ids: [line(1, 20)],
      },
      // another customer's invoice: never Globex's
      {
        move_type: 'out_invoice',
        partner_id: acme,
        invoice_date: '2026-11-30',
        invoice_line_ids: [line(1, 5)],
      },
    ]);
    await odoo.callAction('account.move', 'action_post', ids);
    assert.equal(await app.get(InvoiceBookSync).pass(), 27);
    // An invoice whose tax Odoo reports as 1.00 more than 10% of its lines (a hand-edited journal item)
    const [mismatch] = ids;
    await pool.query(
      `UPDATE "${schema}".invoice_book SET tax_minor = tax_minor + 100, total_minor = total_minor + 100,
         lines = jsonb_set(lines, '{0,totalMinor}', to_jsonb((lines->0->>'totalMinor')::int + 100))
       WHERE odoo_id = $1`,
      [mismatch],
    );

    const exports = app.get(InvoiceExportService);
    const partner = app.get<PartnerCatalog>(PARTNER_CATALOG).partner('globex-edi')!;

    // The first pass dies in its second batch, before that batch commits
    const crashing = new InvoiceExportService(
      app.get(DataSource),
      app.get(INVOICE_BOOK),
      app.get(OutboxWriter),
      app.get(PARTNER_CATALOG),
      app.get(InvoicesMetrics),
      createLogger('export-it'),
      {
        serviceName: 'invoices-export-it',
        batchSize: 10,
        beforeCommit: (_partner, batch) => {
          if (batch === 2) throw new Error('crash in the middle of the window');
        },
      },
    );
    await assert.rejects(crashing.runWindow(partner, WINDOW), /crash in the middle/);
    const sentSoFar = await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "${schema}".outbox_message WHERE topic = $1`,
      [TOPICS.partnersOutbound],
    );
    // the first batch committed: nine invoices sent, the mismatch (the first one) held back
    assert.equal(sentSoFar.rows[0].n, 9);

    // Resumed, while a second replica tries the same window
    const [first, second] = await Promise.all([
      exports.runWindow(partner, WINDOW),
      exports.runWindow(partner, WINDOW),
    ]);
    const outcomes = [first.outcome, second.outcome].sort();
    assert.ok(
      outcomes.join() === 'busy,done' || outcomes.join() === 'already_done,done',
      `one replica exports, the other does nothing: ${outcomes.join()}`,
    );
    const done = first.outcome === 'done' ? first : second;
    assert.deepEqual([done.sent, done.blocked], [16, 0]);
    assert.equal((await exports.runWindow(partner, WINDOW)).outcome, 'already_done');

    const outbound = await pool.query<{
      value: { outboundId: string; documentType: string; payload: unknown };
    }>(`SELECT value FROM "${schema}".outbox_message WHERE topic = $1`, [TOPICS.partnersOutbound]);
    assert.equal(outbound.rows.length, 25); // 24 good invoices + the credit note; the mismatch held back
    assert.equal(new Set(outbound.rows.map((r) => r.value.outboundId)).size, 25);
    const ledger = await pool.query<{ outcome: string; n: number }>(
      `SELECT outcome, count(*)::int AS n FROM "${schema}".export_ledger GROUP BY outcome ORDER BY outcome`,
    );
    assert.deepEqual(
      ledger.rows.map((r) => [r.outcome, r.n]),
      [
        ['blocked', 1],
        ['sent', 25],
      ],
    );
    // Each payload is an 810 the platform's reader accepts; the credit note is a credit memo
    const texts = outbound.rows.map((r) => Buffer.from(decodeBytes(r.value.payload)).toString('utf8'));
    for (const text of texts) assert.ok(readX12Interchange(text).ok);
    assert.equal(texts.filter((t) => /BIG\*\d{8}\*RINV\/2026\/\d{5}\*{5}CR~/.test(t)).length, 1);

    const [blocked] = (
      await pool.query<{
        value: { code: string; message: string; details: { code: string; location: string }[] };
      }>(`SELECT value FROM "${schema}".outbox_message WHERE topic = $1`, [TOPICS.opsExceptions])
    ).rows;
    assert.equal(blocked.value.code, 'INVOICE_INTEGRITY');
    assert.match(blocked.value.message, /was not sent: line 1: tax \d+\.\d{2} on \d+\.\d{2} is not 10%/);
    assert.deepEqual(
      blocked.value.details.map((d) => [d.code, d.location]),
      [['tax_rate', 'line 1']],
    );
  });

  it('a payment Odoo refused releases its allocation and makes its entry an exception', async () => {
    const xid = `tradewind.pay_${uniqueName('refused')
      .replace(/[^a-z0-9]/gi, '')
      .toLowerCase()}`;
    await pool.query(
      `INSERT INTO "${schema}".settlement_entries (partner_id, document_id, entry_id, decision, rule, confidence,
         amount_minor, currency, booking_date, payment_xid) VALUES ('harbor-bank', 'S-9', 'E-1', 'matched',
         'reference', 1, 1100, 'USD', '2026-11-30', $1)`,
      [xid],
    );
    await pool.query(
      `INSERT INTO "${schema}".payment_allocations (payment_xid, invoice_odoo_id, amount_minor) VALUES ($1, 1, 1100)`,
      [xid],
    );
    const producer: TypedProducer<TopicValueMap> = app.get(TypedProducer);
    await producer.send(TOPICS.odooResults, [
      {
        key: xid,
        headers: { [HEADER.messageId]: randomUUID() },
        value: {
          commandId: randomUUID(),
          externalId: xid,
          type: CommandType.RegisterPayment,
          outcome: ResultOutcome.BusinessError,
          odooModel: null,
          odooId: null,
          errorClass: 'ODOO_REJECTED',
          errorMessage: 'invoice 1 is cancel: it cannot be paid before it is posted',
          attempts: 1,
          completedAt: Date.now(),
        },
      },
    ]);
    await expectEventually(
      async () => {
        const { rows } = await pool.query<{ refused: boolean; decision: string }>(
          `SELECT a.refused, e.decision FROM "${schema}".payment_allocations a
             JOIN "${schema}".settlement_entries e ON e.payment_xid = a.payment_xid WHERE a.payment_xid = $1`,
          [xid],
        );
        assert.deepEqual(rows, [{ refused: true, decision: 'unmatched' }]);
      },
      { timeoutMs: 60_000, description: 'allocation released' },
    );
    const { rows } = await pool.query<{ value: { message: string } }>(
      `SELECT value FROM "${schema}".outbox_message WHERE topic = $1 AND key LIKE 'settlement/harbor-bank/S-9/%'`,
      [TOPICS.opsExceptions],
    );
    assert.match(rows[0].value.message, /Odoo refused the payment .*cannot be paid/);
  });
});

/** The outbox keeps bytes as its JSON codec writes them. */
function decodeBytes(value: unknown): Uint8Array {
  if (typeof value === 'string') return Buffer.from(value, 'base64');
  if (value && typeof value === 'object' && '$bytes' in value)
    return Buffer.from(String((value as { $bytes: string }).$bytes), 'base64');
  if (value && typeof value === 'object' && 'data' in value)
    return Buffer.from((value as { data: number[] }).data);
  throw new Error(`unexpected bytes encoding: ${JSON.stringify(value).slice(0, 80)}`);
}
