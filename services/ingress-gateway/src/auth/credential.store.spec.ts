import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';

import { sha256Hex, signRequest } from '@tradewind/partner-auth';
import type { PartnerCatalog } from '@tradewind/partner-catalog';

import { repoCatalog, TEST_KEYS, testCredentialSources, type TestKeyId } from '../test/gateway-fixtures';
import { CredentialStore, parseKeyHash, parseSigningSecret } from './credential.store';

const request = (keyId: string) => ({
  keyId,
  method: 'POST',
  path: '/v1/documents/sales-order',
  timestamp: '2026-11-28T10:00:00Z',
  nonce: 'nonce-0123456789abcdef',
  body: '{}',
});

void describe('CredentialStore', () => {
  let catalog: PartnerCatalog;
  before(() => {
    catalog = repoCatalog();
  });

  void it('resolves env: and file: references and finds a key by its id and API key', () => {
    const store = CredentialStore.fromCatalog(catalog, testCredentialSources());
    assert.deepEqual(store.unresolved, []);
    for (const [keyId, key] of Object.entries(TEST_KEYS)) {
      const match = store.find(keyId, key.apiKey);
      assert.equal(match?.credential.keyId, keyId);
      assert.ok(match);
      assert.ok(
        store.signatureMatches(match, request(keyId), signRequest(key.signingSecret, request(keyId))),
      );
    }
    assert.equal(store.find('acme-portal-2026-06', TEST_KEYS['acme-portal-2026-12'].apiKey), undefined);
    assert.equal(store.find('acme-portal-2026-06', ''), undefined);
    assert.equal(store.find('nobody-2026-01', TEST_KEYS['acme-portal-2026-06'].apiKey), undefined);
  });

  void it('a leaked store neither authenticates nor signs; a seen API key does not sign', () => {
    const store = CredentialStore.fromCatalog(catalog, testCredentialSources());
    const keyId: TestKeyId = 'acme-portal-2026-06';
    const key = TEST_KEYS[keyId];
    // The stored hash presented as the API key (what a leaked hash store offers).
    assert.equal(store.find(keyId, sha256Hex(key.apiKey)), undefined);
    // The signing secret presented as the API key (what a leaked secret store offers).
    assert.equal(store.find(keyId, key.signingSecret), undefined);
    const match = store.find(keyId, key.apiKey);
    assert.ok(match);
    // Everything that travels in a request (key id, API key), or the stored hash, as the HMAC key.
    for (const wrong of [
      key.apiKey,
      sha256Hex(key.apiKey),
      keyId,
      TEST_KEYS['acme-portal-2026-12'].signingSecret,
    ]) {
      assert.equal(store.signatureMatches(match, request(keyId), signRequest(wrong, request(keyId))), false);
    }
    // A signature made for another key id does not pass under this one.
    const other = request('acme-portal-2026-12');
    assert.equal(store.signatureMatches(match, other, signRequest(key.signingSecret, other)), false);
  });

  void it('lists references it cannot resolve, and which of them would be usable now', () => {
    const { env, secretsRoot } = testCredentialSources();
    const store = CredentialStore.fromCatalog(catalog, {
      env: {
        ...env,
        TW_PARTNER_ACME_PORTAL_KEY_2026_06: 'not-a-hash',
        TW_ODOO_WEBHOOK_SIGNING_SECRET: 'short',
      },
      secretsRoot: `${secretsRoot}/elsewhere`,
    });
    const reasons = new Map(store.unresolved.map((u) => [`${u.keyId} ${u.field}`, u.reason]));
    assert.match(reasons.get('acme-portal-2026-06 apiKeyHashRef') ?? '', /not a hex SHA-256/);
    assert.match(reasons.get('acme-portal-2026-06 signingSecretRef') ?? '', /ENOENT/);
    assert.match(reasons.get('market-hub-2026-01 apiKeyHashRef') ?? '', /ENOENT/);
    assert.match(reasons.get('odoo-webhook-2026-01 signingSecretRef') ?? '', /shorter than 32/);
    assert.equal(store.find('acme-portal-2026-06', TEST_KEYS['acme-portal-2026-06'].apiKey), undefined);
    const usable = [...new Set(store.missingUsable(new Date('2026-11-28T00:00:00Z')).map((u) => u.keyId))];
    // The retired globex key is not worth a warning.
    assert.deepEqual(usable.sort(), [
      'acme-portal-2026-06',
      'acme-portal-2026-12',
      'globex-edi-2026-03',
      'market-hub-2026-01',
      'odoo-webhook-2026-01',
    ]);
    const missingEnv = CredentialStore.fromCatalog(catalog, { env: {}, secretsRoot });
    assert.match(
      missingEnv.unresolved.find((u) => u.keyId === 'acme-portal-2026-12' && u.field === 'apiKeyHashRef')
        ?.reason ?? '',
      /TW_PARTNER_ACME_PORTAL_KEY_2026_12 is not set/,
    );
  });

  void it('reads hashes as hex, optionally prefixed sha256:, and signing secrets of 32 characters or more', () => {
    const hex = 'AB'.repeat(32);
    assert.deepEqual(parseKeyHash(hex), Buffer.from(hex, 'hex'));
    assert.deepEqual(parseKeyHash(` sha256:${hex}\n`), Buffer.from(hex, 'hex'));
    assert.equal(parseKeyHash('ab'.repeat(31)), undefined);
    assert.equal(parseKeyHash('the-raw-api-key'), undefined);
    assert.deepEqual(parseSigningSecret(`${'s'.repeat(32)}\n`), { secret: 's'.repeat(32) });
    assert.ok('reason' in parseSigningSecret('s'.repeat(31)));
  });
});
