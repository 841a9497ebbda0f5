import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import fc from 'fast-check';

import { DocumentFormat } from './document-format';
import { DocumentProblemCode } from './document-problem';
import { readJsonTrackingEvents } from './json-tracking-event.parser';
import { sha256Of, ShipmentDocumentType } from './shipment-document';
import { splitShipmentDocument } from './shipment-document-split';
import { readX12ShipmentStatus } from './x12-214';

const bytes = (text: string): Uint8Array => Buffer.from(text, 'utf8');
const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
const event = {
  eventId: 'EV-1',
  carrier: 'SWFT',
  trackingNumber: '1Z999',
  shipDate: '2026-12-01',
  status: 'delivered',
  statusDetail: 'left_at_front_door',
  occurredAt: '2026-12-02T15:04:05-05:00',
  location: { city: 'Dayton', region: 'OH', country: 'US' },
  proofOfDelivery: {
    signedBy: 'J. Smith',
    signedAt: '2026-12-02T15:04:00-05:00',
    place: 'front door',
    document: { contentType: 'image/png', data: png.toString('base64') },
  },
};

const at7 = (status: string, date: string, time: string, code = 'UT'): string[] => [
  'LX*1',
  `AT7*${status}*NS***${date}*${time}*${code}`,
  'MS1*DAYTON*OH*US',
];
const interchange214 = (loops: string[], header = ['G62*86*20261201']): string => {
  const body = ['B10*1Z999*SHP-1*SWFT', ...header, ...loops];
  return [
    'ISA*00*          *00*          *ZZ*HARBOR3PL      *ZZ*TRADEWIND      *261201*1000*U*00401*000000051*0*P*>',
    'GS*QM*HARBOR3PL*TRADEWIND*20261201*1000*51*X*004010',
    'ST*214*0001',
    ...body,
    `SE*${body.length + 2}*0001`,
    'GE*1*51',
    'IEA*1*000000051',
  ]
    .map((s) => `${s}~\n`)
    .join('');
};

describe('JSON tracking webhook', () => {
  it('reads an event and keeps its proof document apart: the slice names it by hash only', () => {
    const read = readJsonTrackingEvents(bytes(JSON.stringify({ events: [event] })));
    assert.deepEqual(read.problems, []);
    const [e] = read.records;
    assert.equal(e.eventTimeMs, Date.parse('2026-12-02T20:04:05Z'));
    assert.equal(e.proofOfDelivery?.signedBy, 'J. Smith');
    assert.equal(e.proofOfDelivery?.document?.sha256, sha256Of(png));
    assert.deepEqual(read.attachments[0]?.bytes, png);
    const slice = Buffer.from(read.slices[0]).toString('utf8');
    assert.ok(!slice.includes(png.toString('base64')));
    const again = readJsonTrackingEvents(read.slices[0], 'claim-checked');
    assert.deepEqual(again.records[0].proofOfDelivery, e.proofOfDelivery);
    assert.deepEqual(again.problems, [], 'the slice reads back');
  });

  it('locates hostile and wrong fields', () => {
    const bad = {
      events: [
        { ...event, status: 'teleported', proofOfDelivery: undefined },
        {
          ...event,
          eventId: 'EV-2',
          trackingNumber: '1Z\u0000',
          shipDate: '2026-02-30',
          occurredAt: 'yesterday',
        },
        { ...event, eventId: 'EV-3', status: 'in_transit' },
        {
          ...event,
          eventId: 'EV-4',
          proofOfDelivery: { ...event.proofOfDelivery, document: { contentType: 'text/html', data: '!!' } },
        },
      ],
    };
    const read = readJsonTrackingEvents(bytes(JSON.stringify(bad)));
    assert.equal(read.records.length, 0);
    const at = read.problems.map((p) => p.location);
    for (const pointer of [
      '/events/0/status',
      '/events/1/trackingNumber',
      '/events/1/shipDate',
      '/events/1/occurredAt',
      '/events/2/proofOfDelivery',
      '/events/3/proofOfDelivery/document/contentType',
      '/events/3/proofOfDelivery/document/data',
    ])
      assert.ok(at.includes(pointer), `${pointer} in ${at.join(' | ')}`);
  });

  it('never throws on arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.json(), (text) => {
        const read = readJsonTrackingEvents(bytes(text));
        for (const entry of read.entries)
          if (entry.record !== undefined) assert.deepEqual(entry.problems, []);
      }),
      { numRuns: 300 },
    );
  });
});

describe('X12 214 shipment status', () => {
  it('reads each AT7 as an event with its time zone, and names the shipment by SCAC, reference and ship date', () => {
    const read = readX12ShipmentStatus(
      bytes(interchange214([...at7('AF', '20261201', '0930', 'ET'), ...at7('D1', '20261202', '141500')])),
    );
    assert.deepEqual(read.problems, []);
    const [message] = read.records;
    assert.deepEqual(
      [message.carrier, message.trackingNumber, message.shipDate, message.shipmentRef],
      ['SWFT', '1Z999', '2026-12-01', 'SHP-1'],
    );
    assert.deepEqual(
      message.events.map((e) => [e.status, e.eventTime, e.location?.city]),
      [
        ['AF', '2026-12-01T09:30:00-05:00', 'DAYTON'],
        ['D1', '2026-12-02T14:15:00Z', 'DAYTON'],
      ],
    );
    assert.notEqual(message.events[0].eventId, message.events[1].eventId);
    assert.equal(
      readX12ShipmentStatus(read.slices[0]).records[0].events[0].eventId,
      message.events[0].eventId,
    );
  });

  it('refuses local time, a bad date and a missing ship date, located', () => {
    const read = readX12ShipmentStatus(bytes(interchange214([...at7('AF', '20261301', '0930', 'LT')], [])));
    assert.equal(read.records.length, 0);
    const codes = read.problems.map((p) => `${p.code} ${p.location}`);
    assert.ok(
      codes.some((c) => c.startsWith(DocumentProblemCode.InvalidDate) && c.includes('(AT7), element 05')),
      codes.join('|'),
    );
    assert.ok(
      codes.some((c) => c.includes('(AT7), element 07')),
      codes.join('|'),
    );
    assert.ok(
      codes.some((c) => c.startsWith(DocumentProblemCode.X12MissingSegment) && c.includes('(G62)')),
      codes.join('|'),
    );
  });

  it('splits as the gateway publishes it: one slice per set with the interchange kept for the 997', () => {
    const split = splitShipmentDocument(
      ShipmentDocumentType.ShipmentStatus,
      DocumentFormat.X12,
      bytes(interchange214(at7('X6', '20261201', '1200'))),
    );
    assert.equal(split.ok, true);
    assert.equal(split.slices.length, 1);
    assert.equal(split.slices[0].businessRef, 'SHP-1');
    assert.equal(split.slices[0].interchangeRef, '000000051/51');
    assert.ok(split.x12 !== undefined);
    const wrong = splitShipmentDocument(ShipmentDocumentType.ShipNotice, DocumentFormat.Json, bytes('{}'));
    assert.equal(wrong.documentProblems[0].code, DocumentProblemCode.UnsupportedFormat);
  });
});
