// e2e-lane: isolated (its odoo-writer and invoices on a commands topic and an Odoo of their own)
// The must-show, end to end on the real Kafka, registry and PostgreSQL with the Odoo simulator:
// a month of 1,000 posted invoices, read by the invoices service (read-only key); a camt.053 statement
// of 1,000 entries (950 paying one invoice in full by reference, 20 partial payments, 10 payments of two
// invoices each, 20 that match nothing) delivered twice; the odoo-writer (a real child process, on a
// commands topic of this test's own) registers the payments through Odoo's wizard. Odoo ends with
// exactly 980 payments, each invoice paid as the statement says, and 20 exceptions list candidates.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadConfig } from '@tradewind/config';
import { TOPICS, type TopicValueMap } from '@tradewind/contracts';
import { createKafka, HEADER, TypedProducer } from '@tradewind/messaging';
import { createOdooClient, type OdooClient } from '@tradewind/odoo-client';
import { type OdooSimulator, startOdooSimulator } from '@tradewind/odoo-simulator';
import { buildCamt053, type Camt053EntryFixture } from '@tradewind/partner-documents';
import { expectEventually, newGroupsStartNow, testStack, uniqueName } from '@tradewind/testing';
import { Pool } from 'pg';

import { AppModule } from './app.module';
import { invoicesConfig } from './invoices.config';

const ROOT = join(__dirname, '../../..');
const stack = testStack();
const run = uniqueName('fin');
const commandsTopic = `${run}.odoo-commands`;
const invoicesSchema = `invoices_${run}`.replace(/[^a-z0-9_]/gi, '_').toLowerCase();
const writerSchema = `writer_${run}`.replace(/[^a-z0-9_]/gi, '_').toLowerCase();
const BANK = 'harbor-bank';
const CUSTOMERS = ['tradewind.customer_acme', 'tradewind.customer_bolt', 'tradewind.customer_globex'];

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

const cents = (n: number): string => `${Math.floor(n / 100)}.${String(n % 100).padStart(2, '0')}`;

