// The purchase order documents we send suppliers (850, 860, JSON, CSV) and the readers of their answers
// (855, 997, JSON acknowledgement, Odoo's webhook), round-tripped and fed hostile input: every refusal
// names its location.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { DocumentFormat } from './document-format';
import type { SupplierOrder } from './purchase-order-document';
import { PurchasingDocumentType, splitPurchasingDocument } from './purchasing-document-split';
import { buildCsvPurchaseOrder, buildJsonPurchaseOrder } from './supplier-order.builders';
import {
  readJsonPurchaseOrderAck,
  readX12FunctionalAcks,
  readX12PurchaseOrderAcks,
} from './supplier-responses.reader';
import { buildX12PurchaseOrder } from './x12-850.builder';
import { buildX12PurchaseOrderCancellation, buildX12PurchaseOrderChange } from './x12-860.builder';
import { readX12Interchange } from './x12-interchange.reader';

const order: SupplierOrder = {
  poNumber: 'P00042',
  orderDate: '2026-12-01',
  revision: 1,
  currency: 'USD',
  supplierId: 'boltworks-supply',
  lines: [
    {
      lineNumber: '1',
      sku: 'SKU-1001',
      supplierPartNumber: 'BW-SB-M8',
      description: 'Bolt M8, "A2"',
      quantity: 500,
      uom: 'EA',
      unitPrice: 0.21,
      expectedDate: '2026-12-08',
    },
    {
      lineNumber: '2',
      sku: 'SKU-1002',
      supplierPartNumber: 'BW-SN-M8-C12',
      quantity: 2,
      uom: 'CA',
      unitPrice: 1.2,
      expectedDate: '2026-12-11',
    },
  ],
};
const envelope = {
  senderQualifier: 'ZZ',
  senderId: 'TRADEWIND',
  receiverQualifier: 'ZZ',
  receiverId: 'BOLTWORKS',
  interchangeControlNumber: 17,
  groupControlNumber: 17,
  setControlNumber: 1,
  preparedAt: new Date('2026-12-01T10:00:00Z'),
};
const ISA =
  'ISA*00*          *00*          *ZZ*BOLTWORKS      *ZZ*TRADEWIND      *261201*1200*U*00401*000000005*0*P*>~\n';
/** A supplier's interchange of one set (GS01 `functionalId`), segments between ST and SE. */
function interchange(functionalId: string, set: string, body: readonly string[]): string {
  return (
    [
      ISA + `GS*${functionalId}*BOLTWORKS*TRADEWIND*20261201*1200*5*X*004010`,
      `ST*${set}*0001`,
      ...body,
      `SE*${body.length + 2}*0001`,
      'GE*1*5',
      'IEA*1*000000005',
    ].join('~\n') + '~\n'
  );
}
const ACK_855 = interchange('PR', '855', [
  'BAK*00*AC*P00042*20261201',
  'PO1*1*500*EA*0.21**VP*X',
  'ACK*DR*500*EA*067*20261215',
  'PO1*2*0*CA*1.2**VP*Y',
  'ACK*IR*0*CA',
  'CTT*2',
]);
const BAD_855 = interchange('PR', '855', [
  'BAK*00*QQ*P00042*20261201',
  'PO1*1*5*EA*1**VP*X',
  'ACK*ZZ*5*EA',
  'PO1*2*five*EA*1**VP*X',
  'ACK*IA*5*EA*067*20261345',
  'CTT*2',
]);
const REJECTED_997 = interchange('FA', '997', ['AK1*PO*17', 'AK2*850*0001', 'AK5*R', 'AK9*R*1*1*0']);
const bytes = (text: string) => Buffer.from(text, 'utf8');

