// The settlement handler under the consumer runner on the in-memory transport (no broker, no database):
// other document types are skipped, a document that does not parse is a located business exception,
// a good one reaches the settlement service once per delivery with the parsed entries.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';

import { TOPICS } from '@tradewind/contracts';
import {
  ConsumerRunner,
  HEADER,
  InMemoryParkedRecordStore,
  InMemoryTransport,
  jsonDecoder,
  jsonRecord,
} from '@tradewind/messaging';
import { loadPartnerCatalog } from '@tradewind/partner-catalog';
import { buildCamt053 } from '@tradewind/partner-documents';
import { supplierInvoiceJson } from '@tradewind/partner-testing';
import { expectEventually } from '@tradewind/testing';

import { InvoicesMetrics } from './invoices.metrics';
import type { SettlementInput, SettlementService } from './settlement/settlement.service';
import {
  type IngressDocumentsValue,
  SettlementDocumentsConsumer,
} from './settlement/settlement-documents.consumer';
import type { SupplierBillsService, SupplierInvoicesInput } from './supplier-bills/supplier-bills.service';

const GROUP = 'invoices.ingress.documents';
const running: ConsumerRunner<IngressDocumentsValue>[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((runner) => runner.stop()));
});

const CATALOG = loadPartnerCatalog(join(__dirname, '../../../config/partners'));

const document = (
  documentType: string,
  payload: string,
  contentType = 'application/xml',
  partnerId = 'harbor-bank',
) =>
  ({
    documentId: 'doc-1',
    partnerId,
    documentType,
    contentType,
    payload: Buffer.from(payload),
  }) as unknown as IngressDocumentsValue;

async function start() {
  const transport = new InMemoryTransport();
  transport.createTopic(TOPICS.ingressDocuments, 1);
  const settled: SettlementInput[] = [];
  const service = {
    settle: (input: SettlementInput) => {
      settled.push(input);
      return Promise.resolve({
        duplicate: false,
        matched: 1,
        partial: 0,
        unmatched: 0,
        ambiguous: 0,
        ignored: 0,
      });
    },
  } as unknown as SettlementService;
  const received: SupplierInvoicesInput[] = [];
  const bills = {
    receive: (input: SupplierInvoicesInput) => {
      received.push(input);
      return Promise.resolve(input.invoices.map(() => 'billed'));
    },
  } as unknown as SupplierBillsService;
  const consumer = new SettlementDocumentsConsumer(service, new InvoicesMetrics(), CATALOG, bills);
  const runner = new ConsumerRunner<IngressDocumentsValue>({
    transport,
    decoder: jsonDecoder<IngressDocumentsValue>(),
    parked: new InMemoryParkedRecordStore(),
    groupId: GROUP,
    topic: TOPICS.ingressDocuments,
    // The in-memory transport carries JSON: the payload comes back as Buffer.toJSON(), Avro gives bytes
    handler: (record) =>
      consumer.handle({
        ...record,
        value: {
          ...record.value,
          payload: record.value.payload === null ? null : Buffer.from(record.value.payload),
        },
      }),
  });
  await runner.start();
  running.push(runner);
  let n = 0;
  const send = (value: IngressDocumentsValue) =>
    transport.produce(TOPICS.ingressDocuments, jsonRecord('k', value, { [HEADER.messageId]: `m-${++n}` }));
  const committed = () => transport.committedOffset(GROUP, TOPICS.ingressDocuments, 0);
  return { transport, settled, received, send, committed };
}

describe('invoices: the settlement documents handler', () => {
  it('settles a camt.053 statement, skips sales orders, reports a broken statement with locations', async () => {
    const h = await start();
    const statement = buildCamt053({
      statementId: 'S-1',
      entries: [{ bankRef: 'B-1', amount: '10.00', remittance: ['INV/2026/00001'] }],
    });
    h.send(document('bank-statement', statement));
    h.send(document('sales-order', '{}', 'application/json'));
    h.send(document('bank-statement', statement.replace('<CLBD', '<CLBD').replace('1010.00', '1010.01')));
    await expectEventually(() => assert.equal(h.committed(), 3), { timeoutMs: 5_000 });
    assert.equal(h.settled.length, 1);
    assert.deepEqual(
      h.settled[0].document.entries.map((e) => [e.entryId, e.amountMinor]),
      [['B-1', 1_000]],
    );
    assert.equal(h.transport.exceptions.length, 1);
    const [{ exception }] = h.transport.exceptions;
    assert.equal(exception.code, 'SETTLEMENT_DOCUMENT_INVALID');
    assert.equal(exception.details[0].code, 'BALANCE_MISMATCH');
    assert.equal(exception.details[0].location, '/Document/BkToCstmrStmt/Stmt[1]/Bal');
  });

  it('refuses a statement from a party that does not own settlements, matching nothing', async () => {
    const h = await start();
    const statement = buildCamt053({
      statementId: 'S-2',
      entries: [{ bankRef: 'B-2', amount: '10.00', remittance: ['INV/2026/00001'] }],
    });
    h.send(document('bank-statement', statement, 'application/xml', 'acme-portal'));
    await expectEventually(() => assert.equal(h.committed(), 1), { timeoutMs: 5_000 });
    assert.equal(h.settled.length, 0);
    assert.equal(h.transport.exceptions[0]?.exception.code, 'NOT_SYSTEM_OF_RECORD');
    assert.match(h.transport.exceptions[0].exception.message, /owns settlements/);
  });

  it("hands a supplier's invoice to the bills; refuses one from a party that is not a supplier, and a broken one with where", async () => {
    const h = await start();
    const invoice = {
      invoiceNumber: 'CT-1',
      invoiceDate: '2026-12-01',
      poNumber: 'P00001',
      lines: [{ lineNumber: '1', quantity: 2, unitPrice: '61.00', sku: 'SKU-2001' }],
    };
    const json = (partnerId: string, body = supplierInvoiceJson(invoice)) => ({
      ...document('supplier-invoice', body, 'application/json', partnerId),
      format: 'json',
    });
    h.send(json('cascade-tools') as IngressDocumentsValue);
    h.send(json('acme-portal') as IngressDocumentsValue);
    h.send(
      json(
        'cascade-tools',
        supplierInvoiceJson({ ...invoice, invoiceDate: 'today' }),
      ) as IngressDocumentsValue,
    );
    await expectEventually(() => assert.equal(h.committed(), 3), { timeoutMs: 5_000 });
    assert.deepEqual(
      h.received.map((r) => [r.partnerId, r.invoices[0].invoiceNumber, r.invoices[0].lines[0].unitPrice]),
      [['cascade-tools', 'CT-1', '61.00']],
    );
    assert.deepEqual(
      h.transport.exceptions.map((e) => [e.exception.code, e.exception.details[0]?.location ?? null]),
      [
        ['NOT_SYSTEM_OF_RECORD', null],
        ['SUPPLIER_INVOICE_INVALID', '/invoiceDate'],
      ],
    );
  });
});
