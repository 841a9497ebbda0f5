// Purchasing documents through the gateway's HTTP API against the real Kafka, registry and PostgreSQL:
// Odoo (the internal partner) announces a purchase order it confirmed, a supplier answers with an X12 855,
// a 997 and an 856; each is one ingress.documents record for purchase-orders. Bad ones are refused with
// their location, and only the parties the catalog names may send them.
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import { type PurchaseOrderState, TOPICS } from '@tradewind/contracts';
import { buildX12ShipNotice } from '@tradewind/partner-documents';
import { odooPurchaseOrderWebhook, supplier855, supplier997 } from '@tradewind/partner-testing';
import { expectEventually } from '@tradewind/testing';

import { GatewayHarness } from '../test/gateway-harness';

const BOLTWORKS = 'boltworks-supply-2026-11';
const parties = () => ({
  senderId: 'BOLTWORKS',
  receiverId: 'TRADEWIND',
  controlNumber: randomInt(1, 999_999_999),
});

void describe('purchasing documents (real Kafka, registry, PostgreSQL)', () => {
  const gateway = new GatewayHarness();
  const recordsOf = (batchId: unknown) => gateway.ingress.filter((r) => r.value.batchId === batchId);

  before(async () => {
    await gateway.startReader();
    await gateway.startGateway();
  });
  after(() => gateway.close());

  void it("accepts Odoo's purchase-order webhook as the internal partner, named by the order", async () => {
    const id = randomInt(1, 1_000_000);
    const reply = await gateway.send('odoo-webhook-2026-01', 'POST', '/v1/documents/purchase-order-event', {
      body: odooPurchaseOrderWebhook(id, { name: 'P00042', state: 'purchase' }),
      contentType: 'application/json',
    });
    assert.equal(reply.status, 202, JSON.stringify(reply.body));
    const [record] = await expectEventually(() => {
      const found = recordsOf(reply.body.batchId);
      assert.equal(found.length, 1);
      return found;
    });
    assert.deepEqual(
      [record.value.partnerId, record.value.documentType, record.value.format, record.value.businessRef],
      ['odoo', 'purchase-order-event', 'json', `purchase.order/${id}`],
    );
  });

  void it("accepts a supplier's 855, 997 and 856, and refuses a broken 855 with the segment and element", async () => {
    const ack = await gateway.send(BOLTWORKS, 'POST', '/v1/documents/po-acknowledgement', {
      body: supplier855(parties(), 'P00042', 'AC', [
        {
          lineNumber: '1',
          status: 'DR',
          quantity: 5,
          uom: 'EA',
          unitPrice: 1,
          partNumber: 'X',
          date: '20261220',
        },
      ]),
      contentType: 'application/edi-x12',
    });
    assert.equal(ack.status, 202, JSON.stringify(ack.body));
    const fa = await gateway.send(BOLTWORKS, 'POST', '/v1/documents/functional-ack', {
      body: supplier997(parties(), '17', 'A'),
      contentType: 'application/edi-x12',
    });
    assert.equal(fa.status, 202, JSON.stringify(fa.body));
    const control = randomInt(1, 999_999_999);
    const asn = await gateway.send(BOLTWORKS, 'POST', '/v1/documents/supplier-ship-notice', {
      body: buildX12ShipNotice(
        [
          {
            purpose: '00',
            shipmentId: 'BW-ASN-1',
            shipDate: '2026-12-20',
            orders: [
              {
                poNumber: 'P00042',
                packs: [
                  {
                    items: [
                      { lineNumber: '1', itemIds: [{ qualifier: 'VP', value: 'X' }], quantity: 5, uom: 'EA' },
                    ],
                  },
                ],
              },
            ],
          },
        ],
        {
          senderQualifier: 'ZZ',
          senderId: 'BOLTWORKS',
          receiverQualifier: 'ZZ',
          receiverId: 'TRADEWIND',
          interchangeControlNumber: control,
          groupControlNumber: control,
          setControlNumber: 1,
          preparedAt: new Date(),
        },
      ),
      contentType: 'application/edi-x12',
    });
    assert.equal(asn.status, 202, JSON.stringify(asn.body));
    await expectEventually(() => {
      assert.equal(recordsOf(ack.body.batchId)[0]?.value.businessRef, 'P00042');
      assert.equal(recordsOf(fa.body.batchId)[0]?.value.documentType, 'functional-ack');
      assert.equal(recordsOf(asn.body.batchId)[0]?.value.businessRef, 'P00042');
    });

    const broken = await gateway.send(BOLTWORKS, 'POST', '/v1/documents/po-acknowledgement', {
      body: supplier855(parties(), 'P00042', 'AC', []).replace('BAK*00*AC', 'BAK*00*ZZ'),
      contentType: 'application/edi-x12',
    });
    assert.equal(broken.status, 422, JSON.stringify(broken.body));
    const errors = broken.body.errors as { code: string; location: string }[];
    assert.equal(errors[0].code, 'X12_INVALID_CODE');
    assert.match(errors[0].location, /^segment 4 \(BAK\), element 02, byte offset \d+$/);
  });

  void it("refuses a supplier's 855 not addressed to us (ISA08: 422 and a TA1 R 009) and a 997 whose group is not (GS03: 422), with the location", async () => {
    const elsewhere = supplier855({ ...parties(), receiverId: 'SOMEONEELSE' }, 'P00042', 'AD', []);
    const ack = await gateway.send(BOLTWORKS, 'POST', '/v1/documents/po-acknowledgement', {
      body: elsewhere,
      contentType: 'application/edi-x12',
    });
    assert.equal(ack.status, 422, JSON.stringify(ack.body));
    const where = (reply: typeof ack) =>
      (reply.body.errors as { code: string; segmentTag: string; element: number; location: string }[]).map(
        (e) => [e.code, e.segmentTag, e.element],
      );
    // Both the interchange (ISA08) and its group (GS03) name someone else.
    assert.deepEqual(where(ack), [
      ['X12_UNKNOWN_RECEIVER', 'ISA', 8],
      ['X12_UNKNOWN_RECEIVER', 'GS', 3],
    ]);
    const ta1 = await expectEventually(() => {
      const found = gateway.outbound.find(
        (r) => r.value.outboundId === `x12-ta1:${String(ack.body.batchId)}`,
      );
      assert.ok(found);
      return found;
    });
    assert.equal(ta1.value.partnerId, 'boltworks-supply');
    assert.match(ta1.value.payload.toString(), /~\nTA1\*\d{9}\*261201\*1200\*R\*009~\n/);

    const otherApplication = supplier997(parties(), '17', 'A').replace(
      /^GS\*FA\*BOLTWORKS\*TRADEWIND\*/m,
      'GS*FA*BOLTWORKS*PAYROLL*',
    );
    const fa = await gateway.send(BOLTWORKS, 'POST', '/v1/documents/functional-ack', {
      body: otherApplication,
      contentType: 'application/edi-x12',
    });
    assert.equal(fa.status, 422, JSON.stringify(fa.body));
    assert.deepEqual(where(fa), [['X12_UNKNOWN_RECEIVER', 'GS', 3]]);
    assert.match(
      String(fa.body.detail),
      /addressed to application PAYROLL; groups for us go to TRADEWIND \(GS03\)/,
    );
    // Neither reached purchase-orders, and a supplier's 997 is never answered with a 997.
    assert.equal(recordsOf(ack.body.batchId).length + recordsOf(fa.body.batchId).length, 0);
    assert.equal(
      gateway.outbound.filter((r) => r.value.outboundId === `x12-997:${String(fa.body.batchId)}`).length,
      0,
    );
  });

  void it('refuses purchasing documents from parties the catalog does not let send them', async () => {
    const notOdoo = await gateway.send(BOLTWORKS, 'POST', '/v1/documents/purchase-order-event', {
      body: odooPurchaseOrderWebhook(1),
      contentType: 'application/json',
    });
    assert.equal(notOdoo.status, 403, JSON.stringify(notOdoo.body));
    const notSupplier = await gateway.send(
      'acme-portal-2026-12',
      'POST',
      '/v1/documents/po-acknowledgement',
      {
        body: supplier855(parties(), 'P1', 'AD', []),
        contentType: 'application/edi-x12',
      },
    );
    assert.equal(notSupplier.status, 403, JSON.stringify(notSupplier.body));
  });

  void it("shows a supplier its purchase order's status trace from purchasing.state, and nobody else", async () => {
    const poNumber = `P-IT-${randomInt(1, 999_999_999)}`;
    const at = Date.now();
    const state: PurchaseOrderState = {
      purchaseOrderId: `odoo/${poNumber}`,
      odooOrderId: 1,
      poNumber,
      supplierId: 'boltworks-supply',
      revision: 1,
      status: 'changed',
      currency: 'USD',
      lines: [],
      trace: [
        { status: 'sent', at, revision: 1, detail: 'x12-850 sent', documentId: 'x12-850:odoo/1:r1' },
        { status: 'changed', at: at + 1, revision: 1, detail: 'acknowledgement changed', documentId: null },
      ],
      updatedAt: at + 1,
    };
    await gateway.producer().send(TOPICS.purchasingState, [{ key: state.purchaseOrderId, value: state }]);
    const view = await expectEventually(async () => {
      const reply = await gateway.send(BOLTWORKS, 'GET', `/v1/purchase-orders/${poNumber}`);
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      return reply.body;
    });
    assert.equal(view.status, 'changed');
    assert.deepEqual(
      (view.trace as { status: string }[]).map((t) => t.status),
      ['sent', 'changed'],
    );
    const other = await gateway.send('acme-portal-2026-12', 'GET', `/v1/purchase-orders/${poNumber}`);
    assert.equal(other.status, 404, JSON.stringify(other.body));
  });
});
