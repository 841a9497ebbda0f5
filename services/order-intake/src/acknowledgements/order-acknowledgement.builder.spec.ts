import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { problem } from '@tradewind/partner-documents';

import { acmeOrderJson, DocumentFormat, globex850, parseOne, repoCatalog } from '../test/fixtures';
import {
  AcknowledgementKind,
  acknowledgementKindFor,
  buildOrderAcknowledgement,
} from './order-acknowledgement.builder';

const catalog = repoCatalog();
const partner = (id: string) => catalog.partner(id)!;
const preparedAt = new Date('2026-11-28T10:15:00Z');

describe('order acknowledgements', () => {
  it('gives each partner the acknowledgement the catalog names', () => {
    assert.equal(acknowledgementKindFor(partner('globex-edi')), AcknowledgementKind.X12PurchaseOrderAck);
    assert.equal(acknowledgementKindFor(partner('acme-portal')), AcknowledgementKind.JsonOrderAck);
    assert.equal(acknowledgementKindFor(partner('market-hub')), AcknowledgementKind.JsonOrderAck);
    assert.equal(acknowledgementKindFor(partner('odoo')), undefined);
  });

  it('answers an accepted 850 with an 855 BAK AD in the 850 envelope turned around', () => {
    const order = parseOne(DocumentFormat.X12, globex850('GX-9', { isa13: '000000777' }));
    const ack = buildOrderAcknowledgement({
      kind: AcknowledgementKind.X12PurchaseOrderAck,
      partner: partner('globex-edi'),
      company: catalog.companyX12(),
      orderId: 'globex-edi/GX-9',
      order,
      outcome: 'accepted',
      problems: [],
      documentIds: ['t-1', 't-2'],
      sellerOrderRef: '42',
      preparedAt,
      controlNumber: 500000001,
    });
    const edi = ack.payload.toString('utf8');
    assert.equal(ack.outboundId, 'x12-855:globex-edi/GX-9:accepted');
    assert.equal(ack.documentType, 'x12-855');
    assert.deepEqual(ack.relatesTo, ['t-1', 't-2']);
    assert.match(
      edi,
      /^ISA\*00\*\s+\*00\*\s+\*ZZ\*TRADEWIND\s*\*ZZ\*GLOBEXEDI\s*\*261128\*1015\*U\*00401\*500000001\*0\*P\*>~/,
    );
    assert.match(edi, /GS\*PR\*TRADEWIND\*GLOBEXEDI\*20261128\*1015\*500000001\*X\*004010~/);
    assert.match(edi, /BAK\*00\*AD\*GX-9\*20261120\*\*\*\*42\*20261128~/);
    assert.match(edi, /ACK\*IA\*500\*EA~/);
    assert.match(edi, /ACK\*IA\*10\*CA~/);
  });

  it('rejects in an 855 BAK RJ with every reason, line reasons under their line', () => {
    const order = parseOne(DocumentFormat.X12, globex850('GX-10'));
    const ack = buildOrderAcknowledgement({
      kind: AcknowledgementKind.X12PurchaseOrderAck,
      partner: partner('globex-edi'),
      company: catalog.companyX12(),
      orderId: 'globex-edi/GX-10',
      order,
      outcome: 'rejected',
      problems: [
        problem('UNKNOWN_CUSTOMER', 'Customer code X has no cross-reference.', {
          kind: 'order',
          field: 'customer',
        }),
        problem('PRICE_OUT_OF_TOLERANCE', 'Line 1 too dear.', { kind: 'order', lineNumber: '1' }, '1'),
      ],
      documentIds: ['t-3'],
      preparedAt,
      controlNumber: 500000002,
    });
    const edi = ack.payload.toString('utf8');
    assert.equal(ack.outboundId, 'x12-855:globex-edi/GX-10:rejected');
    assert.match(edi, /BAK\*00\*RJ\*GX-10\*/);
    assert.match(edi, /N9\*L1\*UNKNOWN_CUSTOMER~\nMSG\*Customer code X/);
    assert.match(edi, /ACK\*IR\*500\*EA~\nN9\*L1\*PRICE_OUT_OF_TOLERANCE~/);
  });

  it('answers the portal with the JSON acknowledgement naming every tracking id', () => {
    const order = parseOne(DocumentFormat.Json, acmeOrderJson('PO-77'));
    const ack = buildOrderAcknowledgement({
      kind: AcknowledgementKind.JsonOrderAck,
      partner: partner('acme-portal'),
      company: catalog.companyX12(),
      orderId: 'acme-portal/PO-77',
      order,
      outcome: 'rejected',
      problems: [
        problem('UNKNOWN_SKU', 'No cross-reference.', { kind: 'json', pointer: '/lines/0/sku' }, '1'),
      ],
      documentIds: ['t-4', 't-5'],
      preparedAt,
    });
    const body = JSON.parse(ack.payload.toString('utf8')) as {
      status: string;
      documentIds: string[];
      lines: { status: string; reasons: { code: string; location: string }[] }[];
    };
    assert.equal(ack.documentType, 'order-ack');
    assert.equal(ack.contentType, 'application/json');
    assert.equal(body.status, 'rejected');
    assert.deepEqual(body.documentIds, ['t-4', 't-5']);
    assert.deepEqual(body.lines[0].reasons, [
      { code: 'UNKNOWN_SKU', message: 'No cross-reference.', location: '/lines/0/sku' },
    ]);
    assert.deepEqual(
      body.lines.map((l) => l.status),
      ['rejected', 'rejected', 'rejected'],
    );
  });

  it('builds an 855 from the catalog identities when an EDI partner ordered through another channel', () => {
    const order = parseOne(DocumentFormat.Json, acmeOrderJson('PO-78'));
    const ack = buildOrderAcknowledgement({
      kind: AcknowledgementKind.X12PurchaseOrderAck,
      partner: partner('globex-edi'),
      company: catalog.companyX12(),
      orderId: 'globex-edi/PO-78',
      order,
      outcome: 'accepted',
      problems: [],
      documentIds: ['t-6'],
      preparedAt,
      controlNumber: 500000003,
    });
    assert.match(ack.payload.toString('utf8'), /\*ZZ\*TRADEWIND\s*\*ZZ\*GLOBEXEDI\s*\*/);
  });
});
