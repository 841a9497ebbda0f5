import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import fc from 'fast-check';

import { DocumentProblemCode } from './document-problem';
import { buildX12ShipNotice, readX12ShipNotices, type ShipNoticeInput, ssccOf } from './x12-856';
import type { X12OutboundEnvelope } from './x12-envelope';

const envelope: X12OutboundEnvelope = {
  senderQualifier: 'ZZ',
  senderId: 'HARBOR3PL',
  receiverQualifier: 'ZZ',
  receiverId: 'TRADEWIND',
  interchangeControlNumber: 41,
  groupControlNumber: 41,
  setControlNumber: 1,
  preparedAt: new Date('2026-12-01T10:00:00Z'),
};

const notice: ShipNoticeInput = {
  purpose: '00',
  shipmentId: 'SHP-1001',
  shipDate: '2026-12-01',
  shipTime: '09:30:00',
  carrier: 'SWFT',
  trackingNumber: '1Z999AA10123456784',
  billOfLading: 'BOL-77',
  orders: [
    {
      poNumber: 'PO-1',
      buyer: { qualifier: 'ZZ', code: 'globex-edi' },
      packs: [
        {
          sscc: ssccOf(0, '0614141', 1),
          trackingNumber: '1Z999AA10123456784',
          items: [
            {
              lineNumber: '1',
              itemIds: [{ qualifier: 'VP', value: 'SKU-1001' }],
              quantity: 60,
              uom: 'EA',
              orderedQuantity: 100,
            },
          ],
        },
        {
          sscc: ssccOf(0, '0614141', 2),
          items: [
            { lineNumber: '2', itemIds: [{ qualifier: 'VP', value: 'SKU-2001' }], quantity: 2, uom: 'CA' },
          ],
        },
      ],
    },
    {
      poNumber: 'PO-2',
      packs: [],
      items: [{ itemIds: [{ qualifier: 'UP', value: '012345600029' }], quantity: 1.5, uom: 'EA' }],
    },
  ],
};

const bytes = (text: string): Uint8Array => Buffer.from(text, 'utf8');

