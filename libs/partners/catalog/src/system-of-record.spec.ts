import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';

import { StockDocumentType } from '@tradewind/partner-documents';
import fc from 'fast-check';

import { loadPartnerCatalog, validateCatalogDir } from './catalog.loader';
import { type AllocationRule, DataDomain, PLATFORM_SYSTEM_OF_RECORD } from './catalog.types';
import { type CatalogProblem, CatalogProblemCode } from './catalog-problem';
import { allocateToChannel, dataDomainOfDocument, STOCK_FEED_DOCUMENT_TYPE } from './system-of-record';
import { type CatalogCopy, copyCatalog, PARTNERS_DIR, SEED_PATH } from './test/catalog-fixture';

const summary = (problems: readonly CatalogProblem[]): string[][] => problems.map((p) => [p.code, p.path]);

void describe('systems of record in the real catalog', () => {
  const catalog = loadPartnerCatalog(PARTNERS_DIR, { masterdataSeedPath: SEED_PATH });

  void it('states an owner per data domain: the WMS for stock on hand, Odoo for master data', () => {
    assert.equal(catalog.systemOfRecord(DataDomain.StockOnHand), 'northwind-wms');
    assert.equal(catalog.systemOfRecord(DataDomain.Products), 'odoo');
    assert.equal(catalog.systemOfRecord(DataDomain.Customers), 'odoo');
    assert.equal(catalog.systemOfRecord(DataDomain.Prices), 'odoo');
    assert.equal(catalog.systemOfRecord(DataDomain.StockReservations), PLATFORM_SYSTEM_OF_RECORD);
    assert.ok(catalog.isSystemOfRecord('northwind-wms', DataDomain.StockOnHand));
    assert.ok(!catalog.isSystemOfRecord('odoo', DataDomain.StockOnHand));
  });

  void it('names the owner a non-owner would overrule, and nothing for the owner or other documents', () => {
    assert.deepEqual(catalog.ownershipViolation('acme-portal', StockDocumentType.StockEvent), {
      domain: DataDomain.StockOnHand,
      owner: 'northwind-wms',
    });
    assert.equal(catalog.ownershipViolation('northwind-wms', StockDocumentType.StockSnapshot), undefined);
    assert.equal(catalog.ownershipViolation('acme-portal', 'sales-order'), undefined);
    assert.equal(dataDomainOfDocument('toString'), undefined);
  });

  void it('gives the WMS its stock scopes and every channel an allocation rule', () => {
    assert.ok(catalog.hasScope('northwind-wms', 'documents:submit:stock-event'));
    assert.ok(catalog.hasScope('northwind-wms', 'documents:submit:stock-snapshot'));
    assert.ok(catalog.allowsDocument('northwind-wms', 'stock-snapshot', 'inbound', 'csv'));
    assert.deepEqual(
      catalog.channelPartners().map((p) => p.id),
      ['acme-portal', 'market-hub', 'bazaarly'],
    );
    assert.deepEqual(catalog.allocationRule('market-hub'), {
      percentOfAvailable: 50,
      safetyBuffer: 20,
      min: 5,
      max: 1000,
      zeroBelow: 25,
      warehouses: ['MAIN'],
    });
    assert.equal(catalog.allocationRule('northwind-wms'), undefined);
  });
});

