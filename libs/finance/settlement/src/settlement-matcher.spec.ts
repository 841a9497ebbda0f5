// The matching rules one by one, and the indexed matcher deciding as the naive scan does.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import fc from 'fast-check';

import {
  MatchRule,
  NaiveSettlementMatcher,
  type OpenInvoice,
  type SettlementLine,
  SettlementMatcher,
} from './settlement-matcher';

const invoice = (
  n: number,
  residual: number,
  partner = 'Acme Retail Inc',
  overrides: Partial<OpenInvoice> = {},
): OpenInvoice => ({
  odooId: n,
  name: `INV/2026/${String(n).padStart(5, '0')}`,
  partnerId: partner.length,
  partnerName: partner,
  currency: 'USD',
  moveType: 'out_invoice',
  residualMinor: residual,
  totalMinor: residual,
  dueDate: `2026-11-${String(10 + (n % 18)).padStart(2, '0')}`,
  ...overrides,
});

const line = (
  amount: number,
  references: string[] = [],
  overrides: Partial<SettlementLine> = {},
): SettlementLine => ({
  entryId: `E-${amount}-${references.join()}`,
  amountMinor: amount,
  feeMinor: 0,
  currency: 'USD',
  references,
  ...overrides,
});

describe('SettlementMatcher', () => {
  const book = () =>
    new SettlementMatcher([
      invoice(1, 11_000),
      invoice(2, 5_000),
      invoice(3, 5_000),
      invoice(4, 7_700, 'Bolt & Co Builders'),
    ]);

  it('by reference, whatever the payer did to the number: full, with confidence 1', () => {
    const decision = book().match(line(11_000, ['Payment inv 2026-00001 thanks']));
    assert.equal(decision.kind, 'matched');
    assert.ok(decision.kind === 'matched');
    assert.deepEqual([decision.rule, decision.confidence, decision.partial], [MatchRule.Reference, 1, false]);
    assert.deepEqual(
      decision.allocations.map((a) => [a.invoice.odooId, a.amountMinor]),
      [[1, 11_000]],
    );
  });

  it('one payment for several invoices; a partial leaves the rest open and is remembered', () => {
    const matcher = book();
    const several = matcher.match(line(10_000, ['INV/2026/00002 INV/2026/00003']));
    assert.ok(several.kind === 'matched' && several.rule === MatchRule.ReferenceSeveral);
    assert.equal(several.allocations.length, 2);
    const partial = matcher.match(line(4_000, ['INV/2026/00001']));
    assert.ok(partial.kind === 'matched' && partial.rule === MatchRule.ReferencePartial && partial.partial);
    assert.equal(matcher.residualOf(invoice(1, 11_000)), 7_000);
    const again = matcher.match(line(5_000, ['INV/2026/00002']));
    assert.equal(again.kind, 'ambiguous');
    assert.match(again.kind === 'ambiguous' ? again.reason : '', /already paid/);
  });

  it('amount + partner without a reference; ambiguous when two invoices fit; unmatched with candidates', () => {
    const matcher = book();
    const byPartner = matcher.match(line(7_700, [], { counterpartyName: 'BOLT AND CO BUILDERS' }));
    assert.ok(
      byPartner.kind === 'matched' && byPartner.rule === MatchRule.AmountPartner && byPartner.confidence < 1,
    );
    const two = matcher.match(line(5_000, [], { counterpartyName: 'Acme Retail' }));
    assert.equal(two.kind, 'ambiguous');
    assert.deepEqual(two.kind === 'ambiguous' && two.candidates.map((c) => c.odooId), [2, 3]);
    const none = matcher.match(line(1_234, ['thanks'], { counterpartyName: 'Acme Retail' }));
    assert.equal(none.kind, 'unmatched');
    assert.equal(none.kind === 'unmatched' && none.candidates.length, 3);
  });

  it('a gateway charge pays the invoice gross and writes the fee off; overpayment is ambiguous', () => {
    const decision = book().match(line(10_680, ['INV/2026/00001'], { feeMinor: 320 }));
    assert.ok(decision.kind === 'matched');
    assert.deepEqual([decision.paidMinor, decision.writeoffMinor, decision.partial], [10_680, 320, false]);
    assert.equal(book().match(line(12_000, ['INV/2026/00001'])).kind, 'ambiguous');
  });

  it('a refund (money out) matches a credit note, never an invoice', () => {
    const matcher = new SettlementMatcher([
      invoice(1, 2_000),
      invoice(9, 2_000, 'Acme Retail Inc', { name: 'RINV/2026/00009', moveType: 'out_refund' }),
    ]);
    const decision = matcher.match(line(-2_000, ['RINV/2026/00009']));
    assert.ok(decision.kind === 'matched' && decision.allocations[0].invoice.odooId === 9);
    assert.equal(matcher.match(line(-2_000, ['INV/2026/00001'])).kind, 'unmatched');
  });

  it('decides every line as the naive scan does (property, fixed seed)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.integer({ min: 1, max: 30 }),
            fc.integer({ min: 1, max: 5_000 }),
            fc.boolean(),
            fc.boolean(),
          ),
          {
            maxLength: 40,
          },
        ),
        (lines) => {
          const invoices = Array.from({ length: 30 }, (_, i) =>
            invoice(i + 1, 1_000 + (i % 7) * 500, `Customer ${i % 4}`),
          );
          const fast = new SettlementMatcher(invoices);
          const naive = new NaiveSettlementMatcher(invoices);
          for (const [n, amount, withRef, withName] of lines) {
            const l = line(
              amount,
              withRef ? [`INV/2026/${String(n).padStart(5, '0')}`] : [],
              withName ? { counterpartyName: `customer ${n % 4}` } : {},
            );
            assert.deepEqual(fast.match(l), naive.match(l));
          }
        },
      ),
      { seed: 12, numRuns: 300 },
    );
  });
});
