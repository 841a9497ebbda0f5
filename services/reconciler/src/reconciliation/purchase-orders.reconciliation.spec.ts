import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { PurchaseOrderStatus } from '@tradewind/contracts';

import { planWithoutOrders } from '../test/redrive.fixtures';
import {
  DiscrepancyClass,
  type GatewayDocument,
  type OdooPurchaseOrder,
  type PlatformPurchaseOrder,
  PURCHASE_ORDER_WORKFLOW,
  purchaseOrderDifferences,
  type PurchasingLeg,
  reconcileWindow,
} from './reconciliation';

const NOW = Date.UTC(2026, 11, 1, 12, 0, 0);
const POLICY = { stuckAfterMs: 30 * 60_000, acknowledgeWithinMs: 60 * 60_000 };
const HOURS_AGO = NOW - 2 * 60 * 60_000;
const VENDOR = 42;

// Sent: 10 cases of 12 at 2.52 a case (0.21 a Unit) and 5 EA at 1.10; Odoo: 120 Units at 0.21 and 5 at 1.10.
function sent(id: number, overrides: Partial<PlatformPurchaseOrder> = {}): PlatformPurchaseOrder {
  return {
    purchaseOrderId: `odoo/${id}`,
    odooOrderId: id,
    poNumber: `P${id}`,
    supplierId: 'boltworks',
    revision: 1,
    status: PurchaseOrderStatus.Acknowledged,
    lines: [
      { sku: 'SKU-1', quantity: 10, unitsPerUom: 12, unitPrice: 2.52 },
      { sku: 'SKU-2', quantity: 5, unitsPerUom: 1, unitPrice: 1.1 },
    ],
    receivedAt: HOURS_AGO,
    sentAt: HOURS_AGO,
    ...overrides,
  };
}

function inOdoo(id: number, overrides: Partial<OdooPurchaseOrder> = {}): OdooPurchaseOrder {
  const lines = [
    { sku: 'SKU-1', quantity: 120, units: 120, priceUnit: 0.21 },
    // Dozens in Odoo: 5 Units as 5/12 of a dozen at 13.20 a dozen.
    { sku: 'SKU-2', quantity: 5 / 12, units: 5, priceUnit: 13.2 },
  ];
  return {
    id,
    name: `P${id}`,
    partnerId: VENDOR,
    state: 'purchase',
    amountUntaxed: 30.7,
    writtenAt: HOURS_AGO,
    lines,
    ...overrides,
  };
}

const leg = (orders: PlatformPurchaseOrder[], odoo: OdooPurchaseOrder[]): PurchasingLeg => ({
  orders,
  odoo,
  suppliers: new Map([[VENDOR, 'boltworks']]),
  acknowledgeWithinMs: () => 4 * 60 * 60_000,
});

const run = (purchasing: PurchasingLeg) =>
  reconcileWindow({ orders: [], odoo: [], now: NOW, policy: POLICY, purchasing });

const classes = (result: ReturnType<typeof reconcileWindow>) =>
  result.discrepancies.map((d) => `${d.class}:${d.orderId}`).sort();

