// config/partners/delivery.yaml: the real file routes the demo partners' acknowledgements, and the rules
// the loader adds to its JSON Schema each refuse what they must, with the file and place.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';

import { loadPartnerCatalog, validateCatalogDir } from './catalog.loader';
import { CatalogProblemCode } from './catalog-problem';
import { documentTypeMatches } from './delivery-channels';
import { type CatalogCopy, copyCatalog, PARTNERS_DIR } from './test/catalog-fixture';

void describe('delivery channels of the real catalog', () => {
  void it('route every acknowledgement the demo partners are owed, with the defaults applied', () => {
    const { delivery } = loadPartnerCatalog(PARTNERS_DIR);
    assert.equal(delivery.endpointFor('acme-portal', 'order-ack')?.channel.kind, 'webhook');
    assert.equal(delivery.endpointFor('market-hub', 'order-ack')?.concurrency, 2);
    assert.equal(delivery.endpointFor('bazaarly', 'order-ack')?.key, 'bazaarly/integrations');
    for (const type of ['x12-997', 'x12-855', 'x12-ta1']) {
      assert.equal(delivery.endpointFor('globex-edi', type)?.key, 'globex-edi/edi-sftp', type);
    }
    const sftp = delivery.endpoint('globex-edi/edi-sftp');
    assert.equal(sftp?.timeoutMs, 30_000);
    assert.deepEqual(sftp?.retry, { maxAttempts: 12, initialDelayMs: 1000, maxDelayMs: 600000 });
    // Not routed: stays available in the transaction API only.
    assert.equal(delivery.endpointFor('acme-portal', 'stock-feed'), undefined);
    assert.equal(delivery.endpointFor('northwind-wms', 'order-ack'), undefined);
  });

  void it('match document types exactly, by prefix or all', () => {
    assert.equal(documentTypeMatches('x12-*', 'x12-856'), true);
    assert.equal(documentTypeMatches('x12-*', 'order-ack'), false);
    assert.equal(documentTypeMatches('*', 'anything'), true);
    assert.equal(documentTypeMatches('order-ack', 'order-ack-v2'), false);
  });
});

void describe('delivery.yaml rules', () => {
  let copy: CatalogCopy;
  beforeEach(() => {
    copy = copyCatalog();
  });
  afterEach(() => copy.cleanup());
  const problems = () => validateCatalogDir(copy.dir).map((p) => [p.code, p.path, p.message]);

  void it('refuses plain http and inline secrets, each with its place', () => {
    copy.edit('delivery.yaml', 'url: https://erp.acme.example', 'url: http://erp.acme.example');
    copy.edit(
      'delivery.yaml',
      "signingSecretRef: 'env:TW_DELIVERY_BAZAARLY_SIGNING_2026_09'",
      'signingSecretRef: s3cr3t-Zq8Lw2Xv9Rt4Yp6Mn1Kb7Hc5Jd0Fg',
    );
    const found = problems();
    const paths = found.map(([code, path]) => `${code} ${path}`);
    assert.ok(
      paths.includes('SCHEMA_VIOLATION /partners/acme-portal/endpoints/0/webhook/url'),
      paths.join('\n'),
    );
    assert.ok(
      paths.includes('INLINE_SECRET /partners/bazaarly/endpoints/0/webhook/signingSecretRef'),
      paths.join('\n'),
    );
  });

  void it('UNKNOWN_DELIVERY_PARTNER and INVALID_DELIVERY_CHANNEL', () => {
    copy.edit('delivery.yaml', '  bazaarly:\n', '  bazaarlyy:\n');
    copy.edit('delivery.yaml', "documentTypes: ['x12-*']", "documentTypes: ['x12-*', x12-997]");
    copy.edit(
      'delivery.yaml',
      "privateKeyRef: 'file:/run/secrets/delivery/globex-edi.ssh-key'",
      "privateKeyRef: 'file:/run/secrets/delivery/globex-edi.ssh-key'\n          passwordRef: 'env:TW_GLOBEX_SFTP_PASSWORD'",
    );
    copy.edit(
      'delivery.yaml',
      'timeoutMs: 30000',
      'timeoutMs: 30000\n        retry: { initialDelayMs: 5000, maxDelayMs: 1000 }',
    );
    assert.deepEqual(
      problems().map(([code, path]) => [code, path]),
      [
        [CatalogProblemCode.UnknownDeliveryPartner, '/partners/bazaarlyy'],
        [CatalogProblemCode.InvalidDeliveryChannel, '/partners/globex-edi/endpoints/0/sftp'],
        [CatalogProblemCode.InvalidDeliveryChannel, '/partners/globex-edi/endpoints/0/retry'],
      ],
    );
  });

  void it('a catalog without delivery.yaml loads and routes nothing', () => {
    copy.remove('delivery.yaml');
    assert.deepEqual(validateCatalogDir(copy.dir), []);
    assert.equal(loadPartnerCatalog(copy.dir).delivery.endpoints.length, 0);
  });
});