describe('a month of invoices settled by one camt.053 statement', () => {
  let sim: OdooSimulator;
  let odoo: OdooClient;
  let app: INestApplication;
  let writer: ChildProcess;
  const writerOutput: string[] = [];
  const pool = new Pool({ connectionString: stack.databaseUrl, max: 2 });
  const kafka = createKafka({ brokers: stack.kafkaBrokers, clientId: `${run}-setup` });

  before(async () => {
    sim = await startOdooSimulator();
    odoo = createOdooClient({ url: sim.url, db: sim.db, apiKey: sim.apiKeys.write, apiFlavor: 'json2' });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic: commandsTopic, numPartitions: 3 }] });
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
      LOG_LEVEL: process.env.TW_TEST_LOG_LEVEL ?? 'warn',
      ODOO_URL: sim.url,
      ODOO_DB: sim.db,
      ODOO_READ_API_KEY: sim.apiKeys.readOnly,
      INVOICES_POLL_EVERY: '500ms',
      INVOICES_COMMANDS_TOPIC: commandsTopic,
    });
    app = await NestFactory.create(AppModule.forRoot(config.values), { logger: ['error', 'warn'] });
    await app.listen(0, '127.0.0.1');
    await expectEventually(
      async () => {
        if (writer.exitCode !== null)
          throw new Error(`writer exited:\n${writerOutput.join('').slice(-2000)}`);
        assert.equal((await fetch(`http://127.0.0.1:${writerPort}/health/ready`)).status, 200);
      },
      { timeoutMs: 60_000, intervalMs: 300, description: 'odoo-writer ready' },
    );
  });

  after(async () => {
    await app?.close();
    if (writer && writer.exitCode === null) {
      const gone = new Promise((resolve) => writer.once('exit', resolve));
      writer.kill('SIGTERM');
      await gone;
    }
    await sim?.stop();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [commandsTopic] }).catch(() => undefined);
    await admin.disconnect();
    for (const schema of [invoicesSchema, writerSchema])
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  });

  it('pays 980 payments once each in Odoo and raises 20 exceptions with candidates', async () => {
    // A month of invoices: 1,000 across three customers, 1 to 3 lines each with the 10% sales tax
    const product = sim.store.findByExternalId('tradewind.product_sku_1001')!.id;
    const tax = sim.store.findByExternalId('tradewind.tax_sale_10')!.id;
    const customers = CUSTOMERS.map((xid) => sim.store.findByExternalId(xid)!.id);
    const vals = Array.from({ length: 1000 }, (_, i) => ({
      move_type: 'out_invoice',
      partner_id: customers[i % customers.length],
      invoice_date: `2026-11-${String(1 + (i % 30)).padStart(2, '0')}`,
      invoice_line_ids: Array.from({ length: 1 + (i % 3) }, (__, l) => [
        0,
        0,
        {
          product_id: product,
          quantity: 1 + ((i + l) % 7),
          price_unit: 10 + ((i * 37 + l * 11) % 500) + 0.25,
          tax_ids: [[6, 0, [tax]]],
        },
      ]),
    }));
    const ids = await odoo.create('account.move', vals);
    await odoo.callAction('account.move', 'action_post', ids);
    const invoices = (await odoo.read('account.move', ids, ['name', 'amount_total', 'partner_id'])).map(
      (row) => ({
        id: row.id,
        name: String(row.name),
        totalMinor: Math.round(Number(row.amount_total) * 100),
        partner: (row.partner_id as [number, string])[1],
      }),
    );

    const entries: Camt053EntryFixture[] = [];
    const reference = (name: string, i: number): Partial<Camt053EntryFixture> =>
      i % 3 === 0
        ? { remittance: [`Payment ${name} thank you`] }
        : i % 3 === 1
          ? { creditorRef: name }
          : { remittance: [name.replaceAll('/', ' ').toLowerCase()] };
    invoices.slice(0, 950).forEach((invoice, i) =>
      entries.push({
        bankRef: `${run}-F${i}`,
        amount: cents(invoice.totalMinor),
        debtorName: invoice.partner,
        ...reference(invoice.name, i),
      }),
    );
    const partialOf = (minor: number): number => Math.floor(minor / 2);
    invoices.slice(950, 970).forEach((invoice, i) =>
      entries.push({
        bankRef: `${run}-P${i}`,
        amount: cents(partialOf(invoice.totalMinor)),
        debtorName: invoice.partner,
        remittance: [invoice.name],
      }),
    );
    // ten payments of two invoices each, of one customer
    const open = invoices.slice(970);
    const byCustomer = new Map<string, typeof open>();
    for (const invoice of open)
      byCustomer.set(invoice.partner, [...(byCustomer.get(invoice.partner) ?? []), invoice]);
    const multi: (typeof open)[] = [];
    for (const list of byCustomer.values()) {
      for (let i = 0; i + 1 < list.length && multi.length < 10; i += 2) multi.push([list[i], list[i + 1]]);
    }
    assert.equal(multi.length, 10);
    multi.forEach(([a, b], i) =>
      entries.push({
        bankRef: `${run}-M${i}`,
        amount: cents(a.totalMinor + b.totalMinor),
        debtorName: a.partner,
        remittance: [`${a.name} ${b.name}`],
      }),
    );
    for (let i = 0; i < 20; i++) {
      entries.push({
        bankRef: `${run}-U${i}`,
        amount: cents(1_000_003 + i * 7),
        debtorName: `Unknown Payer ${i}`,
        remittance: ['transfer'],
      });
    }
    assert.equal(entries.length, 1000);
    const statement = buildCamt053({ statementId: `${run}-2026-11`, opening: '50000.00', entries });

    // The invoice book has the month (polled by write_date)
    await expectEventually(
      async () => {
        const [{ count }] = await pool
          .query<{ count: string }>(
            `SELECT count(*) FROM "${invoicesSchema}".invoice_book WHERE state = 'posted'`,
          )
          .then((r) => r.rows);
        assert.equal(Number(count), 1000);
      },
      { timeoutMs: 30_000, intervalMs: 250, description: 'invoice book synced' },
    );

    const producer: TypedProducer<TopicValueMap> = app.get(TypedProducer);
    const payload = Buffer.from(statement, 'utf8');
    const record = (messageId: string) => ({
      key: `${BANK}/bank-statement/${run}`,
      headers: { [HEADER.messageId]: messageId },
      value: {
        documentId: randomUUID(),
        batchId: null,
        batchIndex: 0,
        batchSize: 1,
        partnerId: BANK,
        principal: `${BANK}-e2e`,
        documentType: 'bank-statement',
        format: 'unknown' as const,
        contentType: 'application/xml',
        businessRef: `${run}-2026-11`,
        interchangeRef: null,
        idempotencyKey: null,
        apiVersion: 'v1',
        receivedAt: Date.now(),
        sha256: 'not-checked-here',
        sizeBytes: payload.length,
        payload,
        claimCheckUri: null,
        correction: null,
      },
    });
    // Delivered twice (a resubmission with another message id): the statement is settled once
    await producer.send(TOPICS.ingressDocuments, [record(randomUUID()), record(randomUUID())]);

    const paymentCount = () => odoo.searchCount('account.payment', [['state', '=', 'posted']]);
    await expectEventually(async () => assert.equal(await paymentCount(), 980), {
      timeoutMs: 70_000,
      intervalMs: 500,
      description: '980 payments in Odoo',
    }).catch(async (error: unknown) => {
      // what the services did, for the failure message
      const entries = await pool.query(
        `SELECT decision, count(*) FROM "${invoicesSchema}".settlement_entries GROUP BY 1`,
      );
      const outbox = await pool.query(
        `SELECT topic, published_at IS NOT NULL AS published, count(*) FROM "${invoicesSchema}".outbox_message GROUP BY 1, 2`,
      );
      throw new Error(
        `${String(error)}\nentries ${JSON.stringify(entries.rows)}\noutbox ${JSON.stringify(outbox.rows)}\nwriter:\n${writerOutput.join('').slice(-3000)}`,
        { cause: error },
      );
    });

    const moves = await odoo.read('account.move', ids, ['amount_residual', 'payment_state']);
    const state = new Map(moves.map((m) => [m.id, m]));
    for (const invoice of invoices.slice(0, 950))
      assert.equal(state.get(invoice.id)!.payment_state, 'paid', invoice.name);
    for (const invoice of invoices.slice(950, 970)) {
      const move = state.get(invoice.id)!;
      assert.equal(move.payment_state, 'partial', invoice.name);
      assert.equal(
        Math.round(Number(move.amount_residual) * 100),
        invoice.totalMinor - partialOf(invoice.totalMinor),
      );
    }
    const paidTogether = new Set(multi.flat().map((i) => i.id));
    for (const invoice of invoices.slice(970)) {
      assert.equal(
        state.get(invoice.id)!.payment_state,
        paidTogether.has(invoice.id) ? 'paid' : 'not_paid',
        invoice.name,
      );
    }
    // Each payment once: one external id and one memo per statement entry
    assert.equal(sim.store.countByExternalId('tradewind.pay_', 'account.payment'), 980);
    const memos = (await odoo.searchRead('account.payment', [], { fields: ['memo'] })).map((p) =>
      String(p.memo),
    );
    assert.equal(new Set(memos).size, 980);
    const grouped = await odoo.searchRead('account.payment', [['memo', 'like', `${run}-M0 `]], {
      fields: ['invoice_ids'],
    });
    assert.equal((grouped[0].invoice_ids as number[]).length, 2);

    const decisions = await pool.query<{ decision: string; count: string }>(
      `SELECT decision, count(*) FROM "${invoicesSchema}".settlement_entries GROUP BY decision ORDER BY decision`,
    );
    assert.deepEqual(Object.fromEntries(decisions.rows.map((r) => [r.decision, Number(r.count)])), {
      matched: 960,
      partially_matched: 20,
      unmatched: 20,
    });
    const exceptions = await pool.query<{ value: { code: string; details: { code: string }[] } }>(
      `SELECT value FROM "${invoicesSchema}".outbox_message WHERE topic = $1 AND published_at IS NOT NULL`,
      [TOPICS.opsExceptions],
    );
    assert.equal(exceptions.rows.length, 20);
    for (const { value } of exceptions.rows) {
      assert.equal(value.code, 'SETTLEMENT_UNMATCHED');
      assert.ok(value.details.some((d) => d.code === 'entry'));
    }
    // Nothing more comes: the second delivery settled nothing, no payment is made twice
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    assert.equal(await paymentCount(), 980);
  });
});