describe('purchase orders to suppliers', () => {
  it('850: BEG, revision, PO1 with the supplier part number and our SKU, PID, DTM*002; a valid interchange', () => {
    const edi = buildX12PurchaseOrder(order, envelope);
    assert.match(edi, /BEG\*00\*SA\*P00042\*\*20261201~/);
    assert.match(edi, /REF\*PD\*1~/);
    assert.match(
      edi,
      /PO1\*1\*500\*EA\*0\.21\*PE\*VP\*BW-SB-M8\*BP\*SKU-1001~\nPID\*F\*\*\*\*Bolt M8, "A2"~\nDTM\*002\*20261208~/,
    );
    assert.match(edi, /PO1\*2\*2\*CA\*1\.2\*PE\*VP\*BW-SN-M8-C12\*BP\*SKU-1002~\nDTM\*002\*20261211~/);
    assert.match(edi, /CTT\*2~/);
    const read = readX12Interchange(edi);
    assert.ok(read.ok);
    assert.deepEqual(read.interchange.problems, []);
    assert.equal(read.interchange.groups[0].functionalId, 'PO');
  });

  it('860: BCH 04, the revision, POC per changed line with new quantity and difference', () => {
    const changed = { ...order, revision: 2, lines: [{ ...order.lines[0], quantity: 800 }, order.lines[1]] };
    const edi = buildX12PurchaseOrderChange(
      changed,
      [
        { code: 'CA', line: changed.lines[0], previousQuantity: 500 },
        { code: 'DI', line: order.lines[1], previousQuantity: 2 },
      ],
      envelope,
    );
    assert.match(edi, /BCH\*04\*SA\*P00042\*\*\*20261201~/);
    assert.match(edi, /REF\*PD\*2~/);
    assert.match(edi, /POC\*1\*CA\*800\*300\*EA\*0\.21\*PE\*VP\*BW-SB-M8\*BP\*SKU-1001~/);
    assert.match(edi, /POC\*2\*DI\*0\*-2\*CA\*1\.2\*PE\*VP\*BW-SN-M8-C12\*BP\*SKU-1002~/);
    assert.ok(readX12Interchange(edi).ok);
  });

  it('860 cancellation: BCH 01, the revision, no line', () => {
    const edi = buildX12PurchaseOrderCancellation({ ...order, revision: 3, purpose: 'cancel' }, envelope);
    assert.match(
      edi,
      /ST\*860\*0001~\nBCH\*01\*SA\*P00042\*\*\*20261201~\nCUR\*BY\*USD~\nREF\*PD\*3~\nSE\*5\*0001~/,
    );
    assert.doesNotMatch(edi, /POC\*/);
    const read = readX12Interchange(edi);
    assert.ok(read.ok);
    assert.deepEqual(read.interchange.problems, []);
  });

  it('JSON and CSV: the whole order, replace from revision 2; CSV cells quoted and never formulas', () => {
    const json = JSON.parse(buildJsonPurchaseOrder({ ...order, revision: 2 })) as Record<string, unknown>;
    assert.equal(json.purpose, 'replace');
    assert.equal((json.lines as unknown[]).length, 2);
    const csv = buildCsvPurchaseOrder({
      ...order,
      lines: [{ ...order.lines[0], supplierPartNumber: '=HYPERLINK("x")' }],
    });
    const [header, row] = csv.trimEnd().split('\r\n');
    assert.equal(header.split(',')[0], 'po_number');
    assert.match(
      row,
      /^P00042,1,2026-12-01,1,"'=HYPERLINK\(""x""\)",SKU-1001,500,EA,0\.21,USD,2026-12-08,original$/,
    );
    const cancelled = buildCsvPurchaseOrder({ ...order, revision: 3, purpose: 'cancel' });
    assert.ok(
      cancelled
        .trimEnd()
        .split('\r\n')
        .slice(1)
        .every((r) => r.endsWith(',cancel')),
    );
    assert.equal(
      (
        JSON.parse(buildJsonPurchaseOrder({ ...order, revision: 3, purpose: 'cancel' })) as {
          purpose: string;
        }
      ).purpose,
      'cancel',
    );
  });
});

