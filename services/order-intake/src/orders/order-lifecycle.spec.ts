import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { OrderStatus } from '@tradewind/contracts';

import { intakeTransitions, OrderEvent, transitionsOn } from './order-lifecycle';

const S = OrderStatus;
const E = OrderEvent;

describe('order lifecycle', () => {
  it('takes a valid order to accepted and an invalid one to rejected, then acknowledged', () => {
    assert.deepEqual(intakeTransitions(true, true), [S.Received, S.Validated, S.Accepted]);
    assert.deepEqual(intakeTransitions(false, true), [S.Received, S.Rejected, S.Acknowledged]);
    assert.deepEqual(intakeTransitions(false, false), [S.Received, S.Rejected]);
  });

  it('moves forward on Odoo results: written, then confirmed and acknowledged', () => {
    assert.deepEqual(transitionsOn(S.Accepted, E.Written, true), [S.Written]);
    assert.deepEqual(transitionsOn(S.Written, E.Confirmed, true), [S.Confirmed, S.Acknowledged]);
    assert.deepEqual(transitionsOn(S.Written, E.Confirmed, false), [S.Confirmed]);
  });

  it('accepts a confirmation that overtook the upsert result', () => {
    assert.deepEqual(transitionsOn(S.Accepted, E.Confirmed, true), [S.Confirmed, S.Acknowledged]);
  });

  it('never goes backwards on redelivered or late results', () => {
    assert.deepEqual(transitionsOn(S.Written, E.Written, true), []);
    assert.deepEqual(transitionsOn(S.Confirmed, E.Written, true), []);
    assert.deepEqual(transitionsOn(S.Acknowledged, E.Written, true), []);
    assert.deepEqual(transitionsOn(S.Acknowledged, E.Confirmed, true), []);
    assert.deepEqual(transitionsOn(S.Acknowledged, E.Refused, true), []);
    assert.deepEqual(transitionsOn(S.Confirmed, E.Confirmed, false), []);
    assert.deepEqual(transitionsOn(S.Rejected, E.Written, false), []);
    assert.deepEqual(transitionsOn(S.Rejected, E.Refused, false), []);
  });

  it('rejects an order Odoo refused, and acknowledges the rejection', () => {
    assert.deepEqual(transitionsOn(S.Accepted, E.Refused, true), [S.Rejected, S.Acknowledged]);
    assert.deepEqual(transitionsOn(S.Written, E.Refused, true), [S.Rejected, S.Acknowledged]);
  });

  it('marks a technical give-up as failed, and lets a re-driven command move the order on', () => {
    assert.deepEqual(transitionsOn(S.Written, E.Failed, true), [S.Failed]);
    assert.deepEqual(transitionsOn(S.Failed, E.Failed, true), []);
    assert.deepEqual(transitionsOn(S.Failed, E.Written, true), [S.Written]);
    assert.deepEqual(transitionsOn(S.Failed, E.Confirmed, true), [S.Confirmed, S.Acknowledged]);
    assert.deepEqual(transitionsOn(S.Confirmed, E.Failed, true), []);
  });

  it('ignores results for orders that never reached Odoo', () => {
    for (const status of [S.Received, S.Validated]) {
      for (const event of Object.values(E)) assert.deepEqual(transitionsOn(status, event, true), []);
    }
  });
});
