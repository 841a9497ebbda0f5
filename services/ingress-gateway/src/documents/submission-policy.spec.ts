import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';

import type { PartnerCatalog, PartnerConfig } from '@tradewind/partner-catalog';
import { DocumentFormat } from '@tradewind/partner-documents';

import { GatewayErrorCode, GatewayException } from '../gateway.exception';
import { repoCatalog } from '../test/gateway-fixtures';
import { authorizeRead, authorizeSubmission, parseContentType } from './submission-policy';

function code(fn: () => unknown): GatewayErrorCode | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    assert.ok(error instanceof GatewayException);
    return error.code;
  }
}

void describe('submission policy (catalog scopes and formats)', () => {
  let catalog: PartnerCatalog;
  const partner = (id: string): PartnerConfig => catalog.partner(id)!;
  before(() => {
    catalog = repoCatalog();
  });

  void it('grants each partner its own document type and formats', () => {
    assert.deepEqual(
      authorizeSubmission(catalog, partner('acme-portal'), 'sales-order', 'application/json'),
      {
        documentType: 'sales-order',
        format: DocumentFormat.Json,
        mediaType: 'application/json',
      },
    );
    assert.equal(
      authorizeSubmission(catalog, partner('market-hub'), 'sales-order', 'text/csv; charset=UTF-8').format,
      DocumentFormat.Csv,
    );
    assert.equal(
      authorizeSubmission(
        catalog,
        partner('globex-edi'),
        'sales-order',
        'application/edi-x12; charset="utf-8"',
      ).format,
      DocumentFormat.X12,
    );
  });

  void it('answers 404 for unknown types, 403 without the scope or the format, 415 for unreadable media types', () => {
    assert.equal(
      code(() => authorizeSubmission(catalog, partner('acme-portal'), 'invoice', 'application/json')),
      GatewayErrorCode.UnknownDocumentType,
    );
    assert.equal(
      code(() => authorizeSubmission(catalog, partner('odoo'), 'sales-order', 'application/json')),
      GatewayErrorCode.ScopeNotGranted,
    );
    assert.equal(
      code(() => authorizeSubmission(catalog, partner('acme-portal'), 'sales-order', 'text/csv')),
      GatewayErrorCode.FormatNotPermitted,
    );
    assert.equal(
      code(() => authorizeSubmission(catalog, partner('globex-edi'), 'sales-order', 'application/json')),
      GatewayErrorCode.FormatNotPermitted,
    );
    assert.equal(
      code(() => authorizeSubmission(catalog, partner('acme-portal'), 'sales-order', 'application/xml')),
      GatewayErrorCode.FormatNotPermitted,
    );
    for (const contentType of [undefined, 'text/plain', 'nonsense', 'application/json; charset=iso-8859-1']) {
      assert.equal(
        code(() => authorizeSubmission(catalog, partner('acme-portal'), 'sales-order', contentType)),
        GatewayErrorCode.UnsupportedMediaType,
        String(contentType),
      );
    }
  });

  void it('takes settlements only from their systems of record: the bank and the payment gateway', () => {
    assert.deepEqual(
      authorizeSubmission(catalog, partner('harbor-bank'), 'bank-statement', 'application/xml'),
      { documentType: 'bank-statement', format: DocumentFormat.Xml, mediaType: 'application/xml' },
    );
    assert.equal(
      authorizeSubmission(catalog, partner('harbor-bank'), 'bank-statement', 'text/csv').format,
      DocumentFormat.Csv,
    );
    assert.equal(
      authorizeSubmission(catalog, partner('swiftpay'), 'gateway-payout', 'application/json').format,
      DocumentFormat.Json,
    );
    assert.equal(
      code(() => authorizeSubmission(catalog, partner('swiftpay'), 'gateway-payout', 'application/xml')),
      GatewayErrorCode.FormatNotPermitted,
    );
    for (const other of ['acme-portal', 'northwind-wms', 'odoo']) {
      assert.equal(
        code(() => authorizeSubmission(catalog, partner(other), 'bank-statement', 'application/xml')),
        GatewayErrorCode.NotSystemOfRecord,
        other,
      );
    }
  });

  void it('lets only partners holding transactions:read:own read transactions', () => {
    assert.equal(
      code(() => authorizeRead(catalog, partner('acme-portal'))),
      undefined,
    );
    assert.equal(
      code(() => authorizeRead(catalog, partner('odoo'))),
      GatewayErrorCode.ScopeNotGranted,
    );
  });

  void it('parses media types with parameters', () => {
    assert.deepEqual(parseContentType('Application/EDI-X12 ; Charset = "US-ASCII"'), {
      mediaType: 'application/edi-x12',
      charset: 'us-ascii',
    });
    assert.equal(parseContentType('json'), undefined);
  });
});
