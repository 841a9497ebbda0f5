// The bank CSV statement and the gateway payout JSON: balances checked, money exact, problems located.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { parseBankStatementCsv } from './bank-statement-csv.parser';
import { DocumentProblemCode } from './document-problem';
import { parseGatewayPayoutJson } from './gateway-payout-json.parser';

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

const CSV = `statement_id,record_type,booking_date,amount,currency,counterparty_name,counterparty_account,reference,bank_reference
S-11,opening,2026-11-01,500.00,USD,,,,
S-11,entry,2026-11-03,110.00,USD,Acme Retail Inc,GB33BUKB20201555555555,INV/2026/00001,BK-1
S-11,entry,2026-11-04,-9.99,USD,Office Supplies,,,BK-2
S-11,closing,2026-11-30,600.01,USD,,,,
`;

describe('parseBankStatementCsv', () => {
  it('reads the entries, signed, and checks opening + entries = closing', () => {
    const parsed = parseBankStatementCsv(utf8(CSV));
    assert.ok(parsed.ok, JSON.stringify(!parsed.ok && parsed.problems));
    assert.deepEqual(
      parsed.document.entries.map((e) => [e.entryId, e.amountMinor, e.references]),
      [
        ['BK-1', 11_000, ['INV/2026/00001']],
        ['BK-2', -999, []],
      ],
    );
    const wrong = parseBankStatementCsv(utf8(CSV.replace('600.01', '600.00')));
    assert.equal(!wrong.ok && wrong.problems[0].code, DocumentProblemCode.BalanceMismatch);
  });

  it('names the cell of a bad amount or a duplicate reference', () => {
    const bad = parseBankStatementCsv(utf8(CSV.replace('110.00', '110.001')));
    assert.ok(!bad.ok);
    assert.equal(bad.problems[0].location, 'line 3, column 4 (amount)');
    const dup = parseBankStatementCsv(utf8(CSV.replace('BK-2', 'BK-1')));
    assert.equal(!dup.ok && dup.problems[0].code, DocumentProblemCode.DuplicateEntry);
  });
});

const payout = (overrides: Record<string, unknown> = {}) =>
  utf8(
    JSON.stringify({
      payoutId: 'po_1',
      currency: 'USD',
      arrivalDate: '2026-11-30',
      amount: '61.80',
      transactions: [
        {
          id: 'ch_1',
          type: 'charge',
          amount: '100.00',
          fee: '3.20',
          reference: 'INV/2026/00001',
          customer: 'Acme',
        },
        { id: 're_1', type: 'refund', amount: '-20.00', reference: 'RINV/2026/00002' },
        { id: 'fe_1', type: 'fee', amount: '-15.00', description: 'monthly fee' },
      ],
      ...overrides,
    }),
  );

describe('parseGatewayPayoutJson', () => {
  it('nets charges, refunds and fees to the payout; a charge carries its fee', () => {
    const parsed = parseGatewayPayoutJson(payout());
    assert.ok(parsed.ok, JSON.stringify(!parsed.ok && parsed.problems));
    assert.deepEqual(
      parsed.document.entries.map((e) => [e.entryId, e.kind, e.amountMinor, e.feeMinor]),
      [
        ['ch_1', 'payment', 9_680, 320],
        ['re_1', 'refund', -2_000, 0],
        ['fe_1', 'fee', -1_500, 0],
      ],
    );
    const wrong = parseGatewayPayoutJson(payout({ amount: '61.81' }));
    assert.equal(!wrong.ok && wrong.problems[0].code, DocumentProblemCode.BalanceMismatch);
  });

  it('refuses JSON numbers for money, with the pointer', () => {
    const parsed = parseGatewayPayoutJson(payout({ amount: 61.8 }));
    assert.ok(!parsed.ok);
    assert.equal(parsed.problems[0].location, '/amount');
    assert.match(parsed.problems[0].message, /never a JSON number/);
  });
});
