import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { OrderStatus } from '@tradewind/contracts';
import fc from 'fast-check';

import { DiscrepancyClass, type OdooSaleOrder, type PlatformOrder, reconcileWindow } from './reconciliation';

const NOW = Date.UTC(2026, 11, 1, 12, 0, 0);
const POLICY = { stuckAfterMs: 30 * 60_000, acknowledgeWithinMs: 60 * 60_000 };
const ODOO_CUSTOMERS: Record<string, number> = { acme: 1, bolt: 2, globex: 3 };
const HOUR_AGO = NOW - 2 * 60 * 60_000;

function order(partnerId: string, po: string, overrides: Partial<PlatformOrder> = {}): PlatformOrder {
  return {
    orderId: `${partnerId}/${po}`,
    partnerId,
    poNumber: po,
    status: OrderStatus.Acknowledged,
    odooExternalId: `tradewind.so_${partnerId}_${po}`,
    odooPartnerId: ODOO_CUSTOMERS[partnerId] ?? 99,
    rejected: false,
    lines: [
      { sku: 'SKU-1', quantity: 2, unitPrice: 10 },
      { sku: 'SKU-2', quantity: 1, unitPrice: 5.5 },
    ],
    receivedAt: HOUR_AGO,
    ...overrides,
  };
}

let nextId = 1;
function saleOrderOf(platform: PlatformOrder, overrides: Partial<OdooSaleOrder> = {}): OdooSaleOrder {
  const lines = platform.lines.map((l) => ({
    sku: l.sku,
    quantity: l.quantity,
    priceUnit: l.unitPrice ?? 0,
  }));
  return {
    id: nextId++,
    name: `S${nextId}`,
    externalId: platform.odooExternalId,
    clientOrderRef: platform.poNumber,
    partnerId: platform.odooPartnerId,
    state: 'sale',
    amountUntaxed: lines.reduce((sum, l) => sum + l.quantity * l.priceUnit, 0),
    lines,
    ...overrides,
  };
}

const classes = (result: ReturnType<typeof reconcileWindow>) =>
  result.discrepancies.map((d) => `${d.class}:${d.orderId ?? d.odooIds.join(',')}`).sort();

