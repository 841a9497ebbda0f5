import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { NONCE_PATTERN, parseTimestamp } from './request-signature';

void describe('signed header checks (the scheme itself is tested in @tradewind/partner-auth)', () => {
  void it('reads RFC 3339 timestamps with an offset and epoch milliseconds, nothing else', () => {
    assert.equal(parseTimestamp('2026-11-28T10:00:00Z'), Date.UTC(2026, 10, 28, 10));
    assert.equal(parseTimestamp('2026-11-28T11:00:00.250+01:00'), Date.UTC(2026, 10, 28, 10, 0, 0, 250));
    assert.equal(parseTimestamp('1795860000000'), 1795860000000);
    for (const bad of ['2026-11-28', '2026-11-28T10:00:00', 'yesterday', '179586', '17958600000001', '']) {
      assert.equal(parseTimestamp(bad), undefined, bad);
    }
  });

  void it('takes nonces of 16 to 128 URL-safe characters', () => {
    assert.ok(NONCE_PATTERN.test('abcdefghijklmnop'));
    assert.ok(NONCE_PATTERN.test('a'.repeat(128)));
    for (const bad of ['short', 'a'.repeat(129), 'with space 012345', 'nul\u0000-0123456789ab']) {
      assert.ok(!NONCE_PATTERN.test(bad), bad);
    }
  });
});
