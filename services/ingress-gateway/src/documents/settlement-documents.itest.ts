// Finance documents through the gateway's HTTP API against the real Kafka, registry and PostgreSQL: the
// bank posts a camt.053 statement (XML) or its CSV, the payment gateway a payout (JSON), a supplier its
// invoice (X12 810 or JSON); each is one ingress.documents record for invoices. A statement that does not
// balance, hostile XML and an 810 with a bad line are refused with their location and nothing is written;
// only the systems of record (settlements: the bank and the gateway; supplier invoices: the suppliers)
// may send them, and no 997 ever answers them.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import { buildCamt053 } from '@tradewind/partner-documents';
import { supplier810, supplierInvoiceJson } from '@tradewind/partner-testing';
import { expectEventually } from '@tradewind/testing';

import { GatewayHarness, type Reply } from '../test/gateway-harness';

const BANK = 'harbor-bank-2026-12';
const GATEWAY = 'swiftpay-2026-12';
const STATEMENT = '/v1/documents/bank-statement';
const INVOICE = '/v1/documents/supplier-invoice';

const statement = (statementId: string, closing?: string): string =>
  buildCamt053({
    statementId,
    version: '08',
    closing,
    entries: [
      {
        bankRef: `${statementId}-1`,
        amount: '1250.00',
        debtorName: 'Acme Hardware Inc',
        remittance: ['INV/2026/00001'],
      },
      { bankRef: `${statementId}-2`, amount: '80.10', creditorRef: 'RF18INV202600002' },
    ],
  });

