import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';

import {
  canonicalRequest,
  sha256Hex,
  signatureMatches,
  signedHeaders,
  signedWebhookHeaders,
  signRequest,
  verifyWebhookSignature,
} from './request-signature';

const SECRET = 'signing-secret-0123456789abcdef0123';
const request = {
  keyId: 'acme-portal-2026-06',
  method: 'post',
  path: '/v1/documents/sales-order',
  timestamp: '2026-11-28T10:00:00.000Z',
  nonce: 'n1',
  body: '{"a":1}',
};

describe('request signatures (TW1-HMAC-SHA256)', () => {
  it('signs the scheme, key id, method, path, timestamp, nonce and the body hash', () => {
    const message = `TW1-HMAC-SHA256\nacme-portal-2026-06\nPOST\n/v1/documents/sales-order\n2026-11-28T10:00:00.000Z\nn1\n${sha256Hex('{"a":1}')}`;
    assert.equal(canonicalRequest(request), message);
    assert.equal(signRequest(SECRET, request), createHmac('sha256', SECRET).update(message).digest('hex'));
  });

  it('detects any change to the signed parts, and another secret', () => {
    const signature = signRequest(SECRET, request);
    assert.ok(signatureMatches(SECRET, request, signature));
    assert.ok(signatureMatches(SECRET, request, signature.toUpperCase()));
    assert.ok(!signatureMatches('another-signing-secret-0123456789ab', request, signature));
    for (const tampered of [
      { keyId: 'acme-portal-2025-07' },
      { method: 'PUT' },
      { path: '/v1/documents/other' },
      { timestamp: '2026-11-28T10:00:01.000Z' },
      { nonce: 'n2' },
      { body: '{"a":2}' },
    ]) {
      assert.ok(!signatureMatches(SECRET, { ...request, ...tampered }, signature), JSON.stringify(tampered));
    }
    for (const malformed of ['', 'zz', signature.slice(2), `${signature}00`, `${signature}zz`]) {
      assert.ok(!signatureMatches(SECRET, request, malformed), malformed);
    }
  });

  it('builds the headers a client sends: key id and API key travel, the signing secret does not', () => {
    const credentials = { keyId: 'k-1', apiKey: 'the-api-key', signingSecret: SECRET };
    const headers = signedHeaders(credentials, { method: 'POST', path: '/v1/x', body: 'b' });
    assert.equal(headers['x-key-id'], 'k-1');
    assert.equal(headers['x-api-key'], 'the-api-key');
    assert.ok(!Object.values(headers).some((v) => v.includes(SECRET)));
    assert.ok(
      signatureMatches(
        SECRET,
        {
          keyId: 'k-1',
          method: 'POST',
          path: '/v1/x',
          body: 'b',
          timestamp: headers['x-timestamp'],
          nonce: headers['x-nonce'],
        },
        headers['x-signature'],
      ),
    );
    // The API key alone (what an observer of the traffic has) does not sign.
    assert.notEqual(
      headers['x-signature'],
      signRequest('the-api-key', {
        keyId: 'k-1',
        method: 'POST',
        path: '/v1/x',
        body: 'b',
        timestamp: headers['x-timestamp'],
        nonce: headers['x-nonce'],
      }),
    );
  });
});

describe('webhooks we send (TW1-HMAC-SHA256 without an API key)', () => {
  const signer = { keyId: 'tradewind-acme-portal-2026-12', signingSecret: SECRET };
  const now = new Date('2026-11-28T10:00:30.000Z');
  const sent = { method: 'POST', path: '/hooks/tradewind?x=1', body: '{"ack":1}' };
  const headers = signedWebhookHeaders(signer, {
    ...sent,
    timestamp: '2026-11-28T10:00:00.000Z',
    nonce: 'n2',
  });

  it('sign the same canonical request as partner requests, and send no API key', () => {
    assert.equal(headers['x-api-key'], undefined);
    assert.equal(
      headers['x-signature'],
      signRequest(SECRET, {
        ...sent,
        keyId: signer.keyId,
        timestamp: '2026-11-28T10:00:00.000Z',
        nonce: 'n2',
      }),
    );
    assert.equal(verifyWebhookSignature(signer, headers, sent, { now }), true);
  });

  it('fail verification for another body, path, key id, secret or a stale timestamp', () => {
    assert.equal(verifyWebhookSignature(signer, headers, { ...sent, body: '{"ack":2}' }, { now }), false);
    assert.equal(
      verifyWebhookSignature(signer, headers, { ...sent, path: '/hooks/tradewind' }, { now }),
      false,
    );
    assert.equal(verifyWebhookSignature({ ...signer, keyId: 'other-key' }, headers, sent, { now }), false);
    assert.equal(
      verifyWebhookSignature({ ...signer, signingSecret: `${SECRET}x` }, headers, sent, { now }),
      false,
    );
    assert.equal(
      verifyWebhookSignature(signer, headers, sent, { now: new Date('2026-11-28T10:06:00.000Z') }),
      false,
    );
  });
});
