import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';

import { loadPartnerCatalog, validateCatalogDir } from './catalog.loader';
import { type CatalogProblem, CatalogProblemCode } from './catalog-problem';
import { PartnerCatalogErrorCode, PartnerCatalogException } from './partner-catalog.exception';
import { type CatalogCopy, copyCatalog, PARTNERS_DIR, SEED_PATH } from './test/catalog-fixture';

/** The 1-based line of the shipped catalog.yaml that first holds `text` (the tests survive added lines). */
const catalogLineOf = (text: string): number =>
  readFileSync(join(PARTNERS_DIR, 'catalog.yaml'), 'utf8')
    .split('\n')
    .findIndex((l) => l.includes(text)) + 1;

const summary = (problems: readonly CatalogProblem[]): string[][] =>
  problems.map((p) => [p.code, p.file.split('/').slice(-2).join('/'), p.path]);

void describe('config/partners (the real catalog)', () => {
  void it('is valid, cross-references included, against the masterdata seed', () => {
    const problems = validateCatalogDir(PARTNERS_DIR, { masterdataSeedPath: SEED_PATH });
    assert.deepEqual(
      problems,
      [],
      problems.map((p) => `${p.file}:${p.line ?? ''} ${p.path} ${p.message}`).join('\n'),
    );
  });

  void it('loads into a frozen catalog with the demo partners', () => {
    const catalog = loadPartnerCatalog(PARTNERS_DIR, { masterdataSeedPath: SEED_PATH });
    assert.deepEqual(
      catalog.partners().map((p) => p.id),
      [
        'acme-portal',
        'market-hub',
        'globex-edi',
        'odoo',
        'bazaarly',
        'northwind-wms',
        'swift-parcel',
        'harbor-3pl',
        'boltworks-supply',
        'cascade-tools',
        'harbor-bank',
        'swiftpay',
      ],
    );
    assert.ok(Object.isFrozen(catalog));
    assert.ok(Object.isFrozen(catalog.partner('acme-portal')?.credentials[0]));
  });
});

