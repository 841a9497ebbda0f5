import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';

import type { PartnerCatalog } from '@tradewind/partner-catalog';

import { newExchange } from '../exchange/exchange';
import { GatewayErrorCode, GatewayException } from '../gateway.exception';
import { InMemoryRateLimiter } from '../limits/rate-limiter';
import { repoCatalog, signRequest, testCredentialSources, type TestKeyId } from '../test/gateway-fixtures';
import { CredentialStore } from './credential.store';
import { InMemoryNonceStore } from './nonce.store';
import { type AuthenticationRequest, RequestAuthenticator } from './request-authenticator';

const NOW = Date.parse('2026-11-28T10:00:00Z');
const PATH = '/v1/documents/sales-order';
const BODY = Buffer.from('{"poNumber":"PO-1"}');

function harness(options: { now?: number; skewMs?: number } = {}) {
  let now = options.now ?? NOW;
  const nonces = new InMemoryNonceStore(() => now);
  const rateLimiter = new InMemoryRateLimiter(() => now);
  const sut = new RequestAuthenticator({
    credentials: CredentialStore.fromCatalog(catalog, testCredentialSources()),
    nonces,
    rateLimiter,
    clockSkewMs: options.skewMs ?? 300_000,
    nonceTtlMs: 2 * (options.skewMs ?? 300_000),
    maxBodyBytes: 10_485_760,
    now: () => now,
  });
  return { sut, nonces, advance: (ms: number) => (now += ms) };
}

let catalog: PartnerCatalog;

function request(headers: Record<string, string>, body: Buffer = BODY, path = PATH): AuthenticationRequest {
  return {
    method: 'POST',
    pathWithQuery: path,
    headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])),
    readBody: (limit, policy) => {
      if (body.length > limit) {
        return Promise.reject(
          new GatewayException(GatewayErrorCode.PayloadTooLarge, 'too large', { policy }),
        );
      }
      return Promise.resolve(body);
    },
  };
}

const signed = (keyId: TestKeyId, extra: { timestamp?: string; nonce?: string; body?: Buffer } = {}) =>
  signRequest({
    keyId,
    method: 'POST',
    pathWithQuery: PATH,
    body: extra.body ?? BODY,
    timestamp: extra.timestamp ?? new Date(NOW).toISOString(),
    ...(extra.nonce === undefined ? {} : { nonce: extra.nonce }),
  });

async function refusal(promise: Promise<unknown>): Promise<GatewayErrorCode> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof GatewayException, String(error));
    return error.code;
  }
  assert.fail('expected a refusal');
}

