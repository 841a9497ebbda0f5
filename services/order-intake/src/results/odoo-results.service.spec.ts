import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { classifyRepeat } from '../intake/sales-order-intake.service';
import { OrderEvent } from '../orders/order-lifecycle';
import { eventOf } from './odoo-results.service';

describe('Odoo results and repeats', () => {
  it('reads results of our two commands as lifecycle events', () => {
    assert.equal(eventOf({ type: 'upsert-sale-order', outcome: 'written' }), OrderEvent.Written);
    assert.equal(eventOf({ type: 'upsert-sale-order', outcome: 'unchanged' }), OrderEvent.Written);
    assert.equal(eventOf({ type: 'confirm-sale-order', outcome: 'written' }), OrderEvent.Confirmed);
    assert.equal(eventOf({ type: 'confirm-sale-order', outcome: 'already-done' }), OrderEvent.Confirmed);
    assert.equal(eventOf({ type: 'upsert-sale-order', outcome: 'business-error' }), OrderEvent.Refused);
    assert.equal(eventOf({ type: 'confirm-sale-order', outcome: 'technical-error' }), OrderEvent.Failed);
  });

  it("ignores other services' command types and unknown outcomes", () => {
    assert.equal(eventOf({ type: 'set-stock-level', outcome: 'written' }), undefined);
    assert.equal(eventOf({ type: 'upsert-sale-order', outcome: 'pending' }), undefined);
  });

  it('tells a redelivered document from a resubmission of the same PO number', () => {
    const order = { documentIds: ['t-1', 't-2'] };
    assert.equal(classifyRepeat(order, 't-2'), 'redelivered');
    assert.equal(classifyRepeat(order, 't-3'), 'duplicate');
  });
});
