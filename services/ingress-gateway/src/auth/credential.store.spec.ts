import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';

import { sha256Hex } from '@tradewind/partner-auth';
import type { PartnerCatalog } from '@tradewind/partner-catalog';

import { repoCatalog, TEST_KEYS, testCredentialSources } from '../test/gateway-fixtures';
import { CredentialStore, parseKeyHash } from './credential.store';

void describe('CredentialStore', () => {
  let catalog: PartnerCatalog;
  before(() => {
    catalog = repoCatalog();
  });

  void it('resolves env: and file: references to key hashes and finds the key by its hash', () => {
    const store = CredentialStore.fromCatalog(catalog, testCredentialSources());
    assert.deepEqual(store.unresolved, []);
    for (const [keyId, key] of Object.entries(TEST_KEYS)) {
      assert.equal(store.findByApiKey(key)?.credential.keyId, keyId);
    }
    assert.equal(store.findByApiKey('tw-test-acme-2026-06-1a2b3c4d5e6f7080'), undefined);
    assert.equal(store.findByApiKey(''), undefined);
  });

  void it('never matches the stored hash itself: a leaked store cannot be presented as a key', () => {
    const store = CredentialStore.fromCatalog(catalog, testCredentialSources());
    assert.equal(store.findByApiKey(sha256Hex(TEST_KEYS['acme-portal-2026-06'])), undefined);
  });

  void it('lists references it cannot resolve, and which of them would be usable now', () => {
    const { secretsRoot } = testCredentialSources();
    const store = CredentialStore.fromCatalog(catalog, {
      env: { TW_PARTNER_ACME_PORTAL_KEY_2026_06: 'not-a-hash' },
      secretsRoot: `${secretsRoot}/elsewhere`,
    });
    const byKey = new Map(store.unresolved.map((u) => [u.keyId, u.reason]));
    assert.match(byKey.get('acme-portal-2026-06') ?? '', /not a hex SHA-256/);
    assert.match(byKey.get('acme-portal-2025-07') ?? '', /TW_PARTNER_ACME_PORTAL_KEY_2025_07 is not set/);
    assert.match(byKey.get('market-hub-2026-01') ?? '', /ENOENT/);
    const usable = store
      .missingUsable(new Date('2026-11-28T00:00:00Z'))
      .map((u) => u.keyId)
      .sort();
    // The expired acme key and the retired globex key are not worth a warning.
    assert.deepEqual(usable, [
      'acme-portal-2026-06',
      'bazaarly-2026-09',
      'globex-edi-2026-03',
      'market-hub-2026-01',
      'odoo-webhook-2026-01',
    ]);
  });

  void it('reads hashes as hex, optionally prefixed sha256:', () => {
    const hex = 'AB'.repeat(32);
    assert.deepEqual(parseKeyHash(hex), Buffer.from(hex, 'hex'));
    assert.deepEqual(parseKeyHash(` sha256:${hex}\n`), Buffer.from(hex, 'hex'));
    assert.equal(parseKeyHash('ab'.repeat(31)), undefined);
    assert.equal(parseKeyHash('the-raw-api-key'), undefined);
  });
});
