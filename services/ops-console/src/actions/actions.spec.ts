import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import { loadPartnerCatalog } from '@tradewind/partner-catalog';
import { DocumentFormat, parseSalesOrders, type PartnerSalesOrder } from '@tradewind/partner-documents';

import { ConsoleRole } from '../auth/console-user';
import { ConsoleAction, decide } from './console-policy';
import { correctSalesOrder, editableFields } from './sales-order.correction';

const root = join(__dirname, '../../../..');
const catalog = loadPartnerCatalog(join(root, 'config/partners'));

const bea = { id: 'bea', name: 'Bea', roles: [ConsoleRole.Business], workflows: ['order', 'invoice'] };
const otto = { id: 'otto', name: 'Otto', roles: [ConsoleRole.Business], workflows: ['shipment'] };
const eli = { id: 'eli', name: 'Eli', roles: [ConsoleRole.Engineer], workflows: ['*'] };
const ada = { id: 'ada', name: 'Ada', roles: [ConsoleRole.Auditor], workflows: [] };
const order = { kind: 'business', workflow: 'order', documentType: 'sales-order' };
const invoice = { kind: 'business', workflow: 'invoice', documentType: 'invoice' };
const deadLetter = { kind: 'dead_letter', workflow: 'technical', documentType: null };

describe('console policy', () => {
  it('lets a business user act on their workflows only, with four-eyes on money', () => {
    assert.equal(decide(bea, ConsoleAction.Correct, order).allowed, true);
    assert.equal(decide(bea, ConsoleAction.Discard, order).fourEyes, false);
    assert.equal(decide(bea, ConsoleAction.Discard, invoice).fourEyes, true);
    assert.equal(decide(otto, ConsoleAction.Discard, order).allowed, false);
    assert.equal(decide(bea, ConsoleAction.Redrive, deadLetter).allowed, false);
    assert.equal(decide(bea, ConsoleAction.Discard, deadLetter).allowed, false);
  });

  it('gives the technical queue to engineers and nothing to auditors', () => {
    assert.equal(decide(eli, ConsoleAction.Redrive, deadLetter).allowed, true);
    assert.equal(decide(eli, ConsoleAction.Redrive, order).allowed, false);
    assert.equal(decide(eli, ConsoleAction.Correct, order).allowed, false);
    for (const action of Object.values(ConsoleAction)) {
      for (const subject of [order, invoice, deadLetter]) {
        assert.deepEqual(decide(ada, action, subject), {
          allowed: false,
          fourEyes: false,
          policy: 'auditor: read only',
        });
      }
    }
  });
});

describe('correcting a sales order', () => {
  const text = readFileSync(
    join(root, 'config/partners/examples/acme-portal.sales-order.json'),
    'utf8',
  ).replace('"AC-BOLT-M8"', '"AC-DOES-NOT-EXIST"');
  const parsed = parseSalesOrders(DocumentFormat.Json, Buffer.from(text), catalog.layoutOf('acme-portal'));
  // As the console holds it: the JSON of the ops.exceptions record.
  const original = JSON.parse(JSON.stringify(parsed.orders[0])) as PartnerSalesOrder;

  it('offers the canonical fields for editing', () => {
    const fields = editableFields(original);
    assert.deepEqual(
      fields.slice(0, 3).map((f) => [f.field, f.value]),
      [
        ['customerCode', 'ACME-001'],
        ['currency', 'USD'],
        ['lines.0.item', 'AC-DOES-NOT-EXIST'],
      ],
    );
  });

  it("judges the correction by intake's mapping and shows the diff", () => {
    const unchanged = correctSalesOrder(original, {}, 'acme-portal', catalog);
    assert.deepEqual(unchanged.changes, []);
    assert.deepEqual(
      unchanged.problems.map((p) => p.code),
      ['UNKNOWN_SKU'],
    );

    const fixed = correctSalesOrder(original, { 'lines.0.item': 'AC-BOLT-M8' }, 'acme-portal', catalog);
    assert.deepEqual(fixed.problems, []);
    assert.deepEqual(fixed.changes, [
      { field: 'lines.0.item', before: 'AC-DOES-NOT-EXIST', after: 'AC-BOLT-M8' },
    ]);
    assert.equal(fixed.order.lines[0].itemIds[0].value, 'AC-BOLT-M8');
  });

  it("refuses what intake's field rules refuse, with the location", () => {
    const bad = correctSalesOrder(
      original,
      { 'lines.0.item': 'AC-BOLT-M8', 'lines.1.quantity': 'two', currency: 'usd' },
      'acme-portal',
      catalog,
    );
    assert.deepEqual(
      bad.problems.map((p) => [p.code, p.location]),
      [['INVALID_NUMBER', 'lines.1.quantity']],
    );
    const currency = correctSalesOrder(
      original,
      { 'lines.0.item': 'AC-BOLT-M8', currency: 'dollars' },
      'acme-portal',
      catalog,
    );
    assert.ok(currency.problems.length > 0, 'a currency that is no ISO 4217 code is refused');
  });
});