void describe('settlement documents from the bank and the payment gateway (real Kafka, registry, PostgreSQL)', () => {
  const gateway = new GatewayHarness();
  const recordsOf = (batchId: unknown) => gateway.ingress.filter((r) => r.value.batchId === batchId);
  const refused = (reply: Reply, status: number, slug: string): void => {
    assert.equal(reply.status, status, JSON.stringify(reply.body));
    assert.match(reply.headers.get('content-type') ?? '', /^application\/problem\+json/);
    assert.equal(reply.body.type, `https://docs.tradewind.example/problems/${slug}`);
  };

  before(async () => {
    await gateway.startReader();
    await gateway.startGateway();
  });
  after(() => gateway.close());

  void it("accepts the bank's camt.053 and the gateway's payout as one record each, named by their ids, with no 997", async () => {
    const id = `STMT-${randomUUID().slice(0, 8)}`;
    const camt = await gateway.send(BANK, 'POST', STATEMENT, {
      body: statement(id),
      contentType: 'application/xml',
    });
    assert.equal(camt.status, 202, JSON.stringify(camt.body));
    const payoutId = `po_${randomUUID().slice(0, 8)}`;
    const payout = await gateway.send(GATEWAY, 'POST', '/v1/documents/gateway-payout', {
      body: JSON.stringify({
        payoutId,
        currency: 'USD',
        arrivalDate: '2026-11-30',
        amount: '96.80',
        transactions: [
          { id: 'ch_1', type: 'charge', amount: '100.00', fee: '3.20', reference: 'INV/2026/00003' },
        ],
      }),
      contentType: 'application/json',
    });
    assert.equal(payout.status, 202, JSON.stringify(payout.body));
    const [record] = await expectEventually(() => {
      const found = recordsOf(camt.body.batchId);
      assert.equal(found.length, 1);
      assert.equal(recordsOf(payout.body.batchId).length, 1);
      return found;
    });
    assert.deepEqual(
      [
        record.value.partnerId,
        record.value.documentType,
        record.value.format,
        record.value.contentType,
        record.value.businessRef,
      ],
      ['harbor-bank', 'bank-statement', 'xml', 'application/xml', id],
    );
    assert.equal(Buffer.from(record.value.payload!).toString('utf8'), statement(id));
    assert.deepEqual(
      [recordsOf(payout.body.batchId)[0].value.documentType, recordsOf(payout.body.batchId)[0].value.format],
      ['gateway-payout', 'json'],
    );
    const batches = new Set([camt.body.batchId, payout.body.batchId]);
    assert.equal(
      gateway.outbound.filter((r) =>
        r.value.relatesTo.some((ref) => batches.has(ref) || ref === record.value.documentId),
      ).length,
      0,
    );
  });

  void it('refuses a statement that does not balance, naming the balances, and writes nothing', async () => {
    const reply = await gateway.send(BANK, 'POST', STATEMENT, {
      body: statement(`STMT-${randomUUID().slice(0, 8)}`, '1000.01'),
      contentType: 'application/xml',
    });
    refused(reply, 422, 'invalid-document');
    const [error] = reply.body.errors as { code: string; detail: string; location: string }[];
    assert.equal(error.code, 'BALANCE_MISMATCH');
    assert.match(
      error.detail,
      /opening balance 1000\.00 \+ booked entries 1330\.10 = 2330\.10, but the closing balance is 1000\.01/,
    );
    assert.match(error.location, /Stmt.*Bal/);
    assert.equal(recordsOf(reply.body.batchId).length, 0);
  });

  void it('refuses a DOCTYPE with its entities unexpanded, at its line and column', async () => {
    const hostile =
      '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>\n' +
      '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt>&lol2;</BkToCstmrStmt></Document>';
    const reply = await gateway.send(BANK, 'POST', STATEMENT, { body: hostile, contentType: 'text/xml' });
    refused(reply, 422, 'invalid-document');
    const [error] = reply.body.errors as { code: string; location: string; line: number; column: number }[];
    assert.deepEqual([error.code, error.line, error.column], ['XML_DOCTYPE_REFUSED', 2, 1]);
    assert.equal(error.location, 'line 2, column 1');
    assert.equal(recordsOf(reply.body.batchId).length, 0);
  });

  void it('answers a non-owner of settlements 403 not-system-of-record, naming the owners', async () => {
    const reply = await gateway.send('acme-portal-2026-12', 'POST', STATEMENT, {
      body: statement('STMT-NOT-OURS'),
      contentType: 'application/xml',
    });
    refused(reply, 403, 'not-system-of-record');
    assert.equal(reply.body.domain, 'settlements');
    assert.match(String(reply.body.systemOfRecord), /harbor-bank/);
    // The gateway owns settlements too, but only the bank sends statements.
    const notBank = await gateway.send(GATEWAY, 'POST', STATEMENT, {
      body: statement('STMT-NOT-A-BANK'),
      contentType: 'application/xml',
    });
    refused(notBank, 403, 'scope-not-granted');
  });

  void it("accepts a supplier's 810 (answered with a 997) and JSON invoice as one record each; refuses a bad 810 with where (a 997 rejecting it), and anyone but a supplier", async () => {
    const number = `BW-${randomUUID().slice(0, 8)}`;
    const invoice = {
      invoiceNumber: number,
      invoiceDate: '2026-12-01',
      poNumber: 'P00042',
      lines: [{ lineNumber: '1', quantity: 12, unitPrice: '0.21', sku: 'SKU-1001', partNumber: 'BW-SB-M8' }],
    };
    const parties = { senderId: 'BOLTWORKS', receiverId: 'TRADEWIND', controlNumber: 4201 };
    const x12 = await gateway.send('boltworks-supply-2026-11', 'POST', INVOICE, {
      body: supplier810(parties, invoice),
      contentType: 'application/edi-x12',
    });
    assert.equal(x12.status, 202, JSON.stringify(x12.body));
    const json = await gateway.send('cascade-tools-2026-11', 'POST', INVOICE, {
      body: supplierInvoiceJson({ ...invoice, invoiceNumber: `CT-${number}` }),
      contentType: 'application/json',
    });
    assert.equal(json.status, 202, JSON.stringify(json.body));
    const [record] = await expectEventually(() => {
      const found = recordsOf(x12.body.batchId);
      assert.equal(found.length, 1);
      assert.equal(recordsOf(json.body.batchId).length, 1);
      return found;
    });
    assert.deepEqual(
      [record.value.partnerId, record.value.documentType, record.value.format, record.value.businessRef],
      ['boltworks-supply', 'supplier-invoice', 'x12', number],
    );
    assert.equal(recordsOf(json.body.batchId)[0].value.format, 'json');
    // The 810 is answered with a 997 to the supplier, as a customer's 850 is; the JSON invoice with none
    const ackOf = (batchId: unknown) =>
      gateway.outbound.filter(
        (o) => o.value.documentType === 'x12-997' && o.value.outboundId === `x12-997:${String(batchId)}`,
      );
    const [ack] = await expectEventually(() => {
      const found = ackOf(x12.body.batchId);
      assert.equal(found.length, 1);
      return found;
    });
    assert.equal(ack.value.partnerId, 'boltworks-supply');
    const ackText = Buffer.from(ack.value.payload).toString('utf8');
    assert.match(ackText, /AK1\*IN\*4201/);
    assert.match(ackText, /AK2\*810\*0001~\s*AK5\*A/);
    assert.match(ackText, /AK9\*A\*1\*1\*1/);

    const bad = await gateway.send('boltworks-supply-2026-11', 'POST', INVOICE, {
      body: supplier810(
        { ...parties, controlNumber: 4202 },
        { ...invoice, lines: [{ ...invoice.lines[0], unitPrice: '0,21' }] },
      ),
      contentType: 'application/edi-x12',
    });
    refused(bad, 422, 'invalid-document');
    const [error] = bad.body.errors as { code: string; location: string }[];
    assert.equal(error.code, 'INVALID_NUMBER');
    assert.match(error.location, /segment 6 \(IT1\), element 04/);
    assert.equal(recordsOf(bad.body.batchId).length, 0);
    const [rejection] = await expectEventually(() => {
      const found = ackOf(bad.body.batchId);
      assert.equal(found.length, 1);
      return found;
    });
    assert.match(Buffer.from(rejection.value.payload).toString('utf8'), /AK5\*R.*AK9\*R\*1\*1\*0/s);
    assert.equal(ackOf(json.body.batchId).length, 0);

    const notSupplier = await gateway.send('acme-portal-2026-12', 'POST', INVOICE, {
      body: supplierInvoiceJson(invoice),
      contentType: 'application/json',
    });
    refused(notSupplier, 403, 'not-system-of-record');
    assert.equal(notSupplier.body.domain, 'supplier-invoices');
  });
});