void describe('validateCatalogDir rules', () => {
  let copy: CatalogCopy;
  beforeEach(() => {
    copy = copyCatalog();
  });
  afterEach(() => {
    copy.cleanup();
  });
  const validate = (now?: Date): CatalogProblem[] =>
    validateCatalogDir(copy.dir, { masterdataSeedPath: SEED_PATH, ...(now === undefined ? {} : { now }) });

  void it('FILE_MISSING: no catalog.yaml', () => {
    copy.remove('catalog.yaml');
    assert.deepEqual(summary(validate()), [
      [
        CatalogProblemCode.FileMissing,
        'tw-catalog-' + copy.dir.split('tw-catalog-')[1] + '/catalog.yaml',
        '',
      ],
    ]);
  });

  void it('YAML_SYNTAX: with the line of the error', () => {
    copy.edit('catalog.yaml', '    kind: marketplace', '    kind: [marketplace');
    const [p] = validate();
    assert.equal(p.code, CatalogProblemCode.YamlSyntax);
    // The flow sequence opened there is reported where the parser gives up on it (a line or two later).
    const opened = catalogLineOf('    kind: marketplace');
    assert.ok(p.line !== undefined && p.line >= opened && p.line <= opened + 2, `line ${p.line}`);
  });

  void it('SCHEMA_VIOLATION: every violation with its path and line', () => {
    copy.edit(
      'catalog.yaml',
      'rateLimit: { requestsPerSecond: 5, burst: 10 }',
      'rateLimit: { requestsPerSecond: 5, burst: 0 }',
    );
    copy.edit('catalog.yaml', '    name: Globex Retail Corp (X12 EDI)\n', '');
    copy.edit(
      'xref/acme.yaml',
      "  - { partnerItemId: '00012345600012',",
      '  - { partnerItemId: 00012345600012,',
    );
    const problems = validate();
    assert.deepEqual(
      summary(problems).map(([code, , path]) => [code, path]),
      [
        [CatalogProblemCode.SchemaViolation, '/partners/1/rateLimit/burst'],
        [CatalogProblemCode.SchemaViolation, '/partners/2/name'],
        [CatalogProblemCode.SchemaViolation, '/items/5/partnerItemId'],
      ],
    );
    assert.equal(problems[0].message, 'must be >= 1.');
    assert.equal(problems[0].line, catalogLineOf('rateLimit: { requestsPerSecond: 5, burst: 10 }'));
    assert.equal(problems[1].message, '"name" is required.');
  });

  void it('DUPLICATE_PARTNER_ID and DUPLICATE_KEY_ID', () => {
    copy.edit('catalog.yaml', '  - id: market-hub', '  - id: acme-portal');
    copy.edit('catalog.yaml', 'keyId: market-hub-2026-01', 'keyId: acme-portal-2026-12');
    const problems = validate();
    assert.deepEqual(
      problems.map((p) => [p.code, p.path]),
      [
        // delivery.yaml's market-hub section now names no partner.
        [CatalogProblemCode.UnknownDeliveryPartner, '/partners/market-hub'],
        [CatalogProblemCode.DuplicatePartnerId, '/partners/1/id'],
        [CatalogProblemCode.DuplicateKeyId, '/partners/1/credentials/0/keyId'],
      ],
    );
  });

  void it('TOO_MANY_ACTIVE_KEYS: at most two active keys per partner', () => {
    copy.edit('catalog.yaml', '        status: retired', '        status: active');
    copy.edit(
      'catalog.yaml',
      '      - keyId: globex-edi-2025-03',
      "      - keyId: globex-edi-2027-03\n        apiKeyHashRef: 'env:TW_GLOBEX_NEXT'\n        signingSecretRef: 'env:TW_GLOBEX_NEXT_SIGNING'\n        status: active\n        notAfter: '2028-03-31'\n      - keyId: globex-edi-2025-03",
    );
    assert.deepEqual(
      validate().map((p) => [p.code, p.path]),
      [[CatalogProblemCode.TooManyActiveKeys, '/partners/2/credentials']],
    );
  });

  void it('CREDENTIAL_EXPIRED: only when a clock is given, and only for active keys', () => {
    assert.deepEqual(validate(new Date('2026-12-01T00:00:00Z')), []);
    assert.deepEqual(
      validate(new Date('2027-02-01T00:00:00Z')).map((p) => [p.code, p.path]),
      [
        [CatalogProblemCode.CredentialExpired, '/partners/1/credentials/0/notAfter'],
        [CatalogProblemCode.CredentialExpired, '/partners/3/credentials/0/notAfter'],
      ],
    );
  });

  void it('CREDENTIAL_REF_REUSED: a hash and a signing secret never share a reference, nor two keys one', () => {
    copy.edit(
      'catalog.yaml',
      "signingSecretRef: 'file:/run/secrets/partners/market-hub-2026-01.signing'",
      "signingSecretRef: 'file:/run/secrets/partners/market-hub-2026-01'",
    );
    copy.edit(
      'catalog.yaml',
      "apiKeyHashRef: 'env:TW_PARTNER_ACME_PORTAL_KEY_2026_12'",
      "apiKeyHashRef: 'env:TW_PARTNER_ACME_PORTAL_KEY_2026_06'",
    );
    assert.deepEqual(
      validate().map((p) => [p.code, p.path]),
      [
        [CatalogProblemCode.CredentialRefReused, '/partners/0/credentials/1/apiKeyHashRef'],
        [CatalogProblemCode.CredentialRefReused, '/partners/1/credentials/0/signingSecretRef'],
      ],
    );
  });

  void it('INLINE_SECRET: secret-looking values anywhere, in the catalog and in cross-references', () => {
    copy.edit(
      'catalog.yaml',
      'supportHours: Mon-Fri 08:00-18:00 America/Chicago',
      'supportHours: sk_live_4eC39HqLyjWDarjtT1zdp7dc',
    );
    copy.edit('xref/globex.yaml', 'doc: box of 100', 'doc: Zx9qL2vB7nR4tY8wK3mP6sD1fG5hJ0aQ');
    copy.edit('catalog.yaml', 'mappingSet: market-hub', 'mappingSet: market-hub\n    apiKey: hunter2');
    const problems = validate().filter((p) => p.code === CatalogProblemCode.InlineSecret);
    assert.deepEqual(
      summary(problems).map(([, file, path]) => [file.split('/').at(-1), path]),
      [
        ['catalog.yaml', '/partners/0/sla/supportHours'],
        ['catalog.yaml', '/partners/1/apiKey'],
        ['globex.yaml', '/uoms/2/doc'],
      ],
    );
  });

  void it('MAPPING_SET_MISSING, MAPPING_SET_REQUIRED and MAPPING_SET_NAME_MISMATCH', () => {
    copy.edit('catalog.yaml', 'mappingSet: globex', 'mappingSet: globex-v2');
    copy.edit('catalog.yaml', '    mappingSet: acme\n', '');
    copy.edit('xref/market-hub.yaml', 'mappingSet: market-hub', 'mappingSet: markethub');
    assert.deepEqual(
      validate().map((p) => [p.code, p.path]),
      [
        [CatalogProblemCode.MappingSetNameMismatch, '/mappingSet'],
        [CatalogProblemCode.MappingSetRequired, '/partners/0'],
        [CatalogProblemCode.MappingSetMissing, '/partners/2/mappingSet'],
      ],
    );
  });

  void it('SCOPE_WITHOUT_DOCUMENT: a submit scope needs the inbound document type', () => {
    copy.edit(
      'catalog.yaml',
      '      - documents:submit:purchase-order-event\n',
      '      - documents:submit:purchase-order-event\n      - documents:submit:purchase-order\n',
    );
    assert.deepEqual(
      validate().map((p) => [p.code, p.path]),
      [[CatalogProblemCode.ScopeWithoutDocument, '/partners/3/scopes/1']],
    );
  });

  void it('documentPolicy and the X12 envelope rules: defaults, and values the schema refuses', () => {
    const catalog = loadPartnerCatalog(copy.dir, { masterdataSeedPath: SEED_PATH });
    const globex = catalog.partner('globex-edi')!;
    assert.equal(catalog.documentPolicy(globex), 'per-order');
    assert.deepEqual(catalog.x12Versions(globex), ['004010']);
    assert.deepEqual(catalog.duplicateInterchangeRule(globex), {
      windowMs: 30 * 86_400_000,
      answer: 'x12-ta1',
    });

    copy.edit(
      'catalog.yaml',
      '    mappingSet: globex\n',
      '    mappingSet: globex\n    documentPolicy: all-or-nothing\n',
    );
    copy.edit('catalog.yaml', "versions: ['004010']", "versions: ['5010']");
    copy.edit('catalog.yaml', 'answer: x12-ta1', 'answer: ta1');
    assert.deepEqual(
      validate().map((p) => [p.code, p.path]),
      [
        [CatalogProblemCode.SchemaViolation, '/partners/2/documentPolicy'],
        [CatalogProblemCode.SchemaViolation, '/partners/2/x12/versions/0'],
        [CatalogProblemCode.SchemaViolation, '/partners/2/x12/duplicateInterchange/answer'],
      ],
    );
  });

  void it('X12_IDENTITY_REQUIRED and DUPLICATE_X12_IDENTITY', () => {
    copy.edit(
      'catalog.yaml',
      '      - { type: sales-order, direction: inbound, formats: [csv] }',
      '      - { type: sales-order, direction: inbound, formats: [csv, x12] }',
    );
    copy.edit('catalog.yaml', '      id: GLOBEXEDI\n', '      id: TRADEWIND\n');
    assert.deepEqual(
      validate().map((p) => [p.code, p.path]),
      [
        [CatalogProblemCode.X12IdentityRequired, '/partners/1'],
        [CatalogProblemCode.DuplicateX12Identity, '/partners/2/x12'],
      ],
    );
  });

  void it('DUPLICATE_XREF and INVALID_GTIN in a mapping set', () => {
    copy.edit(
      'xref/globex.yaml',
      "partnerItemId: '012345600029', qualifier: gtin, sku: SKU-1002",
      "partnerItemId: '00012345600012', qualifier: gtin, sku: SKU-1001",
    );
    copy.edit('xref/acme.yaml', "partnerItemId: '00012345600036'", "partnerItemId: '00012345600037'");
    copy.edit('xref/market-hub.yaml', '  - { partnerCode: MH-BOLTCO,', '  - { partnerCode: MH-SOUTH,');
    assert.deepEqual(
      summary(validate()).map(([code, file, path]) => [code, file.split('/').at(-1), path]),
      [
        [CatalogProblemCode.InvalidGtin, 'acme.yaml', '/items/7/partnerItemId'],
        [CatalogProblemCode.DuplicateXref, 'globex.yaml', '/items/8/partnerItemId'],
        [CatalogProblemCode.DuplicateXref, 'market-hub.yaml', '/customers/2/partnerCode'],
      ],
    );
  });

  void it('UNKNOWN_MASTERDATA_SKU, UNKNOWN_MASTERDATA_CUSTOMER and MASTERDATA_MISMATCH (with a seed)', () => {
    copy.edit('xref/acme.yaml', 'sku: SKU-2002 }', 'sku: SKU-9999 }');
    copy.edit('xref/acme.yaml', 'customerId: CUST-ACME', 'customerId: CUST-ACMEE');
    copy.edit(
      'xref/globex.yaml',
      'odooExternalId: tradewind.customer_globex',
      'odooExternalId: tradewind.customer_acme',
    );
    copy.edit(
      'xref/market-hub.yaml',
      "partnerItemId: '00012345600227', qualifier: gtin, sku: SKU-3002",
      "partnerItemId: '00012345600227', qualifier: gtin, sku: SKU-3001",
    );
    assert.deepEqual(
      summary(validate()).map(([code, file, path]) => [code, file.split('/').at(-1), path]),
      [
        [CatalogProblemCode.UnknownMasterdataCustomer, 'acme.yaml', '/customers/0/customerId'],
        [CatalogProblemCode.UnknownMasterdataSku, 'acme.yaml', '/items/4/sku'],
        [CatalogProblemCode.MasterdataMismatch, 'globex.yaml', '/customers/0/odooExternalId'],
        [CatalogProblemCode.MasterdataMismatch, 'market-hub.yaml', '/items/6/partnerItemId'],
      ],
    );
    // Without the seed these are not checked.
    assert.deepEqual(validateCatalogDir(copy.dir), []);
  });

  void it('loadPartnerCatalog throws one exception listing every problem, with file and path', () => {
    copy.edit('catalog.yaml', 'priceTolerancePct: 5', 'priceTolerancePct: 500');
    copy.edit('xref/acme.yaml', 'factor: 12', 'factor: -12');
    assert.throws(
      () => loadPartnerCatalog(copy.dir),
      (error: unknown) => {
        assert.ok(error instanceof PartnerCatalogException);
        assert.equal(error.code, PartnerCatalogErrorCode.InvalidCatalog);
        assert.equal(error.problems.length, 2);
        assert.match(
          error.message,
          new RegExp(`${join(copy.dir, 'catalog.yaml')}:\\d+ /partners/1/priceTolerancePct`),
        );
        assert.match(error.message, /xref\/acme\.yaml:\d+ \/uoms\/1\/factor/);
        return true;
      },
    );
  });
});
