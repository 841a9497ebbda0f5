import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import { DocumentFormat } from './document-format';
import { DocumentProblemCode } from './document-problem';
import { CustomerCodeRole, ItemIdQualifier } from './partner-sales-order';
import { BOLTS, bytes, interchange850, orderFixture } from './test/x12-fixtures';
import { parseX12SalesOrders, readX12SalesOrders } from './x12-sales-order.parser';

const example = readFileSync(join(__dirname, '../../../../config/partners/examples/globex-edi.850.x12'));
const codes = (text: string): string[] => parseX12SalesOrders(bytes(text)).problems.map((p) => p.code);

void describe('parseX12SalesOrders', () => {
  void it('reads the EDI example: one order per 850, envelope control numbers kept', () => {
    const result = parseX12SalesOrders(example);
    assert.equal(result.ok, true, JSON.stringify(result.problems));
    assert.equal(result.format, DocumentFormat.X12);
    const [first, second] = result.orders;
    assert.equal(first.poNumber, 'GX-45001');
    assert.equal(first.orderDate, '2024-01-15');
    assert.equal(first.customerCode, 'GLOBEX-HQ');
    assert.equal(first.customerCodeRole, CustomerCodeRole.Buyer);
    assert.equal(first.shipToCode, 'GLOBEX-ST017');
    assert.equal(first.currency, 'USD');
    assert.deepEqual(
      first.lines.map((l) => [l.lineNumber, l.quantity, l.uom, l.unitPrice, l.description]),
      [
        ['1', 500, 'EA', 0.4, 'Stainless Bolt M8'],
        ['2', 10, 'CA', 1.44, 'Stainless Nut M8, case of 12'],
      ],
    );
    assert.deepEqual(
      first.lines[1].itemIds.map((i) => [i.qualifier, i.sourceQualifier, i.value]),
      [
        [ItemIdQualifier.PartnerSku, 'BP', 'GX-88002'],
        [ItemIdQualifier.Gtin, 'UP', '012345600029'],
      ],
    );
    assert.deepEqual(
      [first.x12?.interchangeControlNumber, first.x12?.groupControlNumber, first.x12?.setControlNumber],
      ['000000101', '101', '0001'],
    );
    assert.equal(first.x12?.senderId, 'GLOBEXEDI');
    assert.equal(second.x12?.setControlNumber, '0002');
  });

  void it('splits an interchange with three 850s into three orders', () => {
    const text = interchange850([orderFixture('PO-1'), orderFixture('PO-2'), orderFixture('PO-3')]);
    const result = parseX12SalesOrders(bytes(text));
    assert.equal(result.ok, true, JSON.stringify(result.problems));
    assert.deepEqual(
      result.entries.map((e) => [e.businessRef, e.x12?.setControlNumber]),
      [
        ['PO-1', '0001'],
        ['PO-2', '0002'],
        ['PO-3', '0003'],
      ],
    );
  });

  void it('never throws on an interchange cut at any position, and always reports a problem', () => {
    const text = interchange850([orderFixture('PO-1'), orderFixture('PO-2')]);
    for (let cut = 0; cut < text.trimEnd().length; cut++) {
      const result = parseX12SalesOrders(bytes(text.slice(0, cut)));
      assert.equal(result.ok, false, `cut at ${cut} was accepted`);
      assert.ok(result.problems.length > 0, `cut at ${cut} gave no problem`);
    }
  });

  void it('reports a truncated interchange with the positions of the missing trailers', () => {
    const text = interchange850([orderFixture('PO-1'), orderFixture('PO-2')]);
    const cut = text.slice(0, text.indexOf('CTT*2', text.indexOf('PO-2')));
    const result = parseX12SalesOrders(bytes(cut));
    assert.deepEqual(
      result.problems.map((p) => [p.code, p.location]),
      [
        [DocumentProblemCode.X12MissingTrailer, `segment 17 (IEA), byte offset ${cut.length}`],
        [DocumentProblemCode.X12MissingTrailer, `segment 17 (GE), byte offset ${cut.length}`],
        [DocumentProblemCode.X12MissingTrailer, `segment 17 (SE), byte offset ${cut.length}`],
      ],
    );
    assert.equal(result.entries[0].order?.poNumber, 'PO-1');
    assert.equal(result.entries[1].businessRef, 'PO-2');
    assert.equal(result.entries[1].order, undefined);
  });

  void it('reports a last segment cut before its terminator', () => {
    const text = interchange850([BOLTS]);
    const cut = text.slice(0, text.indexOf('IEA') + 6);
    const result = parseX12SalesOrders(bytes(cut));
    assert.deepEqual(
      result.problems.map((p) => p.code),
      [DocumentProblemCode.X12MissingTrailer, DocumentProblemCode.X12TrailingData],
    );
    assert.equal(result.problems[1].location, `segment 12 (IEA), byte offset ${text.indexOf('IEA')}`);
  });

  void it('reports control number and count mismatches from the trailers', () => {
    const text = interchange850([orderFixture('PO-1'), orderFixture('PO-2')])
      .replace('SE*8*0002', 'SE*7*0003')
      .replace('GE*2*17', 'GE*3*18')
      .replace('IEA*1*000000017', 'IEA*2*000000018');
    const result = parseX12SalesOrders(bytes(text));
    const found = result.problems.map((p) => [
      p.code,
      p.at.kind === 'x12' ? `${p.at.tag}${String(p.at.element).padStart(2, '0')}` : '',
    ]);
    assert.deepEqual(found.sort(), [
      [DocumentProblemCode.X12ControlCountMismatch, 'GE01'],
      [DocumentProblemCode.X12ControlCountMismatch, 'IEA01'],
      [DocumentProblemCode.X12ControlCountMismatch, 'SE01'],
      [DocumentProblemCode.X12ControlNumberMismatch, 'GE02'],
      [DocumentProblemCode.X12ControlNumberMismatch, 'IEA02'],
      [DocumentProblemCode.X12ControlNumberMismatch, 'SE02'],
    ]);
    // The set problems stay with the second order; the first is still readable.
    assert.equal(result.entries[0].problems.length, 0);
    assert.equal(result.entries[1].problems.length, 2);
  });

  void it('locates element errors by segment, element and byte offset', () => {
    const text = interchange850([
      orderFixture('PO-1', [
        ['1', '1O', 'EA', '0.40', 'VP', 'SKU-1001'],
        ['2', '1', '', 'x', 'VP'],
      ]),
    ]);
    const result = parseX12SalesOrders(bytes(text));
    const po1 = text.indexOf('PO1*1*');
    assert.deepEqual(
      result.problems.map((p) => [p.code, p.location, p.lineNumber]),
      [
        [DocumentProblemCode.InvalidNumber, `segment 7 (PO1), element 02, byte offset ${po1 + 6}`, '1'],
        [
          DocumentProblemCode.X12MissingElement,
          `segment 8 (PO1), element 03, byte offset ${text.indexOf('PO1*2*') + 8}`,
          '2',
        ],
        [
          DocumentProblemCode.InvalidNumber,
          `segment 8 (PO1), element 04, byte offset ${text.indexOf('PO1*2*') + 9}`,
          '2',
        ],
        [
          DocumentProblemCode.X12MissingElement,
          `segment 8 (PO1), element 07, byte offset ${text.indexOf('PO1*2*') + 14}`,
          '2',
        ],
      ],
    );
    const at = result.problems[0].at;
    assert.ok(at.kind === 'x12');
    assert.equal(at.setPosition, 5);
    assert.equal(at.setControlNumber, '0001');
    assert.equal(at.value, '1O');
  });

  void it('checks BEG, N1, PO1 presence, CTT counts, duplicate ST02 and the transaction set type', () => {
    const noBeg = interchange850([BOLTS])
      .replace(/BEG\*00\*SA\*PO-1\*\*20240115~\n/, '')
      .replace('SE*8', 'SE*7');
    assert.deepEqual(codes(noBeg), [DocumentProblemCode.X12MissingSegment]);
    const noBuyer = interchange850([BOLTS]).replace('N1*BY*Globex Retail Corp*92*GLOBEX-HQ', 'N1*SE*Us');
    assert.deepEqual(codes(noBuyer), [DocumentProblemCode.X12MissingSegment]);
    const badDate = interchange850([{ ...BOLTS, date: '20240231' }]);
    assert.deepEqual(codes(badDate), [DocumentProblemCode.InvalidDate]);
    const badCount = interchange850([BOLTS]).replace('CTT*2', 'CTT*3');
    assert.deepEqual(codes(badCount), [DocumentProblemCode.X12LineCountMismatch]);
    const duplicate = interchange850([
      orderFixture('PO-1'),
      { ...orderFixture('PO-2'), controlNumber: '0001' },
    ]);
    assert.deepEqual(codes(duplicate), [DocumentProblemCode.X12DuplicateControlNumber]);
    const invoice = interchange850([BOLTS]).replace('ST*850*0001', 'ST*810*0001');
    assert.deepEqual(codes(invoice), [DocumentProblemCode.X12UnsupportedTransaction]);
    const group = interchange850([BOLTS]).replace('GS*PO', 'GS*IN');
    assert.deepEqual(codes(group), [DocumentProblemCode.X12UnsupportedGroup]);
  });

  void it('falls back to the ship-to code and keeps ISA13 leading zeros', () => {
    const text = interchange850([BOLTS], { isa13: '000000042' }).replace('N1*BY', 'N1*ST');
    const [order] = parseX12SalesOrders(bytes(text)).orders;
    assert.equal(order.customerCodeRole, CustomerCodeRole.ShipTo);
    assert.equal(order.x12?.interchangeControlNumber, '000000042');
  });

  void it('refuses several interchanges in one upload and garbage instead of an ISA', () => {
    const one = interchange850([BOLTS]);
    assert.ok(
      codes(one + one.replace(/000000017/g, '000000018')).includes(
        DocumentProblemCode.X12MultipleInterchanges,
      ),
    );
    assert.deepEqual(codes('GS*PO*X~ST*850*1~'), [DocumentProblemCode.X12Syntax]);
    assert.deepEqual(codes('ISA*00*short~'), [DocumentProblemCode.X12Syntax]);
    assert.deepEqual(codes(one.replace('*>~\nGS', '*>A\nGS')), [DocumentProblemCode.X12Syntax]);
  });

  void it('reads interchanges whose segment terminator is a newline', () => {
    const text = interchange850([orderFixture('PO-1'), orderFixture('PO-2')]).replace(/~\n/g, '\n');
    const result = parseX12SalesOrders(bytes(text));
    assert.equal(result.ok, true, JSON.stringify(result.problems));
    assert.deepEqual(
      result.orders.map((o) => o.poNumber),
      ['PO-1', 'PO-2'],
    );
  });

  void it('reads interchanges written on one line and with CRLF, with right byte offsets', () => {
    for (const eol of ['', '\r\n']) {
      const text = interchange850([orderFixture('PO-1', [['1', 'x', 'EA', '1', 'VP', 'SKU-1001']])], { eol });
      const result = readX12SalesOrders(bytes(text));
      assert.equal(
        result.parsed.problems[0].location,
        `segment 7 (PO1), element 02, byte offset ${text.indexOf('PO1*1*') + 6}`,
      );
    }
  });
});
