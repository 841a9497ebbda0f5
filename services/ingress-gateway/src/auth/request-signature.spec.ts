import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { describe, it } from 'node:test';

import { signedHeaders } from '@tradewind/partner-auth';

import { parseTimestamp, verifySignature } from './request-signature';

const KEY = 'tw-test-key-0123456789';
const BODY = '{"poNumber":"PO-1"}';
const PATH = '/v1/documents/sales-order?dryRun=false';

void describe('request signature (gateway side of @tradewind/partner-auth)', () => {
  void it('verifies what clients sign: HMAC-SHA256(key, METHOD\\npath?query\\ntimestamp\\nnonce\\nhex(sha256(body)))', () => {
    const headers = signedHeaders(KEY, {
      method: 'post',
      path: PATH,
      body: BODY,
      timestamp: '2026-11-28T10:00:00Z',
      nonce: 'n0nce-0123456789ab',
    });
    const bodyHash = createHash('sha256').update(BODY).digest('hex');
    const message = `POST\n${PATH}\n2026-11-28T10:00:00Z\nn0nce-0123456789ab\n${bodyHash}`;
    assert.equal(headers['x-signature'], createHmac('sha256', KEY).update(message).digest('hex'));
    const request = {
      method: 'POST',
      path: PATH,
      timestamp: '2026-11-28T10:00:00Z',
      nonce: 'n0nce-0123456789ab',
      body: Buffer.from(BODY),
    };
    assert.ok(verifySignature(KEY, request, headers['x-signature']));
    assert.ok(verifySignature(KEY, request, headers['x-signature'].toUpperCase()));
  });

  void it('refuses another key, every tampered part, and anything but exactly 64 hex digits', () => {
    const request = {
      method: 'POST',
      path: PATH,
      timestamp: '1795860000000',
      nonce: 'abcdefghijklmnop',
      body: BODY,
    };
    const signature = signedHeaders(KEY, request)['x-signature'];
    assert.equal(verifySignature('another-key', request, signature), false);
    for (const tampered of [
      { ...request, method: 'PUT' },
      { ...request, path: '/v1/documents/sales-order' },
      { ...request, timestamp: '1795860000001' },
      { ...request, nonce: 'abcdefghijklmnoq' },
      { ...request, body: `${BODY} ` },
    ]) {
      assert.equal(verifySignature(KEY, tampered, signature), false, JSON.stringify(tampered));
    }
    // Buffer.from(hex) stops at the first non-hex character: trailing junk must not pass.
    for (const malformed of ['', 'zz', signature.slice(2), `${signature}00`, `${signature}zz`]) {
      assert.equal(verifySignature(KEY, request, malformed), false, malformed);
    }
  });

  void it('reads RFC 3339 timestamps with an offset and epoch milliseconds, nothing else', () => {
    assert.equal(parseTimestamp('2026-11-28T10:00:00Z'), Date.UTC(2026, 10, 28, 10));
    assert.equal(parseTimestamp('2026-11-28T11:00:00.250+01:00'), Date.UTC(2026, 10, 28, 10, 0, 0, 250));
    assert.equal(parseTimestamp('1795860000000'), 1795860000000);
    for (const bad of ['2026-11-28', '2026-11-28T10:00:00', 'yesterday', '179586', '17958600000001', '']) {
      assert.equal(parseTimestamp(bad), undefined, bad);
    }
  });
});
