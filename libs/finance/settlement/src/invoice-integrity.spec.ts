import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { checkInvoiceIntegrity, IntegrityCheck, type IntegrityInvoice } from './invoice-integrity';

const good: IntegrityInvoice = {
  number: 'INV/2026/00001',
  currency: 'USD',
  customerId: 'CUST-ACME',
  untaxedMinor: 14_043,
  taxMinor: 1_404,
  totalMinor: 15_447,
  lines: [
    {
      lineNumber: 1,
      subtotalMinor: 30,
      totalMinor: 33,
      taxes: [{ name: '10%', amountType: 'percent', rate: '10' }],
    },
    {
      lineNumber: 2,
      subtotalMinor: 20,
      totalMinor: 22,
      taxes: [{ name: '10%', amountType: 'percent', rate: '10' }],
    },
    {
      lineNumber: 3,
      subtotalMinor: 13_993,
      totalMinor: 15_392,
      taxes: [{ name: '10%', amountType: 'percent', rate: '10' }],
    },
  ],
};
const expected = { currency: 'USD', customerIds: new Set(['CUST-ACME']) };

describe('checkInvoiceIntegrity', () => {
  it('passes an invoice whose lines, taxes and total agree (rounded per line)', () => {
    assert.deepEqual(checkInvoiceIntegrity(good, expected), []);
  });

  it('names a tax that is not its rate times its base, and totals that do not add up', () => {
    const bad = {
      ...good,
      taxMinor: 1_504,
      totalMinor: 15_547,
      lines: [good.lines[0], good.lines[1], { ...good.lines[2], totalMinor: 15_492 }],
    };
    const failures = checkInvoiceIntegrity(bad, expected);
    assert.deepEqual(
      failures.map((f) => [f.check, f.where]),
      [[IntegrityCheck.TaxRate, 'line 3']],
    );
    assert.match(failures[0].message, /tax 14\.99 on 139\.93 is not 10% \(13\.99\)/);
    const wrongTotal = checkInvoiceIntegrity({ ...good, totalMinor: 15_448 }, expected);
    assert.equal(wrongTotal[0].check, IntegrityCheck.Totals);
  });

  it('refuses another currency or a customer that is not the partner', () => {
    const failures = checkInvoiceIntegrity({ ...good, currency: 'EUR', customerId: 'CUST-BOLT' }, expected);
    assert.deepEqual(
      failures.map((f) => f.check),
      [IntegrityCheck.Currency, IntegrityCheck.Partner],
    );
  });
});