void describe('RequestAuthenticator', () => {
  before(() => {
    catalog = repoCatalog();
  });

  void it('accepts a signed request and names the partner and key on the exchange', async () => {
    const { sut } = harness();
    const exchange = newExchange('r', 'a');
    const call = await sut.authenticate(request(signed('acme-portal-2026-06')), exchange);
    assert.equal(call.partner.id, 'acme-portal');
    assert.equal(call.credential.keyId, 'acme-portal-2026-06');
    assert.deepEqual(call.body, BODY);
    assert.deepEqual(
      { partner: exchange.partnerId, principal: exchange.principal, size: exchange.sizeBytes },
      { partner: 'acme-portal', principal: 'acme-portal-2026-06', size: BODY.length },
    );
  });

  void it('rotation on a fixed clock: both active keys work, the old one stops after its notAfter, a retired one never works', async () => {
    // acme-portal rotates from 2026-06 (last day 2027-06-30) to 2026-12; globex-edi-2025-03 is retired.
    const at = async (iso: string, keyId: TestKeyId): Promise<string | GatewayErrorCode> => {
      const { sut } = harness({ now: Date.parse(iso) });
      try {
        const call = await sut.authenticate(
          request(signed(keyId, { timestamp: iso })),
          newExchange('r', 'a'),
        );
        return call.credential.keyId;
      } catch (error) {
        assert.ok(error instanceof GatewayException, String(error));
        return error.code;
      }
    };
    for (const iso of ['2026-12-15T09:00:00Z', '2027-06-30T23:59:00Z']) {
      assert.equal(await at(iso, 'acme-portal-2026-06'), 'acme-portal-2026-06', iso);
      assert.equal(await at(iso, 'acme-portal-2026-12'), 'acme-portal-2026-12', iso);
    }
    assert.equal(
      await at('2027-07-01T00:00:00Z', 'acme-portal-2026-06'),
      GatewayErrorCode.CredentialInactive,
    );
    assert.equal(await at('2027-07-01T00:00:00Z', 'acme-portal-2026-12'), 'acme-portal-2026-12');
    for (const iso of ['2026-01-15T09:00:00Z', '2026-12-15T09:00:00Z']) {
      assert.equal(
        await at(iso, 'globex-edi-2025-03'),
        GatewayErrorCode.CredentialInactive,
        `retired, ${iso}`,
      );
      assert.equal(await at(iso, 'globex-edi-2026-03'), 'globex-edi-2026-03', iso);
    }
  });

  void it('refuses missing headers, unknown keys and wrong signatures', async () => {
    const { sut } = harness();
    const headers = signed('acme-portal-2026-06');
    const without = { ...headers } as Record<string, string>;
    delete without['x-nonce'];
    assert.equal(
      await refusal(sut.authenticate(request(without), newExchange('r', 'a'))),
      GatewayErrorCode.MissingCredentials,
    );
    const withoutKeyId = { ...headers } as Record<string, string>;
    delete withoutKeyId['x-key-id'];
    assert.equal(
      await refusal(sut.authenticate(request(withoutKeyId), newExchange('r', 'a'))),
      GatewayErrorCode.MissingCredentials,
    );
    const wrongs: Record<string, string>[] = [
      { 'x-api-key': 'not-a-key' },
      { 'x-key-id': 'acme-portal-2026-12' }, // another key's id with this key's API key
      { 'x-key-id': 'nobody-2026-01' },
    ];
    for (const wrong of wrongs) {
      const exchange = newExchange('r', 'a');
      assert.equal(
        await refusal(sut.authenticate(request({ ...headers, ...wrong }), exchange)),
        GatewayErrorCode.UnknownApiKey,
        JSON.stringify(wrong),
      );
      assert.equal(exchange.partnerId, undefined, 'not authenticated: the refusal is anonymous');
    }
    // The API key seen on the wire, used as the signing key: refused.
    const apiKeySigned = signRequest({
      keyId: 'acme-portal-2026-06',
      credentials: { signingSecret: 'tw-test-acme-2026-06-1a2b3c4d5e6f7081' },
      method: 'POST',
      pathWithQuery: PATH,
      body: BODY,
      timestamp: new Date(NOW).toISOString(),
    });
    assert.equal(
      await refusal(sut.authenticate(request(apiKeySigned), newExchange('r', 'a'))),
      GatewayErrorCode.InvalidSignature,
    );
    assert.equal(
      await refusal(
        sut.authenticate(request(headers, Buffer.from('{"poNumber":"PO-2"}')), newExchange('r', 'a')),
      ),
      GatewayErrorCode.InvalidSignature,
    );
    assert.equal(
      await refusal(sut.authenticate(request(headers, BODY, `${PATH}?x=1`), newExchange('r', 'a'))),
      GatewayErrorCode.InvalidSignature,
    );
  });

  void it('accepts timestamps inside the window either way and refuses those outside it', async () => {
    const { sut } = harness({ skewMs: 300_000 });
    for (const offset of [-299_000, 299_000]) {
      await sut.authenticate(
        request(signed('acme-portal-2026-06', { timestamp: String(NOW + offset) })),
        newExchange('r', 'a'),
      );
    }
    for (const offset of [-301_000, 301_000]) {
      assert.equal(
        await refusal(
          sut.authenticate(
            request(signed('acme-portal-2026-06', { timestamp: String(NOW + offset) })),
            newExchange('r', 'a'),
          ),
        ),
        GatewayErrorCode.StaleTimestamp,
      );
    }
    assert.equal(
      await refusal(
        sut.authenticate(
          request(signed('acme-portal-2026-06', { timestamp: 'noon' })),
          newExchange('r', 'a'),
        ),
      ),
      GatewayErrorCode.InvalidTimestamp,
    );
  });

  void it('refuses a replayed nonce for as long as its timestamp could pass the window', async () => {
    const { sut, advance } = harness({ skewMs: 300_000 });
    const headers = signed('acme-portal-2026-06', {
      nonce: 'nonce-replay-0000001',
      timestamp: String(NOW + 299_000),
    });
    await sut.authenticate(request(headers), newExchange('r', 'a'));
    assert.equal(
      await refusal(sut.authenticate(request(headers), newExchange('r', 'a'))),
      GatewayErrorCode.ReplayedNonce,
    );
    advance(598_000); // the timestamp is still within the window (it was 299 s ahead)
    assert.equal(
      await refusal(sut.authenticate(request(headers), newExchange('r', 'a'))),
      GatewayErrorCode.ReplayedNonce,
    );
    advance(2_000);
    assert.equal(
      await refusal(sut.authenticate(request(headers), newExchange('r', 'a'))),
      GatewayErrorCode.StaleTimestamp,
    );
  });

  void it('does not burn a nonce on a request whose signature fails, and keeps nonces per partner', async () => {
    const { sut } = harness();
    const nonce = 'nonce-not-burnt-001';
    const good = signed('acme-portal-2026-06', { nonce });
    await refusal(
      sut.authenticate(request({ ...good, 'x-signature': '0'.repeat(64) }), newExchange('r', 'a')),
    );
    await sut.authenticate(request(good), newExchange('r', 'a'));
    await sut.authenticate(
      request(
        signRequest({
          keyId: 'market-hub-2026-01',
          method: 'POST',
          pathWithQuery: PATH,
          body: BODY,
          timestamp: new Date(NOW).toISOString(),
          nonce,
        }),
      ),
      newExchange('r', 'a'),
    );
    assert.equal(
      await refusal(
        sut.authenticate(request(signed('acme-portal-2026-06', { nonce: 'short' })), newExchange('r', 'a')),
      ),
      GatewayErrorCode.InvalidNonce,
    );
  });

  void it("rate-limits by the partner's bucket and refuses bodies over the partner's maxBodyBytes", async () => {
    const { sut } = harness();
    // globex-edi: burst 5 at 2 requests per second.
    for (let i = 0; i < 5; i++) {
      await sut.authenticate(request(signed('globex-edi-2026-03')), newExchange('r', 'a'));
    }
    try {
      await sut.authenticate(request(signed('globex-edi-2026-03')), newExchange('r', 'a'));
      assert.fail('expected 429');
    } catch (error) {
      assert.ok(error instanceof GatewayException);
      assert.equal(error.code, GatewayErrorCode.RateLimited);
      assert.equal(error.retryAfterSeconds, 1);
    }
    const big = Buffer.alloc(1_048_577, 0x20); // acme-portal: 1 MiB
    assert.equal(
      await refusal(
        sut.authenticate(request(signed('acme-portal-2026-06', { body: big }), big), newExchange('r', 'a')),
      ),
      GatewayErrorCode.PayloadTooLarge,
    );
  });

  void it('refuses a nonce TTL shorter than twice the window at construction', () => {
    assert.throws(
      () =>
        new RequestAuthenticator({
          credentials: CredentialStore.fromCatalog(catalog, testCredentialSources()),
          nonces: new InMemoryNonceStore(),
          rateLimiter: new InMemoryRateLimiter(),
          clockSkewMs: 300_000,
          nonceTtlMs: 300_000,
          maxBodyBytes: 1024,
        }),
      RangeError,
    );
  });
});