describe('supplier answers', () => {
  it('855: order and line status, promised dates and prices', () => {
    const read = readX12PurchaseOrderAcks(bytes(ACK_855));
    assert.ok(read.ok);
    assert.deepEqual(read.documents, [
      {
        poNumber: 'P00042',
        status: 'changed',
        lines: [
          { lineNumber: '1', quantity: 500, unitPrice: 0.21, status: 'changed', date: '2026-12-15' },
          { lineNumber: '2', quantity: 0, unitPrice: 1.2, status: 'rejected' },
        ],
      },
    ]);
  });

  it('855: bad codes, numbers and dates are refused with the segment and element', () => {
    const read = readX12PurchaseOrderAcks(bytes(BAD_855));
    assert.equal(read.ok, false);
    if (read.ok) return;
    assert.deepEqual(
      read.problems.map((p) => [p.code, p.location]),
      [
        ['X12_INVALID_CODE', 'segment 4 (BAK), element 02, byte offset 179'],
        ['X12_INVALID_CODE', 'segment 6 (ACK), element 01, byte offset 223'],
        ['INVALID_NUMBER', 'segment 7 (PO1), element 02, byte offset 238'],
        ['INVALID_DATE', 'segment 8 (ACK), element 05, byte offset 271'],
      ],
    );
  });

  it('997: the group it answers and whether it was accepted; a non-997 set is refused', () => {
    const read = readX12FunctionalAcks(bytes(REJECTED_997));
    assert.deepEqual(read, {
      ok: true,
      documents: [{ groupControlNumber: '17', code: 'R', accepted: false }],
    });
    const wrong = readX12FunctionalAcks(bytes(ACK_855));
    assert.equal(wrong.ok, false);
    assert.match(wrong.ok ? '' : wrong.problems[0].message, /Transaction set 855 is not a 997/);
  });

  it('JSON acknowledgement: read, and every bad field named by its pointer', () => {
    const good = readJsonPurchaseOrderAck(
      bytes(
        JSON.stringify({
          type: 'tradewind.purchase-order-ack',
          poNumber: 'P00042',
          status: 'changed',
          lines: [{ lineNumber: 1, status: 'changed', unitPrice: 0.25, deliveryDate: '2026-12-20' }],
        }),
      ),
    );
    assert.deepEqual(good, {
      ok: true,
      documents: [
        {
          poNumber: 'P00042',
          status: 'changed',
          lines: [{ lineNumber: '1', status: 'changed', unitPrice: 0.25, date: '2026-12-20' }],
        },
      ],
    });
    const bad = readJsonPurchaseOrderAck(
      bytes(
        JSON.stringify({
          type: 'x',
          poNumber: '',
          status: 'maybe',
          lines: [{ status: 'fine', quantity: -1, deliveryDate: '20/12/2026' }],
        }),
      ),
    );
    assert.deepEqual(bad.ok ? [] : bad.problems.map((p) => p.location), [
      '/type',
      '/poNumber',
      '/status',
      '/lines/0/lineNumber',
      '/lines/0/status',
      '/lines/0/quantity',
      '/lines/0/deliveryDate',
    ]);
    assert.equal(readJsonPurchaseOrderAck(bytes('{"a":')).ok, false);
    assert.equal(readJsonPurchaseOrderAck(new Uint8Array([0x7b, 0xff])).ok, false);
  });

  it('the gateway split: one slice named by the PO numbers, or the problems and no slice', () => {
    const ack = splitPurchasingDocument(
      PurchasingDocumentType.PoAcknowledgement,
      DocumentFormat.X12,
      bytes(ACK_855),
    );
    assert.equal(ack.ok, true);
    assert.equal(ack.slices[0].businessRef, 'P00042');
    const event = splitPurchasingDocument(
      PurchasingDocumentType.PurchaseOrderEvent,
      DocumentFormat.Json,
      bytes('{"_model":"sale.order","_id":-1}'),
    );
    assert.equal(event.ok, false);
    assert.deepEqual(
      event.documentProblems.map((p) => p.location),
      ['/_model', '/_id'],
    );
    const format = splitPurchasingDocument(
      PurchasingDocumentType.FunctionalAck,
      DocumentFormat.Json,
      bytes('{}'),
    );
    assert.equal(format.documentProblems[0].code, 'UNSUPPORTED_FORMAT');
  });
});
