import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { BusinessRuleError, classifyFailure, DependencyUnavailableError } from '@tradewind/messaging';
import { OdooError, OdooErrorCode } from '@tradewind/odoo-client';

import { OrderIntakeErrorCode, OrderIntakeException, toRunnerError } from './order-intake.exception';

const pricesUnavailable = (cause: unknown) =>
  new OrderIntakeException(OrderIntakeErrorCode.PricesUnavailable, 'no prices', [], { cause });

describe('toRunnerError: what the consumer runner is told at order-intake’s edges', () => {
  it('an Odoo that is down while prices are looked up is an outage, held without counting attempts', () => {
    for (const code of [OdooErrorCode.UNAVAILABLE, OdooErrorCode.TRANSPORT, OdooErrorCode.TIMEOUT]) {
      const translated = toRunnerError(pricesUnavailable(new OdooError({ code, message: code })));
      assert.ok(translated instanceof DependencyUnavailableError, code);
      assert.equal(translated.dependency, 'odoo');
      assert.equal(classifyFailure(translated).kind, 'dependency');
    }
  });

  it('an Odoo failure one order may cause stays a counted technical failure', () => {
    const error = pricesUnavailable(new OdooError({ code: OdooErrorCode.SERVER_ERROR, message: '500' }));
    assert.equal(toRunnerError(error), error);
    assert.equal(classifyFailure(error).kind, 'technical');
  });

  it('a lost PostgreSQL connection is the database being down', () => {
    const dropped = Object.assign(new Error('Connection terminated unexpectedly'), {});
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    for (const error of [dropped, refused]) {
      const translated = toRunnerError(error);
      assert.ok(translated instanceof DependencyUnavailableError);
      assert.equal(translated.dependency, 'database');
    }
    const constraint = Object.assign(new Error('duplicate key'), { code: '23505' });
    assert.equal(toRunnerError(constraint), constraint);
  });

  it('business codes become a BusinessRuleError', () => {
    const translated = toRunnerError(new OrderIntakeException(OrderIntakeErrorCode.UnknownPartner, 'who?'));
    assert.ok(translated instanceof BusinessRuleError);
    assert.equal(translated.code, OrderIntakeErrorCode.UnknownPartner);
  });
});
