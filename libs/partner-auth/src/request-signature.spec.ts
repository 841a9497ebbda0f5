import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  canonicalRequest,
  sha256Hex,
  signatureMatches,
  signedHeaders,
  signRequest,
} from './request-signature';

const request = {
  method: 'post',
  path: '/v1/documents/sales-order',
  timestamp: '2026-11-28T10:00:00.000Z',
  nonce: 'n1',
  body: '{"a":1}',
};

describe('request signatures', () => {
  it('signs method, path, timestamp, nonce and the body hash', () => {
    assert.equal(
      canonicalRequest(request),
      `POST\n/v1/documents/sales-order\n2026-11-28T10:00:00.000Z\nn1\n${sha256Hex('{"a":1}')}`,
    );
    assert.match(signRequest('key', request), /^[0-9a-f]{64}$/);
  });

  it('detects any change to the signed parts', () => {
    const signature = signRequest('key', request);
    assert.ok(signatureMatches('key', request, signature));
    assert.ok(!signatureMatches('other-key', request, signature));
    assert.ok(!signatureMatches('key', { ...request, body: '{"a":2}' }, signature));
    assert.ok(!signatureMatches('key', { ...request, path: '/v1/documents/other' }, signature));
    assert.ok(!signatureMatches('key', { ...request, nonce: 'n2' }, signature));
    assert.ok(!signatureMatches('key', request, 'zz'));
    assert.ok(!signatureMatches('key', request, `${signature}zz`), 'trailing junk after a valid signature');
  });

  it('builds the headers a client sends', () => {
    const headers = signedHeaders('key', { method: 'POST', path: '/v1/x', body: 'b' });
    assert.equal(headers['x-api-key'], 'key');
    assert.ok(
      signatureMatches(
        'key',
        {
          method: 'POST',
          path: '/v1/x',
          body: 'b',
          timestamp: headers['x-timestamp'],
          nonce: headers['x-nonce'],
        },
        headers['x-signature'],
      ),
    );
  });
});