describe('purchase orders: what was sent against Odoo', () => {
  it('equal across units: packs sent against Units in Odoo, a price per case against one per Unit', () => {
    assert.equal(purchaseOrderDifferences(sent(1), inOdoo(1)), undefined);
  });

  it('names a quantity changed in Odoo after the revision sent, and a price', () => {
    const changed = inOdoo(1, {
      lines: [
        { sku: 'SKU-1', quantity: 144, units: 144, priceUnit: 0.21 },
        { sku: 'SKU-2', quantity: 5 / 12, units: 5, priceUnit: 14.4 },
      ],
    });
    assert.equal(
      purchaseOrderDifferences(sent(1, { revision: 2 }), changed),
      'SKU-1: 120 Units sent (revision 2), 144 in Odoo; SKU-2: price 5.50 sent for 5 Units (revision 2), 6.00 in Odoo',
    );
  });

  it('a clean supplier is complete; each drift is classified per supplier in the purchase-order workflow', () => {
    const clean = run(leg([sent(1)], [inOdoo(1)]));
    assert.equal(clean.verdict, 'complete');
    const [summary] = clean.partners;
    assert.deepEqual(
      [summary.partnerId, summary.workflow, summary.orders, summary.expectedInOdoo, summary.matchedInOdoo],
      ['boltworks', PURCHASE_ORDER_WORKFLOW, 1, 1, 1],
    );
    assert.equal(summary.amount, 30.7);

    const drifted = run(
      leg(
        [
          sent(1),
          sent(2), // cancelled in Odoo
          sent(3), // gone from Odoo
          sent(4), // a quantity changed in Odoo
          sent(5, { status: PurchaseOrderStatus.Sent, sentAt: NOW - 5 * 60 * 60_000 }), // no 855 in 4 h
          sent(6, { status: PurchaseOrderStatus.Held }), // never sendable
          sent(7, { status: PurchaseOrderStatus.Cancelled }), // cancelled on both sides: fine
        ],
        [
          inOdoo(1),
          inOdoo(2, { state: 'cancel' }),
          inOdoo(4, { lines: [{ sku: 'SKU-1', quantity: 60, units: 60, priceUnit: 0.21 }] }),
          inOdoo(5),
          inOdoo(7, { state: 'cancel' }),
          inOdoo(8), // confirmed in Odoo, never sent
          inOdoo(9, { state: 'draft' }), // not confirmed: nothing to send
          inOdoo(10, { partnerId: 77 }), // a vendor the catalog does not name
          inOdoo(11, { writtenAt: NOW - 60_000 }), // confirmed a minute ago: purchase-orders has time
        ],
      ),
    );
    assert.deepEqual(classes(drifted), [
      `${DiscrepancyClass.FieldsDiffer}:odoo/4`,
      `${DiscrepancyClass.MissingInOdoo}:odoo/2`,
      `${DiscrepancyClass.MissingInOdoo}:odoo/3`,
      `${DiscrepancyClass.NotOnPlatform}:odoo/8`,
      `${DiscrepancyClass.Stuck}:odoo/5`,
      `${DiscrepancyClass.Stuck}:odoo/6`,
    ]);
    assert.equal(drifted.partners.length, 1);
    assert.equal(drifted.partners[0].verdict, 'discrepancies');
    assert.equal(drifted.partners[0].matchedInOdoo, 2);
  });

  it('the checksum covers the purchase orders: a drift in Odoo changes it, the same input gives the same', () => {
    const a = run(leg([sent(1), sent(2)], [inOdoo(1), inOdoo(2)]));
    const b = run(leg([sent(2), sent(1)], [inOdoo(2), inOdoo(1)]));
    assert.equal(a.checksum, b.checksum);
    const c = run(leg([sent(1), sent(2)], [inOdoo(1), inOdoo(2, { state: 'cancel' })]));
    assert.notEqual(c.checksum, a.checksum);
  });

  it('no re-drive of a purchase order: what needs a buyer is raised for a person, a stuck one left to its SLA', () => {
    const drifted = run(
      leg(
        [sent(3), sent(5, { status: PurchaseOrderStatus.Sent, sentAt: NOW - 5 * 60 * 60_000 })],
        [inOdoo(5), inOdoo(8)],
      ),
    );
    const plan = planWithoutOrders(drifted.discrepancies);
    assert.deepEqual(plan.redriven, []);
    assert.deepEqual(
      plan.forPerson.map((p) => [p.reason, p.discrepancy.class, p.discrepancy.orderId]).sort(),
      [
        ['RECONCILIATION_PURCHASE_ORDER', DiscrepancyClass.MissingInOdoo, 'odoo/3'],
        ['RECONCILIATION_PURCHASE_ORDER', DiscrepancyClass.NotOnPlatform, 'odoo/8'],
      ],
    );
  });
});

describe("purchase orders: the gateway's leg (the suppliers' documents purchasing.state names)", () => {
  const document = (id: string, receivedAt = HOURS_AGO): GatewayDocument => ({
    documentId: id,
    partnerId: 'boltworks',
    documentType: 'po-acknowledgement',
    businessRef: 'P1',
    receivedAt,
    acknowledged: false,
  });
  const withGateway = (documents: GatewayDocument[], onPlatform: string[]): PurchasingLeg => ({
    ...leg([sent(1)], [inOdoo(1)]),
    gateway: { documents, onPlatform: new Set(onPlatform) },
  });

  it('a named document is received and complete; a lost one past the SLA is not_on_platform; a young one is not due', () => {
    const result = run(
      withGateway(
        [document('doc-named'), document('doc-lost'), document('doc-young', NOW - 60_000)],
        ['doc-named'],
      ),
    );
    const [summary] = result.partners;
    assert.deepEqual(
      [summary.partnerId, summary.workflow, summary.orders, summary.received],
      ['boltworks', PURCHASE_ORDER_WORKFLOW, 1, 3],
    );
    assert.equal(summary.discrepancies[DiscrepancyClass.NotOnPlatform], 1);
    const [lost] = result.discrepancies;
    assert.equal(result.discrepancies.length, 1);
    assert.equal(lost.class, DiscrepancyClass.NotOnPlatform);
    assert.equal(lost.workflow, PURCHASE_ORDER_WORKFLOW);
    assert.match(lost.detail, /^document doc-lost \(P1\) accepted by the gateway, no purchase order/);

    const named = run(
      withGateway([document('doc-named'), document('doc-young', NOW - 60_000)], ['doc-named']),
    );
    assert.equal(named.verdict, 'complete');
    assert.equal(named.partners[0].received, 2);
  });

  it("each document is a proof line of the supplier's checksum; without documents the checksum is the leg's own", () => {
    const named = run(withGateway([document('doc-1')], ['doc-1']));
    const absent = run(withGateway([document('doc-1', NOW - 60_000)], []));
    const none = run(leg([sent(1)], [inOdoo(1)]));
    assert.notEqual(named.partners[0].checksum, absent.partners[0].checksum);
    assert.notEqual(named.partners[0].checksum, none.partners[0].checksum);
    assert.equal(run(withGateway([], [])).checksum, none.checksum);
    const again = run(withGateway([document('doc-1')], ['doc-1']));
    assert.equal(again.checksum, named.checksum);
  });

  it('a lost supplier document is raised for a buyer, never re-driven', () => {
    const result = run(withGateway([document('doc-lost')], []));
    const plan = planWithoutOrders(result.discrepancies);
    assert.deepEqual(plan.redriven, []);
    assert.deepEqual(
      plan.forPerson.map((p) => [p.reason, p.discrepancy.class]),
      [['RECONCILIATION_PURCHASE_ORDER', DiscrepancyClass.NotOnPlatform]],
    );
  });
});
