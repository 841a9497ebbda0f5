import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { type X12Interchange, X12Parser } from 'node-x12';

import { DocumentFormat } from './document-format';
import { splitDocument } from './document-split';
import { PartnerDocumentsException } from './partner-documents.exception';
import { BOLTS, bytes, interchange850, orderFixture } from './test/x12-fixtures';
import { buildX12FunctionalAck, FunctionalAckCode, functionalAckInput } from './x12-997.builder';
import { replyEnvelope } from './x12-envelope';
import { readX12SalesOrders } from './x12-sales-order.parser';

const controls = {
  interchangeControlNumber: 5001,
  groupControlNumber: 5001,
  setControlNumber: 1,
  preparedAt: new Date('2024-01-15T10:30:00Z'),
};

function ack997(text: string): { edi: string; parsed: X12Interchange; segments: string[][] } {
  const read = readX12SalesOrders(bytes(text));
  const inbound = read.parsed.entries[0]?.x12;
  assert.ok(inbound !== undefined);
  const { edi } = buildX12FunctionalAck(functionalAckInput(read), replyEnvelope(inbound, controls));
  const parser = new X12Parser(true);
  const parsed = parser.parse(edi) as X12Interchange;
  const segments = parsed.functionalGroups[0].transactions.flatMap((t) =>
    t.segments.map((s) => [s.tag, ...s.elements.map((e) => e.value)]),
  );
  return { edi, parsed, segments };
}

void describe('buildX12FunctionalAck', () => {
  void it('accepts a clean interchange: AK1 to the group, AK2/AK5 A per set, AK9 A', () => {
    const { parsed, segments } = ack997(
      interchange850([orderFixture('PO-1'), orderFixture('PO-2')], { gs06: '17' }),
    );
    assert.equal(parsed.header.valueOf(6)?.trim(), 'TRADEWIND');
    assert.equal(parsed.header.valueOf(8)?.trim(), 'GLOBEXEDI');
    assert.equal(parsed.functionalGroups[0].header.valueOf(1), 'FA');
    assert.equal(parsed.functionalGroups[0].header.valueOf(6), '5001');
    assert.equal(parsed.functionalGroups[0].transactions[0].header.valueOf(1), '997');
    assert.deepEqual(segments, [
      ['AK1', 'PO', '17'],
      ['AK2', '850', '0001'],
      ['AK5', 'A'],
      ['AK2', '850', '0002'],
      ['AK5', 'A'],
      ['AK9', 'A', '2', '2', '2'],
    ]);
  });

  void it('partially accepts: AK3/AK4 for the bad element, AK5 R, AK9 P', () => {
    const bad = orderFixture('PO-2', [['1', '1O', 'EA', '0.40', 'VP', 'SKU-1001']]);
    const { segments } = ack997(interchange850([orderFixture('PO-1'), bad]));
    assert.deepEqual(segments, [
      ['AK1', 'PO', '17'],
      ['AK2', '850', '0001'],
      ['AK5', 'A'],
      ['AK2', '850', '0002'],
      ['AK3', 'PO1', '5', '', '8'],
      ['AK4', '2', '', '6', '1O'],
      ['AK5', 'R', '5'],
      ['AK9', 'P', '2', '2', '1'],
    ]);
  });

  void it('rejects a truncated group: AK5 R 2 for the open set, AK9 R 3 for the missing GE', () => {
    const text = interchange850([orderFixture('PO-1'), orderFixture('PO-2')]);
    const { segments } = ack997(text.slice(0, text.indexOf('CTT*2', text.indexOf('PO-2'))));
    assert.deepEqual(segments, [
      ['AK1', 'PO', '17'],
      ['AK2', '850', '0001'],
      ['AK5', 'R'],
      ['AK2', '850', '0002'],
      ['AK5', 'R', '2'],
      ['AK9', 'R', '2', '2', '0', '3'],
    ]);
  });

  void it('reports trailer mismatches with their AK5 and AK9 codes', () => {
    const text = interchange850([orderFixture('PO-1'), orderFixture('PO-2')])
      .replace('SE*8*0002', 'SE*7*0003')
      .replace('GE*2*17', 'GE*3*17');
    const { segments } = ack997(text);
    assert.deepEqual(segments.slice(-2), [
      ['AK5', 'R', '4', '3'],
      ['AK9', 'R', '3', '2', '0', '5'],
    ]);
  });

  void it('is deterministic and pads ISA13 for the same input and control numbers', () => {
    const text = interchange850([BOLTS]);
    const first = ack997(text).edi;
    assert.equal(ack997(text).edi, first);
    assert.match(
      first,
      /^ISA\*00\* {10}\*00\* {10}\*ZZ\*TRADEWIND {6}\*ZZ\*GLOBEXEDI {6}\*240115\*1030\*U\*00401\*000005001\*0\*P\*>~\n/,
    );
    assert.match(first, /IEA\*1\*000005001~\n$/);
  });

  void it('refuses to acknowledge nothing, and bad control numbers, as programming errors', () => {
    const read = readX12SalesOrders(bytes('not x12 at all, definitely not'));
    const envelope = {
      ...controls,
      senderQualifier: 'ZZ',
      senderId: 'US',
      receiverQualifier: 'ZZ',
      receiverId: 'THEM',
    };
    assert.throws(() => buildX12FunctionalAck(functionalAckInput(read), envelope), PartnerDocumentsException);
    const good = readX12SalesOrders(bytes(interchange850([BOLTS])));
    assert.throws(
      () => buildX12FunctionalAck(functionalAckInput(good), { ...envelope, interchangeControlNumber: 0 }),
      PartnerDocumentsException,
    );
  });

  void it('builds the same 997 from splitDocument as from readX12SalesOrders', () => {
    const text = interchange850([
      orderFixture('PO-1'),
      orderFixture('PO-2', [['1', '0', 'EA', '1', 'VP', 'SKU-1001']]),
    ]);
    const read = readX12SalesOrders(bytes(text));
    const split = splitDocument(DocumentFormat.X12, bytes(text));
    const inbound = read.parsed.entries[0].x12;
    assert.ok(inbound !== undefined);
    const envelope = replyEnvelope(inbound, controls);
    assert.equal(
      buildX12FunctionalAck(functionalAckInput(split), envelope).edi,
      buildX12FunctionalAck(functionalAckInput(read), envelope).edi,
    );
  });

  void it('summarises each group for the caller', () => {
    const read = readX12SalesOrders(bytes(interchange850([BOLTS])));
    const inbound = read.parsed.entries[0].x12;
    assert.ok(inbound !== undefined);
    const ack = buildX12FunctionalAck(functionalAckInput(read), replyEnvelope(inbound, controls));
    assert.deepEqual(ack.groups, [
      { controlNumber: '17', code: FunctionalAckCode.Accepted, received: 1, accepted: 1 },
    ]);
  });
});
