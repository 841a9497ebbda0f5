// The 810 the invoices service sends: a well-formed interchange the platform's own reader accepts, with
// the invoice's number, kind, lines and totals where the 810 puts them; JSON and CSV carry the same.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { OutboundInvoice } from './invoice-document';
import { buildCsvInvoice, buildJsonInvoice } from './invoice-document.builder';
import { buildX12Invoice } from './x12-810.builder';
import { readX12Interchange } from './x12-interchange.reader';

const invoice: OutboundInvoice = {
  number: 'RINV/2026/00007',
  kind: 'credit-note',
  creditNoteFor: 'INV/2026/00042',
  invoiceDate: '2026-11-30',
  dueDate: '2026-12-30',
  currency: 'USD',
  customerId: 'CUST-GLOBEX',
  customerName: 'Globex *Corp~',
  untaxedMinor: 2_000,
  taxMinor: 200,
  totalMinor: 2_200,
  lines: [
    {
      lineNumber: 1,
      sku: 'SKU-1001',
      description: '=cmd()',
      quantity: '4',
      unitPrice: '5',
      subtotalMinor: 2_000,
      taxMinor: 200,
      totalMinor: 2_200,
      taxRates: ['10'],
    },
  ],
};

const envelope = {
  senderQualifier: 'ZZ',
  senderId: 'TRADEWIND',
  receiverQualifier: 'ZZ',
  receiverId: 'GLOBEX',
  interchangeControlNumber: 17,
  groupControlNumber: 17,
  setControlNumber: 1,
  preparedAt: new Date('2026-12-01T06:00:00Z'),
};

describe('buildX12Invoice', () => {
  it('writes an 810 the reader accepts, a credit memo with its invoice, the delimiters cleaned out', () => {
    const text = buildX12Invoice(invoice, envelope);
    const read = readX12Interchange(text);
    assert.ok(read.ok, JSON.stringify(!read.ok && read.problems));
    assert.deepEqual(read.interchange.problems, []);
    const [group] = read.interchange.groups;
    assert.equal(group.functionalId, 'IN');
    assert.match(text, /BIG\*20261130\*RINV\/2026\/00007\*\*\*\*\*CR~/);
    assert.match(text, /REF\*OI\*INV\/2026\/00042~/);
    assert.match(text, /N1\*BT\*Globex {2}Corp\*91\*CUST-GLOBEX~/);
    assert.match(text, /IT1\*1\*4\*EA\*5\*\*VP\*SKU-1001~/);
    assert.match(text, /TDS\*2200\*2000~/);
    assert.match(text, /CTT\*1~/);
  });

  it('JSON carries decimal strings; CSV defuses a formula in a description', () => {
    const json = JSON.parse(buildJsonInvoice(invoice)) as { total: string; lines: { tax: string }[] };
    assert.deepEqual([json.total, json.lines[0].tax], ['22.00', '2.00']);
    const csv = buildCsvInvoice(invoice).split('\n');
    assert.match(csv[1], /,'=cmd\(\),/);
    assert.match(csv[1], /,20\.00,2\.00,22\.00,20\.00,2\.00,22\.00$/);
  });
});