describe('X12 856 ship notice', () => {
  it('reads back what it built: shipment, orders, packs with SSCC and tracking, items and quantities', () => {
    const read = readX12ShipNotices(bytes(buildX12ShipNotice([notice], envelope)));
    assert.deepEqual(read.problems, []);
    assert.equal(read.records.length, 1);
    const [n] = read.records;
    assert.equal(n.shipmentId, 'SHP-1001');
    assert.equal(n.shipDate, '2026-12-01');
    assert.equal(n.shipTime, '09:30:00');
    assert.equal(n.carrier, 'SWFT');
    assert.equal(n.trackingNumber, '1Z999AA10123456784');
    assert.equal(n.billOfLading, 'BOL-77');
    assert.deepEqual(
      n.orders.map((o) => [
        o.poNumber,
        o.buyer?.code,
        o.packs.map((p) => [
          p.sscc,
          p.trackingNumber,
          p.items.map((i) => [i.lineNumber, i.itemIds[0].value, i.quantity, i.uom, i.orderedQuantity]),
        ]),
        o.items.map((i) => i.quantity),
      ]),
      [
        [
          'PO-1',
          'globex-edi',
          [
            [ssccOf(0, '0614141', 1), '1Z999AA10123456784', [['1', 'SKU-1001', 60, 'EA', 100]]],
            [ssccOf(0, '0614141', 2), undefined, [['2', 'SKU-2001', 2, 'CA', undefined]]],
          ],
          [],
        ],
        ['PO-2', undefined, [], [1.5]],
      ],
    );
    assert.equal(read.entries[0].businessRef, 'SHP-1001');
    assert.equal(read.slices.length, 1);
    assert.deepEqual(readX12ShipNotices(read.slices[0]).records[0].orders, n.orders);
  });

  it('reads a pallet (tare) holding packs', () => {
    const text = [
      'ISA*00*          *00*          *ZZ*HARBOR3PL      *ZZ*TRADEWIND      *261201*1000*U*00401*000000042*0*P*>',
      'GS*SH*HARBOR3PL*TRADEWIND*20261201*1000*42*X*004010',
      'ST*856*0001',
      'BSN*00*SHP-7*20261201*1000*0001',
      'HL*1**S',
      'TD5**2*SWFT',
      'REF*CN*TRK7',
      'HL*2*1*O',
      'PRF*PO-7',
      'HL*3*2*T',
      `MAN*GM*00${ssccOf(1, '0614141', 9)}`,
      'HL*4*3*P',
      `MAN*GM*${ssccOf(0, '0614141', 10)}`,
      'HL*5*4*I',
      'LIN*1*VP*SKU-1001',
      'SN1**5*EA',
      'CTT*5',
      'SE*16*0001',
      'GE*1*42',
      'IEA*1*000000042',
    ]
      .map((s) => `${s}~\n`)
      .join('');
    const read = readX12ShipNotices(bytes(text));
    assert.deepEqual(read.problems, []);
    const packs = read.records[0].orders[0].packs;
    assert.deepEqual(
      packs.map((p) => [p.level, p.sscc, p.parentHl, p.items.length]),
      [
        ['T', ssccOf(1, '0614141', 9), undefined, 0],
        ['P', ssccOf(0, '0614141', 10), '3', 1],
      ],
    );
  });

  it('locates every problem of a broken hierarchy and refuses the set', () => {
    const built = buildX12ShipNotice([notice], envelope)
      .replace('HL*2*1*O', 'HL*2*9*O')
      .replace(/SN1\*\*60\*EA/, 'SN1**-3*EA')
      .replace(/MAN\*GM\*\d+/, 'MAN*GM*123456789012345678')
      .replace('PRF*PO-2', 'PRF*PO\u202E2');
    const read = readX12ShipNotices(bytes(built));
    assert.equal(read.records.length, 0);
    assert.ok(
      read.problems.some((p) => p.code === DocumentProblemCode.X12InvalidCode),
      JSON.stringify(read.problems),
    );
    assert.ok(
      read.problems.some(
        (p) => p.code === DocumentProblemCode.OutOfRange && p.location.includes('(SN1), element 02'),
      ),
    );
    assert.ok(
      read.problems.some((p) => p.message.includes('SSCC-18') && p.location.includes('(MAN), element 02')),
    );
    assert.ok(
      read.problems.some(
        (p) => p.code === DocumentProblemCode.InvalidCharacters && p.location.includes('(PRF)'),
      ),
    );
    assert.ok(read.problems.some((p) => p.message.includes('HL02 "9"')));
    for (const p of read.problems) assert.match(p.location, /segment \d+/);
  });

  it('refuses an 850 sent as a ship notice, and a wrong CTT01', () => {
    const wrongCount = buildX12ShipNotice([notice], envelope).replace(/CTT\*\d+/, 'CTT*99');
    assert.ok(
      readX12ShipNotices(bytes(wrongCount)).problems.some(
        (p) => p.code === DocumentProblemCode.X12LineCountMismatch,
      ),
    );
    const po = buildX12ShipNotice([notice], envelope).replace('GS*SH', 'GS*PO').replace('ST*856', 'ST*850');
    const codes = readX12ShipNotices(bytes(po)).problems.map((p) => p.code);
    assert.ok(codes.includes(DocumentProblemCode.X12UnsupportedGroup));
    assert.ok(codes.includes(DocumentProblemCode.X12UnsupportedTransaction));
  });

  it('never throws on damaged bytes and locates every problem', () => {
    const good = buildX12ShipNotice([notice], envelope);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: good.length - 1 }),
        fc.integer({ min: 1, max: 40 }),
        fc.string(),
        (at, cut, junk) => {
          const damaged = good.slice(0, at) + junk + good.slice(Math.min(good.length, at + cut));
          const read = readX12ShipNotices(bytes(damaged));
          for (const p of read.problems) assert.ok(p.location.length > 0);
          for (const entry of read.entries)
            if (entry.record !== undefined) assert.deepEqual(entry.problems, []);
        },
      ),
      { numRuns: 300 },
    );
  });
});
