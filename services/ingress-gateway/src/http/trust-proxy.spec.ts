import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { ConfigException, loadConfig } from '@tradewind/config';

import { gatewayConfig } from '../gateway.config';
import { parseTrustProxy } from './trust-proxy';

void describe('GATEWAY_TRUST_PROXY', () => {
  void it('takes false, a hop count, or proxy addresses and ranges', () => {
    assert.equal(parseTrustProxy('false'), false);
    assert.equal(parseTrustProxy('0'), false);
    assert.equal(parseTrustProxy('1'), 1);
    assert.equal(parseTrustProxy(' 2 '), 2);
    assert.deepEqual(parseTrustProxy('10.0.0.0/8, loopback,192.168.1.7, fd00::/8'), [
      '10.0.0.0/8',
      'loopback',
      '192.168.1.7',
      'fd00::/8',
    ]);
  });

  void it('refuses to trust every hop, and anything that is not a count or an address', () => {
    for (const bad of [
      'true',
      'yes',
      '11',
      '10.0.0.0/33',
      '300.1.1.1',
      'proxy.internal',
      'fd00::/129',
      ',',
    ]) {
      assert.throws(() => parseTrustProxy(bad), Error, bad);
    }
    assert.throws(
      () => loadConfig(gatewayConfig, { GATEWAY_TRUST_PROXY: 'true' }),
      (error: unknown) =>
        error instanceof ConfigException &&
        error.lines.some((line) =>
          /^GATEWAY_TRUST_PROXY: "true" would trust every X-Forwarded-For hop/.test(line),
        ),
    );
    assert.equal(loadConfig(gatewayConfig, {}).values.gateway.trustProxy, false);
  });
});
