import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { GatewayErrorCode, GatewayException } from '../gateway.exception';
import { checkIdempotencyKey, decideIdempotency, type IdempotencyRecord, requestHash } from './idempotency';

const NOW = new Date('2026-11-28T10:00:00Z');
const LATER = new Date('2026-11-29T10:00:00Z');
const response = {
  status: 202,
  headers: { location: '/v1/transactions/t-1' },
  body: { trackingIds: ['t-1'] },
};
const record = (overrides: Partial<IdempotencyRecord> = {}): IdempotencyRecord => ({
  requestHash: 'h1',
  state: 'completed',
  response,
  expiresAt: LATER,
  ...overrides,
});

void describe('Idempotency-Key decisions', () => {
  void it('proceeds with a new key or an expired one', () => {
    assert.deepEqual(decideIdempotency(undefined, 'h1', NOW), { kind: 'proceed' });
    assert.deepEqual(decideIdempotency(record({ expiresAt: NOW }), 'h2', NOW), { kind: 'proceed' });
  });

  void it('replays the stored response for the same request', () => {
    assert.deepEqual(decideIdempotency(record(), 'h1', NOW), { kind: 'replay', response });
  });

  void it('is a conflict for a different request, even while the first is running', () => {
    assert.deepEqual(decideIdempotency(record(), 'h2', NOW), { kind: 'conflict' });
    assert.deepEqual(decideIdempotency(record({ state: 'in-progress', response: undefined }), 'h2', NOW), {
      kind: 'conflict',
    });
  });

  void it('says "in progress" for the same request while the first is running', () => {
    assert.deepEqual(decideIdempotency(record({ state: 'in-progress', response: undefined }), 'h1', NOW), {
      kind: 'in-progress',
    });
  });

  void it('hashes target, media type and body: any of them changes the request', () => {
    const base = {
      method: 'POST',
      path: '/v1/documents/sales-order',
      mediaType: 'application/json',
      bodySha256: 'b1',
    };
    const h = requestHash(base);
    assert.equal(requestHash({ ...base, method: 'post', mediaType: 'Application/JSON' }), h);
    for (const changed of [
      { path: '/v1/documents/other' },
      { mediaType: 'text/csv' },
      { bodySha256: 'b2' },
    ]) {
      assert.notEqual(requestHash({ ...base, ...changed }), h);
    }
  });

  void it('accepts printable keys up to 255 characters', () => {
    assert.equal(
      checkIdempotencyKey('6c0e0c43-1b8b-4a5e-9f1f-2b0f3a5d7c11'),
      '6c0e0c43-1b8b-4a5e-9f1f-2b0f3a5d7c11',
    );
    for (const bad of ['', ' padded', 'x'.repeat(256), 'tab\there', 'ünïcode']) {
      assert.throws(
        () => checkIdempotencyKey(bad),
        (e: unknown) => e instanceof GatewayException && e.code === GatewayErrorCode.InvalidIdempotencyKey,
        bad,
      );
    }
  });
});
