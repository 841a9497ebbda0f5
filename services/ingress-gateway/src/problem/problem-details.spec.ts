import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { BadRequestException, NotFoundException } from '@nestjs/common';

import { GatewayErrorCode, GatewayException } from '../gateway.exception';
import { fromHttpException } from './problem.filter';
import { PROBLEM_TYPE_BASE, problemType, renderProblem, requestInstance } from './problem-details';

void describe('problem+json (RFC 9457)', () => {
  void it('renders type, title, status, detail, instance, the code, errors and extensions', () => {
    const error = new GatewayException(GatewayErrorCode.InvalidDocument, '1 problem found', {
      errors: [
        {
          code: 'INVALID_NUMBER',
          detail: 'PO102 must be a number',
          location: 'segment 9 (PO1), element 02, byte offset 250',
          segment: 9,
          segmentTag: 'PO1',
          element: 2,
          byteOffset: 250,
          orderIndex: 1,
          businessRef: 'PO-2',
        },
      ],
      extensions: { batchId: 'b-1' },
    });
    const body = renderProblem(error, requestInstance('req-1'));
    assert.deepEqual(body, {
      batchId: 'b-1',
      type: `${PROBLEM_TYPE_BASE}invalid-document`,
      title: 'The document has problems; nothing was accepted',
      status: 422,
      detail: '1 problem found',
      instance: 'urn:tradewind:request:req-1',
      code: 'INVALID_DOCUMENT',
      errors: error.errors,
    });
    const limited = renderProblem(
      new GatewayException(GatewayErrorCode.RateLimited, 'slow down', { retryAfterSeconds: 2 }),
      'i',
    );
    assert.equal(limited.status, 429);
    assert.equal(limited.retryAfterSeconds, 2);
    assert.equal('errors' in limited, false);
  });

  void it('gives every code a distinct type; only our own failures are 5xx', () => {
    const slugs = new Set<string>();
    for (const code of Object.values(GatewayErrorCode)) {
      const type = problemType(code);
      assert.ok(!slugs.has(type.slug), type.slug);
      slugs.add(type.slug);
      const ours =
        code === GatewayErrorCode.Internal ||
        code === GatewayErrorCode.PublishUnavailable ||
        code === GatewayErrorCode.PublishOutcomeUnknown ||
        code === GatewayErrorCode.DependencyUnavailable;
      assert.equal(type.status >= 500, ours, code);
      assert.equal(type.outcome === 'error', ours, code);
    }
  });

  void it("turns Nest's own HTTP errors into gateway problems", () => {
    assert.equal(fromHttpException(new NotFoundException()).code, GatewayErrorCode.RouteNotFound);
    assert.equal(fromHttpException(new BadRequestException('bad')).code, GatewayErrorCode.InvalidRequest);
  });
});