void describe('system-of-record and allocation rules of validateCatalogDir', () => {
  let copy: CatalogCopy;
  beforeEach(() => {
    copy = copyCatalog();
  });
  afterEach(() => {
    copy.cleanup();
  });
  const validate = (): CatalogProblem[] => validateCatalogDir(copy.dir, { masterdataSeedPath: SEED_PATH });

  void it('UNKNOWN_SYSTEM_OF_RECORD: an owner must be a partner or tradewind; every domain has one', () => {
    copy.edit('catalog.yaml', '  products: odoo', '  products: sap');
    copy.edit('catalog.yaml', '  prices: odoo\n', '');
    assert.deepEqual(summary(validate()), [[CatalogProblemCode.SchemaViolation, '/systemsOfRecord/prices']]);
    copy.edit('catalog.yaml', '  customers: odoo', '  customers: odoo\n  prices: odoo');
    assert.deepEqual(summary(validate()), [
      [CatalogProblemCode.UnknownSystemOfRecord, '/systemsOfRecord/products'],
    ]);
  });

  void it('NOT_SYSTEM_OF_RECORD: a submit scope for stock only for the owner of stock on hand', () => {
    copy.edit(
      'catalog.yaml',
      '      - { type: sales-order, direction: inbound, formats: [json] }',
      '      - { type: sales-order, direction: inbound, formats: [json] }\n      - { type: stock-event, direction: inbound, formats: [json] }',
    );
    copy.edit(
      'catalog.yaml',
      '      - documents:submit:sales-order',
      '      - documents:submit:sales-order\n      - documents:submit:stock-event',
    );
    const problems = validate();
    assert.deepEqual(summary(problems), [[CatalogProblemCode.NotSystemOfRecord, '/partners/0/scopes/1']]);
    assert.match(problems[0].message, /stock-on-hand, whose system of record is northwind-wms/);
  });

  void it('INVALID_ALLOCATION_RULE: a stock feed needs a rule, a rule needs a feed, min <= max', () => {
    copy.edit('catalog.yaml', '    allocation: { percentOfAvailable: 90, max: 5000, zeroBelow: 10 }\n', '');
    copy.edit('catalog.yaml', '      - { type: stock-feed, direction: outbound, formats: [csv] }\n', '');
    copy.edit(
      'catalog.yaml',
      'safetyBuffer: 20, min: 5, max: 1000',
      'safetyBuffer: 20, min: 2000, max: 1000',
    );
    assert.deepEqual(summary(validate()), [
      [CatalogProblemCode.InvalidAllocationRule, '/partners/0'],
      [CatalogProblemCode.InvalidAllocationRule, '/partners/1/allocation/min'],
      [CatalogProblemCode.InvalidAllocationRule, '/partners/4/allocation'],
    ]);
  });

  void it('allocation values the schema refuses, and UNKNOWN_MASTERDATA_WAREHOUSE', () => {
    copy.edit('catalog.yaml', 'percentOfAvailable: 90', 'percentOfAvailable: 90.5');
    copy.edit('catalog.yaml', 'percentOfAvailable: 30', 'percentOfAvailable: 130');
    assert.deepEqual(summary(validate()), [
      [CatalogProblemCode.SchemaViolation, '/partners/0/allocation/percentOfAvailable'],
      [CatalogProblemCode.SchemaViolation, '/partners/4/allocation/percentOfAvailable'],
    ]);
    copy.edit('catalog.yaml', 'percentOfAvailable: 90.5', 'percentOfAvailable: 90');
    copy.edit('catalog.yaml', 'percentOfAvailable: 130', 'percentOfAvailable: 30');
    copy.edit('catalog.yaml', 'warehouses: [MAIN]', 'warehouses: [MAIN, WEST]');
    assert.deepEqual(summary(validate()), [
      [CatalogProblemCode.UnknownMasterdataWarehouse, '/partners/1/allocation/warehouses/1'],
    ]);
  });
});

void describe('allocateToChannel', () => {
  const marketHub: AllocationRule = {
    percentOfAvailable: 50,
    safetyBuffer: 20,
    min: 5,
    max: 1000,
    zeroBelow: 25,
  };

  void it('applies threshold, buffer, percentage rounded down, min and max in that order', () => {
    const cases: [number, number][] = [
      [0, 0],
      [24, 0], // below zeroBelow
      [25, 5], // 25 - 20 = 5 left; 50% is 2; min raises it to 5
      [26, 5], // 6 left, 3 → min 5
      [33, 6], // 13 left, 6.5 rounds down to 6
      [41, 10], // 21 left, 10.5 → 10
      [5000, 1000], // capped by max
    ];
    for (const [available, offered] of cases)
      assert.equal(allocateToChannel(marketHub, available), offered, `available ${available}`);
  });

  void it('never raises to min beyond what is left after the buffer', () => {
    assert.equal(allocateToChannel({ percentOfAvailable: 10, safetyBuffer: 8, min: 5 }, 10), 2);
    assert.equal(allocateToChannel({ percentOfAvailable: 100 }, 7.9), 7);
    assert.equal(allocateToChannel({ percentOfAvailable: 100 }, -3), 0);
  });

  void it('offers whole units between 0 and what is available, never more as stock falls', () => {
    const rule = fc.record({
      percentOfAvailable: fc.integer({ min: 0, max: 100 }),
      safetyBuffer: fc.option(fc.integer({ min: 0, max: 1000 }), { nil: undefined }),
      zeroBelow: fc.option(fc.integer({ min: 0, max: 1000 }), { nil: undefined }),
      min: fc.option(fc.integer({ min: 0, max: 1000 }), { nil: undefined }),
      max: fc.option(fc.integer({ min: 1000, max: 100_000 }), { nil: undefined }),
    });
    fc.assert(
      fc.property(
        rule,
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: 0, max: 1000 }),
        (r, a, d) => {
          const offered = allocateToChannel(r, a);
          assert.ok(Number.isInteger(offered) && offered >= 0 && offered <= a);
          if (r.max !== undefined) assert.ok(offered <= r.max);
          assert.ok(allocateToChannel(r, Math.max(0, a - d)) <= offered, 'monotone');
        },
      ),
      { seed: 20261201, numRuns: 2000 },
    );
  });
});

void it('names the outbound document type of channel feeds', () => {
  assert.equal(STOCK_FEED_DOCUMENT_TYPE, 'stock-feed');
});
