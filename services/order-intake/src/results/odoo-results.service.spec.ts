import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { classifyRepeat } from '../intake/sales-order-intake.service';
import { OrderEvent } from '../orders/order-lifecycle';
import { eventOf } from './odoo-results.service';

describe('Odoo results and repeats', () => {
  it('reads results of our two commands as lifecycle events', () => {
    assert.equal(eventOf({ type: 'upsert_sale_order', outcome: 'written' }), OrderEvent.Written);
    assert.equal(eventOf({ type: 'upsert_sale_order', outcome: 'unchanged' }), OrderEvent.Written);
    assert.equal(eventOf({ type: 'confirm_sale_order', outcome: 'written' }), OrderEvent.Confirmed);
    assert.equal(eventOf({ type: 'confirm_sale_order', outcome: 'already_done' }), OrderEvent.Confirmed);
    assert.equal(eventOf({ type: 'upsert_sale_order', outcome: 'business_error' }), OrderEvent.Refused);
    assert.equal(eventOf({ type: 'confirm_sale_order', outcome: 'technical_error' }), OrderEvent.Failed);
  });

  it("ignores other services' command types and outcomes newer than its schema", () => {
    assert.equal(eventOf({ type: 'set_stock_level', outcome: 'written' }), undefined);
    // What a reader decodes for a symbol it does not know (the enum's default).
    assert.equal(eventOf({ type: 'upsert_sale_order', outcome: 'unknown' }), undefined);
    assert.equal(eventOf({ type: 'unknown', outcome: 'written' }), undefined);
  });

  it('tells a redelivered document from a resubmission of the same PO number', () => {
    const order = { documentIds: ['t-1', 't-2'] };
    assert.equal(classifyRepeat(order, 't-2'), 'redelivered');
    assert.equal(classifyRepeat(order, 't-3'), 'duplicate');
  });
});
