import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { createLogger } from '@tradewind/observability';
import { type OdooClient, OdooError, OdooErrorCode } from '@tradewind/odoo-client';

import { FaultInjector } from '../fault-injector';
import { odooWriterMetrics } from '../odoo-writer.metrics';
import { AdaptiveConcurrencyLimiter } from '../resilience/adaptive-limiter';
import { BreakerState, CircuitBreaker } from '../resilience/circuit-breaker';
import { FailureKind, failureKindOf, isOutageFailure, isSplittable, OdooGateway } from './odoo-gateway';

function gateway(answers: (() => Promise<unknown>)[]) {
  const limiter = new AdaptiveConcurrencyLimiter({ min: 1, max: 4, initial: 4, latencyTolerance: 3 });
  const breaker = new CircuitBreaker({
    failureRatio: 0.5,
    minCalls: 100,
    consecutiveFailures: 2,
    windowMs: 10_000,
    openMs: 10_000,
    maxOpenMs: 10_000,
  });
  let calls = 0;
  const client = {
    callAction: () => answers[Math.min(calls++, answers.length - 1)](),
  } as unknown as OdooClient;
  const sut = new OdooGateway(
    client,
    limiter,
    breaker,
    odooWriterMetrics(),
    new FaultInjector({ crashAt: undefined, crashAfter: 1, crashDelayMs: 0 }),
    createLogger('test'),
    {
      refusalBaseDelayMs: 1,
      refusalMaxDelayMs: 5,
    },
  );
  return { sut, limiter, breaker, calls: () => calls };
}

const odooError = (code: OdooErrorCode, retryAfterMs?: number, odooName?: string) => () =>
  Promise.reject(new OdooError({ code, message: code, retryAfterMs, odooName }));

