import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { ShipmentMilestone } from '@tradewind/contracts';

import { planWithoutOrders } from '../test/redrive.fixtures';
import {
  DiscrepancyClass,
  type OdooDelivery,
  type PlatformShipment,
  reconcileWindow,
  SHIPMENT_WORKFLOW,
  type ShipmentLeg,
  shipmentOrderKey,
} from './reconciliation';

const NOW = Date.UTC(2026, 11, 1, 12, 0, 0);
const WINDOW = { from: Date.UTC(2026, 11, 1, 9), to: Date.UTC(2026, 11, 1, 10) };
const POLICY = { stuckAfterMs: 30 * 60_000, acknowledgeWithinMs: 60 * 60_000 };
const HOURS_AGO = NOW - 2.5 * 60 * 60_000;
const CUSTOMER = 42;

/** Shipment n carries acme's PO-n (sale order 100 + n), its picking validation sent. */
function shipment(n: number, overrides: Partial<PlatformShipment> = {}): PlatformShipment {
  return {
    shipmentId: `SCAC/TRK${n}/2026-12-01`,
    trackingNumber: `TRK${n}`,
    milestone: ShipmentMilestone.InTransit,
    terminal: false,
    orders: [{ partnerId: 'acme', poNumber: `PO-${n}`, pickingValidation: `cmd-${n}` }],
    proofOfDelivery: false,
    receivedAt: HOURS_AGO,
    ...overrides,
  };
}

/** Delivery 200 + n of sale order 100 + n, validated by the odoo-writer for shipment n. */
function delivery(n: number, overrides: Partial<OdooDelivery> = {}): OdooDelivery {
  return {
    id: 200 + n,
    name: `WH/OUT/${200 + n}`,
    saleOrderId: 100 + n,
    state: 'done',
    doneAt: HOURS_AGO,
    trackingRef: `TRK${n}`,
    customerId: CUSTOMER,
    clientOrderRef: `PO-${n}`,
    ...overrides,
  };
}

const leg = (
  shipments: PlatformShipment[],
  deliveries: OdooDelivery[],
  overrides: Partial<ShipmentLeg> = {},
): ShipmentLeg => ({
  shipments,
  // Every PO-n has its sale order in Odoo but PO-3.
  saleOrders: new Map(
    Array.from({ length: 20 }, (_, n) => [shipmentOrderKey('acme', `PO-${n}`), 100 + n] as const).filter(
      ([key]) => key !== shipmentOrderKey('acme', 'PO-3'),
    ),
  ),
  deliveries,
  customers: new Map([[CUSTOMER, 'acme']]),
  validatedFrom: WINDOW.from,
  validatedTo: WINDOW.to,
  deliverWithinMs: 7 * 86_400_000,
  ...overrides,
});

const run = (shipments: ShipmentLeg) =>
  reconcileWindow({ orders: [], odoo: [], now: NOW, policy: POLICY, shipments });

const classes = (result: ReturnType<typeof reconcileWindow>) =>
  result.discrepancies.map((d) => `${d.class}:${d.orderId ?? `odoo/${d.odooIds.join(',')}`}`).sort();