describe('reconcileWindow', () => {
  it("reconciles the gateway's leg: a document no order names, an acknowledgement never sent", () => {
    const told = order('acme', 'PO-TOLD', { documentIds: ['doc-told'] });
    const untold = order('acme', 'PO-UNTOLD', { documentIds: ['doc-untold'] });
    const quiet = order('bolt', 'PO-QUIET', { documentIds: ['doc-quiet'] });
    const orders = [told, untold, quiet];
    const document = (documentId: string, partnerId: string, receivedAt = HOUR_AGO) => ({
      documentId,
      partnerId,
      businessRef: documentId,
      receivedAt,
      acknowledged: documentId === 'doc-told',
    });
    const gateway = {
      documents: [
        document('doc-told', 'acme'),
        document('doc-untold', 'acme'),
        document('doc-quiet', 'bolt'),
        document('doc-lost', 'acme'),
        // Accepted a minute ago: order-intake may not have taken it yet.
        document('doc-fresh', 'acme', NOW - 60_000),
      ],
      onPlatform: new Set(['doc-told', 'doc-untold', 'doc-quiet']),
      acknowledgements: new Map([
        ['doc-told', true],
        ['doc-untold', false],
        ['doc-quiet', false],
      ]),
      // bolt is never sent acknowledgements: its orders are not owed one.
      acknowledges: (partnerId: string) => partnerId === 'acme',
    };
    const result = reconcileWindow({
      orders,
      odoo: orders.map((o) => saleOrderOf(o)),
      now: NOW,
      policy: POLICY,
      gateway,
    });
    assert.deepEqual(
      result.discrepancies.map((d) => `${d.class}:${d.orderId ?? d.detail.split(' ')[1]}`).sort(),
      [
        `${DiscrepancyClass.AcknowledgementNotSent}:acme/PO-UNTOLD`,
        `${DiscrepancyClass.NotOnPlatform}:doc-lost`,
      ],
    );
    assert.equal(result.partners.find((p) => p.partnerId === 'acme')?.received, 4);
    assert.equal(result.partners.find((p) => p.partnerId === 'bolt')?.verdict, 'complete');
    // The acknowledgement arriving changes the proof.
    const later = reconcileWindow({
      orders,
      odoo: orders.map((o) => saleOrderOf(o, { id: 1000 + orders.indexOf(o) })),
      now: NOW,
      policy: POLICY,
      gateway: { ...gateway, acknowledgements: new Map([...gateway.acknowledgements, ['doc-untold', true]]) },
    });
    assert.deepEqual(
      later.discrepancies.map((d) => d.class),
      [DiscrepancyClass.NotOnPlatform],
    );
  });

  it('proves a clean window complete, per partner, with counts and amounts', () => {
    const orders = [order('acme', 'PO-1'), order('acme', 'PO-2'), order('bolt', 'PO-9')];
    const result = reconcileWindow({
      orders,
      odoo: orders.map((o) => saleOrderOf(o)),
      now: NOW,
      policy: POLICY,
    });
    assert.equal(result.verdict, 'complete');
    assert.deepEqual(result.discrepancies, []);
    assert.deepEqual(
      result.partners.map((p) => [p.partnerId, p.workflow, p.orders, p.matchedInOdoo, p.amount, p.verdict]),
      [
        ['acme', 'sales-order', 2, 2, 51, 'complete'],
        ['bolt', 'sales-order', 1, 1, 25.5, 'complete'],
      ],
    );
  });

  it('classifies each kind of drift', () => {
    const deleted = order('acme', 'PO-DELETED');
    const changed = order('acme', 'PO-CHANGED');
    const duplicated = order('acme', 'PO-DUP');
    const dropped = order('acme', 'PO-DROPPED', { status: OrderStatus.Accepted });
    const stuck = order('acme', 'PO-STUCK', { status: OrderStatus.Validated, odooExternalId: null });
    const unacknowledged = order('acme', 'PO-NOACK', { status: OrderStatus.Confirmed });
    const fresh = order('acme', 'PO-FRESH', { status: OrderStatus.Accepted, receivedAt: NOW - 1000 });
    const odoo = [
      saleOrderOf(changed, {
        lines: [
          { sku: 'SKU-1', quantity: 3, priceUnit: 10 },
          { sku: 'SKU-2', quantity: 1, priceUnit: 5.5 },
        ],
        amountUntaxed: 35.5,
      }),
      saleOrderOf(duplicated),
      saleOrderOf(duplicated, { externalId: null }),
      saleOrderOf(unacknowledged),
      saleOrderOf(order('acme', 'BY-HAND'), { externalId: null }),
    ];
    const result = reconcileWindow({
      orders: [deleted, changed, duplicated, dropped, stuck, unacknowledged, fresh],
      odoo,
      now: NOW,
      policy: POLICY,
    });
    assert.deepEqual(classes(result), [
      `${DiscrepancyClass.AcknowledgementNotSent}:acme/PO-NOACK`,
      `${DiscrepancyClass.DuplicatedInOdoo}:acme/PO-DUP`,
      `${DiscrepancyClass.FieldsDiffer}:acme/PO-CHANGED`,
      `${DiscrepancyClass.MissingInOdoo}:acme/PO-DELETED`,
      `${DiscrepancyClass.MissingInOdoo}:acme/PO-DROPPED`,
      `${DiscrepancyClass.NoPlatformOrigin}:${odoo[4].id}`,
      `${DiscrepancyClass.Stuck}:acme/PO-DROPPED`,
      `${DiscrepancyClass.Stuck}:acme/PO-STUCK`,
    ]);
    assert.match(
      result.discrepancies.find((d) => d.class === DiscrepancyClass.FieldsDiffer)!.detail,
      /SKU-1: quantity 2 on the platform, 3 in Odoo/,
    );
    assert.equal(result.partners[0].verdict, 'discrepancies');
    assert.equal(result.partners[0].discrepancies[DiscrepancyClass.MissingInOdoo], 2);
  });

  it('does not call an Odoo record of another window "no origin"', () => {
    const elsewhere = order('acme', 'PO-OLD');
    const result = reconcileWindow({
      orders: [
        order('acme', 'PO-1', { status: OrderStatus.Received, odooExternalId: null, receivedAt: NOW }),
      ],
      odoo: [saleOrderOf(elsewhere)],
      now: NOW,
      policy: POLICY,
      knownOrigins: (record) => record.externalId === elsewhere.odooExternalId,
    });
    assert.equal(result.verdict, 'complete');
  });

  // Properties over generated windows: the checksum is a function of the content, not of its order, and
  // a clean window (every accepted order once in Odoo, equal) is always complete.
  const line = fc.record({
    sku: fc.constantFrom('SKU-1', 'SKU-2', 'SKU-3'),
    quantity: fc.integer({ min: 1, max: 50 }),
    unitPrice: fc.integer({ min: 1, max: 10_000 }).map((cents) => cents / 100),
  });
  const window = fc.uniqueArray(
    fc.record({
      partner: fc.constantFrom('acme', 'bolt', 'globex'),
      po: fc.stringMatching(/^[A-Z0-9-]{1,8}$/),
      lines: fc.array(line, { minLength: 1, maxLength: 4 }),
    }),
    { selector: (o) => `${o.partner}/${o.po}`, maxLength: 30 },
  );

  it('a clean window is complete and its checksum ignores the order of its inputs', () => {
    fc.assert(
      fc.property(window, (generated) => {
        const orders = generated.map((g) => order(g.partner, g.po, { lines: g.lines }));
        const odoo = orders.map((o) => saleOrderOf(o));
        const a = reconcileWindow({ orders, odoo, now: NOW, policy: POLICY });
        const b = reconcileWindow({
          orders: [...orders].reverse(),
          odoo: [...odoo].reverse(),
          now: NOW,
          policy: POLICY,
        });
        assert.equal(a.verdict, 'complete');
        assert.equal(a.checksum, b.checksum);
        assert.equal(
          a.partners.reduce((sum, p) => sum + p.matchedInOdoo, 0),
          orders.length,
        );
      }),
      { seed: 20261201, numRuns: 300 },
    );
  });

  it('removing any one sale order is detected as missing, and changes the checksum', () => {
    fc.assert(
      fc.property(
        window.filter((w) => w.length > 0),
        fc.nat(),
        (generated, pick) => {
          const orders = generated.map((g) => order(g.partner, g.po, { lines: g.lines }));
          const odoo = orders.map((o) => saleOrderOf(o));
          const clean = reconcileWindow({ orders, odoo, now: NOW, policy: POLICY });
          const removed = odoo.splice(pick % odoo.length, 1)[0];
          const drifted = reconcileWindow({ orders, odoo, now: NOW, policy: POLICY });
          assert.deepEqual(
            drifted.discrepancies.map((d) => [d.class, d.orderId]),
            [
              [
                DiscrepancyClass.MissingInOdoo,
                orders.find((o) => o.odooExternalId === removed.externalId)!.orderId,
              ],
            ],
          );
          assert.notEqual(drifted.checksum, clean.checksum);
        },
      ),
      { seed: 20261201, numRuns: 300 },
    );
  });
});