describe('OdooGateway', () => {
  it('classifies every Odoo error code', () => {
    const kind = (code: OdooErrorCode, odooName?: string) => failureKindOf({ code, odooName });
    assert.equal(kind(OdooErrorCode.VALIDATION), FailureKind.Business);
    assert.equal(kind(OdooErrorCode.MISSING_RECORD), FailureKind.Business);
    assert.equal(kind(OdooErrorCode.RATE_LIMITED), FailureKind.Refused);
    assert.equal(kind(OdooErrorCode.UNAVAILABLE), FailureKind.Refused);
    assert.equal(kind(OdooErrorCode.TIMEOUT), FailureKind.Timeout);
    assert.equal(kind(OdooErrorCode.CONCURRENCY), FailureKind.Conflict);
    assert.equal(kind(OdooErrorCode.INVALID_REQUEST), FailureKind.Invalid);
    assert.equal(kind(OdooErrorCode.AUTHENTICATION), FailureKind.Failure);
    assert.equal(kind(OdooErrorCode.TRANSPORT), FailureKind.Failure);
    // a 500 without an Odoo exception (a proxy page), or with one of Odoo's own infrastructure
    assert.equal(kind(OdooErrorCode.SERVER_ERROR), FailureKind.Failure);
    assert.equal(kind(OdooErrorCode.SERVER_ERROR, 'psycopg2.OperationalError'), FailureKind.Failure);
    assert.equal(kind(OdooErrorCode.SERVER_ERROR, 'builtins.MemoryError'), FailureKind.Failure);
    // Odoo answered with the exception this call's records raised
    assert.equal(kind(OdooErrorCode.SERVER_ERROR, 'builtins.KeyError'), FailureKind.CommandFault);
    assert.equal(kind(OdooErrorCode.ACCESS_DENIED, 'odoo.exceptions.AccessError'), FailureKind.CommandFault);
  });

  it('sends a refused call (429/503) again after Retry-After, without failing it', async () => {
    const { sut, calls, limiter } = gateway([
      odooError(OdooErrorCode.RATE_LIMITED, 20),
      () => Promise.resolve(true),
    ]);
    const started = Date.now();
    assert.equal(await sut.action('sale.order', 'action_confirm', [1]), true);
    assert.equal(calls(), 2);
    assert.ok(Date.now() - started >= 19, 'waited for Retry-After');
    assert.equal(limiter.limit, 2, 'the refusal halved the concurrency limit');
    assert.equal(limiter.inFlight, 0);
  });

  it('passes a business refusal through; Odoo counts as healthy', async () => {
    const { sut, breaker } = gateway([odooError(OdooErrorCode.VALIDATION)]);
    for (let i = 0; i < 3; i++)
      await assert.rejects(sut.action('sale.order', 'action_confirm', [1]), OdooError);
    assert.equal(breaker.state, BreakerState.Closed);
  });

  it('counts technical failures against the breaker and throws them', async () => {
    const { sut, breaker } = gateway([odooError(OdooErrorCode.SERVER_ERROR)]);
    await assert.rejects(sut.action('sale.order', 'action_confirm', [1]), /SERVER_ERROR/);
    await assert.rejects(sut.action('sale.order', 'action_confirm', [1]), /SERVER_ERROR/);
    assert.equal(breaker.state, BreakerState.Open);
    breaker.close();
  });

  it('does not blame Odoo for a request conflict or a bad request', async () => {
    const { sut, breaker } = gateway([
      odooError(OdooErrorCode.CONCURRENCY),
      odooError(OdooErrorCode.INVALID_REQUEST),
    ]);
    await assert.rejects(sut.action('m', 'x', [1]));
    await assert.rejects(sut.action('m', 'x', [1]));
    await assert.rejects(sut.action('m', 'x', [1]));
    assert.equal(breaker.state, BreakerState.Closed);
  });

  it("does not open the breaker for a record rule's refusal or a server error one record causes", async () => {
    const { sut, breaker, limiter } = gateway([
      odooError(OdooErrorCode.ACCESS_DENIED, undefined, 'odoo.exceptions.AccessError'),
      odooError(OdooErrorCode.SERVER_ERROR, undefined, 'builtins.KeyError'),
      odooError(OdooErrorCode.ACCESS_DENIED, undefined, 'odoo.exceptions.AccessError'),
    ]);
    for (let i = 0; i < 3; i++)
      await assert.rejects(sut.action('sale.order', 'action_confirm', [7]), OdooError);
    assert.equal(breaker.state, BreakerState.Closed);
    assert.equal(limiter.limit, 4, 'not an overload either');
  });

  it('opens the breaker on an infrastructure 500', async () => {
    const { sut, breaker } = gateway([
      odooError(OdooErrorCode.SERVER_ERROR, undefined, 'psycopg2.OperationalError'),
    ]);
    await assert.rejects(sut.action('sale.order', 'action_confirm', [1]));
    await assert.rejects(sut.action('sale.order', 'action_confirm', [1]));
    assert.equal(breaker.state, BreakerState.Open);
    breaker.close();
  });

  it('blames a timeout of a call of several records on the batch, of one record on Odoo', async () => {
    const batch = gateway([odooError(OdooErrorCode.TIMEOUT)]);
    for (let i = 0; i < 3; i++)
      await assert.rejects(batch.sut.action('sale.order', 'action_confirm', [1, 2]));
    assert.equal(batch.breaker.state, BreakerState.Closed);
    assert.ok(batch.limiter.limit < 4, 'still an overload signal for the limit');
    const single = gateway([odooError(OdooErrorCode.TIMEOUT)]);
    await assert.rejects(single.sut.action('sale.order', 'action_confirm', [1]));
    await assert.rejects(single.sut.action('sale.order', 'action_confirm', [1]));
    assert.equal(single.breaker.state, BreakerState.Open);
    single.breaker.close();
  });

  it('tells splittable failures and outage failures apart', () => {
    const error = (code: OdooErrorCode, odooName?: string) =>
      new OdooError({ code, message: code, odooName });
    assert.ok(isSplittable(error(OdooErrorCode.ACCESS_DENIED), 1));
    assert.ok(isSplittable(error(OdooErrorCode.TIMEOUT), 2));
    assert.ok(!isSplittable(error(OdooErrorCode.TIMEOUT), 1));
    assert.ok(!isSplittable(error(OdooErrorCode.TRANSPORT), 5));
    assert.ok(isOutageFailure(error(OdooErrorCode.TIMEOUT)));
    assert.ok(isOutageFailure(new Error('wrapped', { cause: error(OdooErrorCode.TRANSPORT) })));
    assert.ok(!isOutageFailure(error(OdooErrorCode.SERVER_ERROR, 'builtins.KeyError')));
    assert.ok(!isOutageFailure(new Error('not Odoo')));
  });
});