describe('shipments: what shipped against the deliveries Odoo validated', () => {
  it('a shipment whose delivery Odoo validated with its tracking number is complete, with no amounts', () => {
    const clean = run(leg([shipment(1)], [delivery(1)]));
    assert.equal(clean.verdict, 'complete');
    const [summary] = clean.partners;
    assert.deepEqual(
      [
        summary.partnerId,
        summary.workflow,
        summary.orders,
        summary.expectedInOdoo,
        summary.matchedInOdoo,
        summary.amount,
        summary.odooAmount,
      ],
      ['acme', SHIPMENT_WORKFLOW, 1, 1, 1, 0, 0],
    );
  });

  it('classifies each drift per customer partner in the shipment workflow', () => {
    const drifted = run(
      leg(
        [
          shipment(1),
          shipment(2), // its delivery still open in Odoo
          shipment(3), // no sale order in Odoo
          shipment(4), // validated twice with its tracking number
          shipment(5, { orders: [{ partnerId: 'acme', poNumber: 'PO-5', pickingValidation: null }] }),
          shipment(6, { receivedAt: NOW - 8 * 86_400_000 }), // validated, not delivered in 8 days
          shipment(7, { receivedAt: NOW - 60_000 }), // its validation may still be on its way
          shipment(8, {
            milestone: ShipmentMilestone.LabelCreated,
            orders: [{ partnerId: 'acme', poNumber: 'PO-8', pickingValidation: null }],
          }), // nothing shipped yet: no validation owed
          shipment(9), // its delivery validated by hand before the ship notice, another tracking
          shipment(10, {
            milestone: ShipmentMilestone.Delivered,
            terminal: true,
            proofOfDelivery: true,
            receivedAt: NOW - 8 * 86_400_000,
          }),
        ],
        [
          delivery(1),
          delivery(2, { state: 'assigned', doneAt: null, trackingRef: null }),
          delivery(4),
          delivery(4, { id: 304, name: 'WH/OUT/304' }),
          delivery(6),
          delivery(7, { state: 'assigned', doneAt: null, trackingRef: null }),
          delivery(9, { trackingRef: 'BY-HAND' }),
          delivery(10),
          delivery(11, { trackingRef: null }), // validated by hand, no shipment names it
          delivery(12, { customerId: 77 }), // another customer's: the warehouse's own
          delivery(13, { doneAt: NOW - 60_000 }), // a minute ago: its shipment may still come
          delivery(14, { doneAt: WINDOW.from - 1 }), // before the window: that window's
          delivery(15), // another window's shipment names it (knownOrigins)
          delivery(16, { trackingRef: 'TRK-OTHER' }), // PO-16, a tracking no shipment has
        ],
        { knownOrigins: (d) => d.id === 215 },
      ),
    );
    assert.deepEqual(classes(drifted), [
      `${DiscrepancyClass.DuplicatedInOdoo}:SCAC/TRK4/2026-12-01`,
      `${DiscrepancyClass.MissingInOdoo}:SCAC/TRK2/2026-12-01`,
      `${DiscrepancyClass.MissingInOdoo}:SCAC/TRK3/2026-12-01`,
      `${DiscrepancyClass.MissingInOdoo}:SCAC/TRK9/2026-12-01`,
      `${DiscrepancyClass.NoPlatformOrigin}:odoo/209`,
      `${DiscrepancyClass.NoPlatformOrigin}:odoo/211`,
      `${DiscrepancyClass.NoPlatformOrigin}:odoo/216`,
      `${DiscrepancyClass.Stuck}:SCAC/TRK5/2026-12-01`,
      `${DiscrepancyClass.Stuck}:SCAC/TRK6/2026-12-01`,
    ]);
    assert.ok(drifted.discrepancies.every((d) => d.workflow === SHIPMENT_WORKFLOW && d.partnerId === 'acme'));
    const byOrder = (id: string) => drifted.discrepancies.find((d) => d.orderId === id)!;
    assert.match(byOrder('SCAC/TRK2/2026-12-01').detail, /WH\/OUT\/202 assigned/);
    assert.deepEqual(byOrder('SCAC/TRK2/2026-12-01').odooIds, [202]);
    assert.match(byOrder('SCAC/TRK3/2026-12-01').detail, /no sale order in Odoo/);
    assert.deepEqual(byOrder('SCAC/TRK4/2026-12-01').odooIds, [204, 304]);
    assert.match(byOrder('SCAC/TRK5/2026-12-01').detail, /in_transit, its picking validation never sent/);
    assert.match(byOrder('SCAC/TRK6/2026-12-01').detail, /not delivered within 168 h/);
    const [summary] = drifted.partners;
    assert.equal(drifted.partners.length, 1);
    assert.equal(summary.verdict, 'discrepancies');
    assert.match(byOrder('SCAC/TRK9/2026-12-01').detail, /WH\/OUT\/209 done \(BY-HAND\)/);
    // 1, 6 and 10 matched; 2, 3, 9 missing; 4 duplicated; 7 not due yet; 5 and 8 never validated.
    assert.deepEqual([summary.orders, summary.expectedInOdoo, summary.matchedInOdoo], [10, 7, 3]);
  });

  it('a shipment of two customers counts once in each partner', () => {
    const result = run(
      leg(
        [
          shipment(1, {
            orders: [
              { partnerId: 'acme', poNumber: 'PO-1', pickingValidation: 'a' },
              { partnerId: 'globex', poNumber: 'G-1', pickingValidation: 'b' },
            ],
          }),
        ],
        [delivery(1)],
      ),
    );
    assert.deepEqual(
      result.partners.map((p) => `${p.partnerId} ${p.orders} ${p.matchedInOdoo}`),
      ['acme 1 1', 'globex 1 0'],
    );
    assert.deepEqual(classes(result), [`${DiscrepancyClass.MissingInOdoo}:SCAC/TRK1/2026-12-01`]);
    assert.equal(result.discrepancies[0].partnerId, 'globex');
  });

  it('the checksum covers the shipments: the same input in any order gives the same, a drift changes it', () => {
    const a = run(leg([shipment(1), shipment(2)], [delivery(1), delivery(2)]));
    const b = run(leg([shipment(2), shipment(1)], [delivery(2), delivery(1)]));
    assert.equal(a.checksum, b.checksum);
    assert.equal(a.verdict, 'complete');
    // Odoo's validation undone (the delivery cancelled and made again, open).
    const undone = run(leg([shipment(1), shipment(2)], [delivery(1), delivery(2, { state: 'assigned' })]));
    assert.notEqual(undone.checksum, a.checksum);
    // The shipment moved on: delivered with its proof.
    const delivered = run(
      leg(
        [
          shipment(1),
          shipment(2, { milestone: ShipmentMilestone.Delivered, terminal: true, proofOfDelivery: true }),
        ],
        [delivery(1), delivery(2)],
      ),
    );
    assert.equal(delivered.verdict, 'complete');
    assert.notEqual(delivered.checksum, a.checksum);
    // A delivery validated by hand is in the proof too.
    const byHand = run(leg([shipment(1), shipment(2)], [delivery(1), delivery(2), delivery(11)]));
    assert.notEqual(byHand.checksum, a.checksum);
    // A window without shipments keeps its checksum: no row is added.
    assert.equal(
      run(leg([], [])).checksum,
      reconcileWindow({ orders: [], odoo: [], now: NOW, policy: POLICY }).checksum,
    );
  });

  it('nothing is re-driven: what Odoo holds wrong is raised for a person, a stuck shipment left to its alert', () => {
    const drifted = run(
      leg(
        [
          shipment(2),
          shipment(4),
          shipment(5, { orders: [{ partnerId: 'acme', poNumber: 'PO-5', pickingValidation: null }] }),
        ],
        [delivery(2, { state: 'assigned' }), delivery(4), delivery(4, { id: 304 }), delivery(11)],
      ),
    );
    const plan = planWithoutOrders(drifted.discrepancies);
    assert.deepEqual(plan.redriven, []);
    assert.deepEqual(plan.deferred, []);
    assert.deepEqual(
      plan.forPerson.map((p) => `${p.reason} ${p.discrepancy.class} ${p.discrepancy.orderId}`).sort(),
      [
        `RECONCILIATION_SHIPMENT ${DiscrepancyClass.DuplicatedInOdoo} SCAC/TRK4/2026-12-01`,
        `RECONCILIATION_SHIPMENT ${DiscrepancyClass.MissingInOdoo} SCAC/TRK2/2026-12-01`,
        `RECONCILIATION_SHIPMENT ${DiscrepancyClass.NoPlatformOrigin} null`,
      ],
    );
  });
});
