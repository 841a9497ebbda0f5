import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import { type X12Interchange, X12Parser } from 'node-x12';

import { parseCsvSalesOrders } from './csv-sales-order.parser';
import { problem } from './document-problem';
import { buildJsonOrderAck } from './json-ack.builder';
import { acknowledgeOrder, LineAckStatus, OrderAckStatus } from './order-acknowledgement';
import { buildX12PurchaseOrderAck } from './x12-855.builder';
import { replyEnvelope, type X12OutboundEnvelope } from './x12-envelope';
import { parseX12SalesOrders } from './x12-sales-order.parser';

const examples = join(__dirname, '../../../../config/partners/examples');
const [order] = parseX12SalesOrders(readFileSync(join(examples, 'globex-edi.850.x12'))).orders;
const inbound = order.x12;
assert.ok(inbound !== undefined);
const envelope: X12OutboundEnvelope = replyEnvelope(inbound, {
  interchangeControlNumber: 7001,
  groupControlNumber: 7001,
  setControlNumber: 1,
  preparedAt: new Date('2024-01-15T11:00:00Z'),
});

function segmentsOf(edi: string): string[][] {
  const parsed = new X12Parser(true).parse(edi) as X12Interchange;
  assert.equal(parsed.functionalGroups[0].header.valueOf(1), 'PR');
  const [set] = parsed.functionalGroups[0].transactions;
  assert.equal(set.header.valueOf(1), '855');
  return set.segments.map((s) => [s.tag, ...s.elements.map((e) => e.value)]);
}

const unknownSku = (lineNumber: string) =>
  problem(
    'UNKNOWN_SKU',
    'No cross-reference for BP GX-88002.',
    { kind: 'order', lineNumber, field: 'item' },
    lineNumber,
  );

void describe('buildX12PurchaseOrderAck', () => {
  void it('acknowledges an accepted order with BAK02 AD and ACK IA per PO1', () => {
    const segments = segmentsOf(buildX12PurchaseOrderAck(acknowledgeOrder(order, []), envelope));
    assert.deepEqual(segments, [
      ['BAK', '00', 'AD', 'GX-45001', '20240115', '', '', '', '', '20240115'],
      ['CUR', 'SE', 'USD'],
      ['PO1', '1', '500', 'EA', '0.4', '', 'VP', 'SKU-1001', 'UP', '012345600012'],
      ['ACK', 'IA', '500', 'EA'],
      ['PO1', '2', '10', 'CA', '1.44', '', 'BP', 'GX-88002', 'UP', '012345600029'],
      ['ACK', 'IA', '10', 'CA'],
      ['CTT', '2'],
    ]);
  });

  void it('rejects with RJ, IR lines and the reasons as N9/MSG', () => {
    const ack = acknowledgeOrder(order, [unknownSku('2')]);
    assert.equal(ack.status, OrderAckStatus.Rejected);
    const segments = segmentsOf(buildX12PurchaseOrderAck(ack, envelope));
    assert.equal(segments[0][2], 'RJ');
    assert.deepEqual(
      segments.filter((s) => ['ACK', 'N9', 'MSG'].includes(s[0])),
      [
        ['ACK', 'IR', '500', 'EA'],
        ['ACK', 'IR', '10', 'CA'],
        ['N9', 'L1', 'UNKNOWN_SKU'],
        ['MSG', 'No cross-reference for BP GX-88002. (line 2, item)'],
      ],
    );
  });

  void it('accepts with changes (AC) when partial acceptance is allowed, rejecting only the bad line', () => {
    const ack = acknowledgeOrder(order, [unknownSku('2')], {
      partialAcceptance: true,
      sellerOrderRef: 'S00042',
    });
    assert.equal(ack.status, OrderAckStatus.AcceptedWithChanges);
    assert.deepEqual(
      ack.lines.map((l) => l.status),
      [LineAckStatus.Accepted, LineAckStatus.Rejected],
    );
    const segments = segmentsOf(buildX12PurchaseOrderAck(ack, envelope));
    assert.deepEqual(segments[0], [
      'BAK',
      '00',
      'AC',
      'GX-45001',
      '20240115',
      '',
      '',
      '',
      'S00042',
      '20240115',
    ]);
    assert.deepEqual(
      segments.filter((s) => s[0] === 'ACK').map((s) => s[1]),
      ['IA', 'IR'],
    );
  });

  void it('rejects the whole order for an order-level reason, even with partial acceptance', () => {
    const unknownCustomer = problem('UNKNOWN_CUSTOMER', 'Buyer GLOBEX-HQ is unknown.', {
      kind: 'order',
      field: 'customer',
    });
    const ack = acknowledgeOrder(order, [unknownCustomer], { partialAcceptance: true });
    assert.equal(ack.status, OrderAckStatus.Rejected);
    const segments = segmentsOf(buildX12PurchaseOrderAck(ack, envelope));
    assert.deepEqual(segments.slice(2, 4), [
      ['N9', 'L1', 'UNKNOWN_CUSTOMER'],
      ['MSG', 'Buyer GLOBEX-HQ is unknown. (customer)'],
    ]);
  });

  void it('is deterministic and keeps delimiters out of free text', () => {
    const reason = problem('NOTE', 'a*b~c>d\ne', { kind: 'order' });
    const ack = acknowledgeOrder(order, [reason]);
    const first = buildX12PurchaseOrderAck(ack, envelope);
    assert.equal(buildX12PurchaseOrderAck(ack, envelope), first);
    assert.ok(segmentsOf(first).some((s) => s[0] === 'MSG' && s[1] === 'a b c d e (order)'));
  });

  void it('echoes CSV and JSON item ids with X12 qualifiers', () => {
    const csvOrder = parseCsvSalesOrders(readFileSync(join(examples, 'market-hub.sales-orders.csv')))
      .orders[0];
    const segments = segmentsOf(buildX12PurchaseOrderAck(acknowledgeOrder(csvOrder, []), envelope));
    assert.deepEqual(segments[2], ['PO1', '1', '20', 'EA', '3.2', '', 'BP', 'MH-100301']);
    assert.deepEqual(segments[4], [
      'PO1',
      '2',
      '10',
      'EA',
      '4.75',
      '',
      'UK',
      '00012345600227',
      'BP',
      '00012345600227',
    ]);
  });
});

void describe('buildJsonOrderAck', () => {
  void it('writes a stable JSON acknowledgement', () => {
    const ack = acknowledgeOrder(order, [unknownSku('2')], { partialAcceptance: true });
    const text = buildJsonOrderAck(ack, { partnerId: 'globex-edi', documentIds: ['doc-1'] });
    assert.equal(buildJsonOrderAck(ack, { partnerId: 'globex-edi', documentIds: ['doc-1'] }), text);
    assert.deepEqual(JSON.parse(text), {
      type: 'order-acknowledgement',
      version: 1,
      partnerId: 'globex-edi',
      documentIds: ['doc-1'],
      poNumber: 'GX-45001',
      orderDate: '2024-01-15',
      status: 'accepted-with-changes',
      reasons: [],
      lines: [
        { lineNumber: '1', status: 'accepted', quantity: 500, uom: 'EA', unitPrice: 0.4, reasons: [] },
        {
          lineNumber: '2',
          status: 'rejected',
          quantity: 10,
          uom: 'CA',
          unitPrice: 1.44,
          reasons: [
            { code: 'UNKNOWN_SKU', message: 'No cross-reference for BP GX-88002.', location: 'line 2, item' },
          ],
        },
      ],
    });
  });
});
