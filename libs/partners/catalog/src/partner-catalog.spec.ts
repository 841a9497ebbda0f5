import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { DocumentFormat, ItemIdQualifier } from '@tradewind/partner-documents';

import { loadPartnerCatalog } from './catalog.loader';
import { PartnerStatus } from './catalog.types';
import { copyCatalog, PARTNERS_DIR } from './test/catalog-fixture';

const catalog = loadPartnerCatalog(PARTNERS_DIR);

void describe('PartnerCatalog lookups', () => {
  void it('finds partners, their credentials by key id and EDI partners by ISA sender', () => {
    assert.equal(catalog.partner('market-hub')?.rateLimit.burst, 10);
    assert.equal(catalog.partner('nobody'), undefined);
    assert.equal(catalog.credential('globex-edi-2026-03')?.partner.id, 'globex-edi');
    assert.equal(catalog.partnerByX12Sender('ZZ', 'GLOBEXEDI      ')?.id, 'globex-edi');
    assert.equal(catalog.partnerByX12Sender('01', 'GLOBEXEDI'), undefined);
    assert.deepEqual(catalog.companyX12(), { qualifier: 'ZZ', id: 'TRADEWIND', applicationId: 'TRADEWIND' });
  });

  void it('answers scopes and document permissions', () => {
    assert.equal(catalog.hasScope('acme-portal', 'documents:submit:sales-order'), true);
    assert.equal(catalog.hasScope('acme-portal', 'documents:submit:invoice'), false);
    assert.equal(catalog.hasScope('odoo', 'documents:submit:sales-order'), false);
    assert.equal(catalog.allowsDocument('globex-edi', 'sales-order', 'inbound', DocumentFormat.X12), true);
    assert.equal(catalog.allowsDocument('globex-edi', 'sales-order', 'inbound', DocumentFormat.Json), false);
  });

  void it('grants no scope to a suspended partner', () => {
    const copy = copyCatalog();
    try {
      copy.edit(
        'catalog.yaml',
        '    kind: marketplace\n    status: active',
        '    kind: marketplace\n    status: suspended',
      );
      const suspended = loadPartnerCatalog(copy.dir);
      assert.equal(suspended.partner('market-hub')?.status, PartnerStatus.Suspended);
      assert.equal(suspended.hasScope('market-hub', 'documents:submit:sales-order'), false);
    } finally {
      copy.cleanup();
    }
  });

  void it('lists the credentials usable at a time: active and not past notAfter', () => {
    const keys = (at: string): string[] =>
      catalog.activeCredentials('acme-portal', new Date(at)).map((c) => c.keyId);
    assert.deepEqual(keys('2027-06-30T23:00:00Z'), ['acme-portal-2026-06', 'acme-portal-2026-12']);
    assert.deepEqual(keys('2027-07-01T00:00:00Z'), ['acme-portal-2026-12']);
    assert.deepEqual(
      catalog.activeCredentials('globex-edi', new Date('2026-01-01')).map((c) => c.keyId),
      ['globex-edi-2026-03'],
    );
  });

  void it('resolves customer codes to canonical ids and Odoo external ids', () => {
    assert.deepEqual(catalog.resolveCustomer('market-hub', 'MH-SOUTH'), {
      customerId: 'CUST-MKT-2',
      odooExternalId: 'tradewind.customer_market_2',
    });
    assert.equal(catalog.resolveCustomer('market-hub', 'MH-WEST'), undefined);
    assert.equal(catalog.resolveCustomer('acme', 'MH-SOUTH'), undefined);
  });

  void it('resolves items by qualifier, or in partner-sku, vendor-sku, gtin order; GTIN-12 and -14 alike', () => {
    assert.equal(catalog.resolveItem('globex', 'GX-99001')?.sku, 'SKU-4001');
    assert.equal(catalog.resolveItem('globex', 'SKU-2001', ItemIdQualifier.VendorSku)?.sku, 'SKU-2001');
    assert.equal(catalog.resolveItem('globex', 'SKU-2001', ItemIdQualifier.PartnerSku), undefined);
    assert.equal(catalog.resolveItem('globex', '00012345600012', ItemIdQualifier.Gtin)?.sku, 'SKU-1001');
    assert.equal(catalog.resolveItem('acme', '012345600111', ItemIdQualifier.Gtin)?.sku, 'SKU-2001');
    assert.equal(catalog.resolveItem('acme', 'AC-UNKNOWN'), undefined);
    assert.equal(catalog.resolveItem('nope', 'AC-BOLT-M8'), undefined);
    assert.deepEqual(catalog.resolveItem('market-hub', 'MH-100101-12PK'), {
      sku: 'SKU-1001',
      uomFactor: 12,
      qualifier: ItemIdQualifier.PartnerSku,
      partnerItemId: 'MH-100101-12PK',
    });
  });

  void it('converts quantities to Units: set conversions, item pack factors and item overrides', () => {
    assert.deepEqual(catalog.convertQuantity('globex', 3, 'CA'), { quantity: 36, uom: 'Units', factor: 12 });
    assert.deepEqual(catalog.convertQuantity('globex', 7, 'EA'), { quantity: 7, uom: 'Units', factor: 1 });
    assert.equal(catalog.convertQuantity('globex', 1, 'PL'), undefined);
    const pack = catalog.resolveItem('market-hub', 'MH-100101-12PK');
    assert.deepEqual(catalog.convertQuantity('market-hub', 2, 'CA', pack), {
      quantity: 288,
      uom: 'Units',
      factor: 144,
    });

    const copy = copyCatalog();
    try {
      copy.edit(
        'xref/globex.yaml',
        '{ partnerItemId: SKU-2001, qualifier: vendor-sku, sku: SKU-2001 }',
        '{ partnerItemId: SKU-2001, qualifier: vendor-sku, sku: SKU-2001, uoms: [{ code: CA, factor: 4 }] }',
      );
      const overridden = loadPartnerCatalog(copy.dir);
      const drill = overridden.resolveItem('globex', 'SKU-2001', ItemIdQualifier.VendorSku);
      assert.equal(overridden.convertQuantity('globex', 2, 'CA', drill)?.quantity, 8);
      assert.equal(
        overridden.convertQuantity('globex', 2, 'CA', overridden.resolveItem('globex', 'SKU-1001'))?.quantity,
        24,
      );
    } finally {
      copy.cleanup();
    }
  });

  void it('is frozen all the way down', () => {
    const partner = catalog.partner('acme-portal');
    assert.ok(partner !== undefined);
    assert.throws(() => {
      (partner.scopes as string[]).push('documents:submit:everything');
    }, TypeError);
    assert.throws(() => {
      (partner.rateLimit as { burst: number }).burst = 1000;
    }, TypeError);
  });
});
