import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { createLogger } from '@tradewind/observability';
import { type OdooClient, OdooError, OdooErrorCode } from '@tradewind/odoo-client';

import { FaultInjector } from '../fault-injector';
import { odooWriterMetrics } from '../odoo-writer.metrics';
import { AdaptiveConcurrencyLimiter } from '../resilience/adaptive-limiter';
import { BreakerState, CircuitBreaker } from '../resilience/circuit-breaker';
import { FailureKind, failureKindOf, OdooGateway } from './odoo-gateway';

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

const odooError = (code: OdooErrorCode, retryAfterMs?: number) => () =>
  Promise.reject(new OdooError({ code, message: code, retryAfterMs }));

describe('OdooGateway', () => {
  it('classifies every Odoo error code', () => {
    assert.equal(failureKindOf(OdooErrorCode.VALIDATION), FailureKind.Business);
    assert.equal(failureKindOf(OdooErrorCode.MISSING_RECORD), FailureKind.Business);
    assert.equal(failureKindOf(OdooErrorCode.RATE_LIMITED), FailureKind.Refused);
    assert.equal(failureKindOf(OdooErrorCode.UNAVAILABLE), FailureKind.Refused);
    assert.equal(failureKindOf(OdooErrorCode.TIMEOUT), FailureKind.Timeout);
    assert.equal(failureKindOf(OdooErrorCode.CONCURRENCY), FailureKind.Conflict);
    assert.equal(failureKindOf(OdooErrorCode.SERVER_ERROR), FailureKind.Failure);
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
});
