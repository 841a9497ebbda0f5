import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { CommandType, OrderStatus } from '@tradewind/contracts';

import { type Discrepancy, DiscrepancyClass, type PlatformOrder } from '../reconciliation/reconciliation';
import { planRedrive } from './redrive.planner';

function order(po: string, overrides: Partial<PlatformOrder> = {}): PlatformOrder {
  return {
    orderId: `acme/${po}`,
    partnerId: 'acme',
    poNumber: po,
    status: OrderStatus.Confirmed,
    odooExternalId: `tradewind.so_acme_${po}`,
    odooPartnerId: 7,
    rejected: false,
    lines: [{ sku: 'SKU-1', quantity: 3, unitPrice: 2.5 }],
    receivedAt: 0,
    ...overrides,
  };
}
const discrepancy = (c: DiscrepancyClass, orderId: string | null): Discrepancy => ({
  class: c,
  partnerId: 'acme',
  workflow: 'sales-order',
  orderId,
  odooIds: [],
  detail: c,
});

describe('planRedrive', () => {
  const orders = new Map(['PO-1', 'PO-2', 'PO-3', 'PO-4'].map((po) => [`acme/${po}`, order(po)]));
  orders.set('acme/PO-NOSKU', order('PO-NOSKU', { lines: [{ sku: null, quantity: 1, unitPrice: 1 }] }));
  const input = {
    orders,
    products: new Map([['SKU-1', 41]]),
    maxOrders: 2,
    issuedBy: 'reconciler',
    issuedAt: 1,
    attempt: 'a',
  };

  it('sends repairable orders again as upsert + confirm, up to the limit; the rest is for a person', () => {
    const plan = planRedrive({
      ...input,
      discrepancies: [
        discrepancy(DiscrepancyClass.MissingInOdoo, 'acme/PO-1'),
        discrepancy(DiscrepancyClass.FieldsDiffer, 'acme/PO-2'),
        discrepancy(DiscrepancyClass.MissingInOdoo, 'acme/PO-3'),
        discrepancy(DiscrepancyClass.MissingInOdoo, 'acme/PO-NOSKU'),
        discrepancy(DiscrepancyClass.DuplicatedInOdoo, 'acme/PO-4'),
        discrepancy(DiscrepancyClass.NoPlatformOrigin, null),
        discrepancy(DiscrepancyClass.Stuck, 'acme/PO-4'),
      ],
    });
    assert.deepEqual(
      plan.redriven.map((r) => [r.discrepancy.orderId, r.commands.map((c) => c.type)]),
      [
        ['acme/PO-1', [CommandType.UpsertSaleOrder, CommandType.ConfirmSaleOrder]],
        ['acme/PO-2', [CommandType.UpsertSaleOrder, CommandType.ConfirmSaleOrder]],
      ],
    );
    const upsert = plan.redriven[0]?.commands[0];
    assert.equal(upsert?.externalId, 'tradewind.so_acme_PO-1');
    assert.deepEqual(upsert?.upsertSaleOrder?.lines, [
      { productRef: '41', quantity: 3, priceUnit: 2.5, description: null },
    ]);
    assert.equal(upsert?.upsertSaleOrder?.partnerRef, '7');
    assert.deepEqual(
      plan.deferred.map((d) => d.orderId),
      ['acme/PO-3'],
    );
    assert.deepEqual(
      plan.forPerson.map((p) => p.reason),
      [
        'RECONCILIATION_CANNOT_REDRIVE',
        'RECONCILIATION_DUPLICATE_IN_ODOO',
        'RECONCILIATION_NO_PLATFORM_ORIGIN',
      ],
    );
  });

  it('gives the same re-drive the same command ids, and the next re-drive new ones', () => {
    const discrepancies = [discrepancy(DiscrepancyClass.MissingInOdoo, 'acme/PO-1')];
    const ids = (attempt: string) =>
      planRedrive({ ...input, discrepancies, attempt }).redriven[0]?.commands.map((c) => c.commandId);
    assert.deepEqual(ids('a'), ids('a'));
    assert.notDeepEqual(ids('a'), ids('b'));
    assert.match(
      ids('a')?.[0] ?? '',
      /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });
});
