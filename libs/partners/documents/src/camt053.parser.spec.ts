// camt.053 in: a statement read into settlement entries, its balances checked, and hostile XML refused
// with its location before any parser expands or recurses into it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import fc from 'fast-check';

import { buildCamt053 } from './camt053.builder';
import { parseCamt053 } from './camt053.parser';
import { DocumentProblemCode } from './document-problem';
import { SETTLEMENT_LIMITS } from './settlement-document';

const statement = (overrides: Partial<Parameters<typeof buildCamt053>[0]> = {}): string =>
  buildCamt053({
    statementId: 'STMT-2026-11',
    opening: '1000.00',
    entries: [
      {
        bankRef: 'B-1',
        amount: '110.00',
        debtorName: 'Acme Retail Inc',
        debtorIban: 'GB33BUKB20201555555555',
        remittance: ['INV/2026/00001'],
        endToEndId: 'E2E-1',
      },
      { bankRef: 'B-2', amount: '0.10', creditorRef: 'RF18539007547034', debtorName: 'Bolt & Co Builders' },
      { bankRef: 'B-3', amount: '25.50', credit: false, remittance: ['bank charges'] },
    ],
    ...overrides,
  });

function problemsOf(text: string) {
  const parsed = parseCamt053(text);
  assert.equal(parsed.ok, false, 'expected a refusal');
  return parsed.ok ? [] : parsed.problems;
}

describe('parseCamt053', () => {
  it('reads entries with their references, parties and signed minor units (.02 and .08)', () => {
    for (const version of ['02', '08'] as const) {
      const parsed = parseCamt053(statement({ version }));
      assert.ok(parsed.ok, JSON.stringify(!parsed.ok && parsed.problems));
      const { document } = parsed;
      assert.deepEqual(
        [document.documentId, document.currency, document.openingMinor, document.closingMinor],
        ['STMT-2026-11', 'USD', 100_000, 108_460],
      );
      assert.deepEqual(
        document.entries.map((e) => [e.entryId, e.amountMinor, e.counterpartyName, e.references]),
        [
          ['B-1', 11_000, 'Acme Retail Inc', ['E2E-1', 'INV/2026/00001']],
          ['B-2', 10, 'Bolt & Co Builders', ['RF18539007547034']],
          ['B-3', -2_550, undefined, ['bank charges']],
        ],
      );
      assert.equal(document.entries[0].counterpartyAccount, 'GB33BUKB20201555555555');
      assert.equal(
        document.entries[0].at.kind === 'xml' && document.entries[0].at.path,
        '/Document/BkToCstmrStmt/Stmt[1]/Ntry[1]',
      );
    }
  });

  it('refuses a statement whose opening balance plus entries is not its closing balance', () => {
    const [p] = problemsOf(statement({ closing: '1084.61' }));
    assert.equal(p.code, DocumentProblemCode.BalanceMismatch);
    assert.match(
      p.message,
      /1000\.00 \+ booked entries 84\.60 = 1084\.60, but the closing balance is 1084\.61/,
    );
  });

  it('refuses an amount with more decimals than the currency, naming the element', () => {
    const text = statement().replace('>0.10<', '>0.105<');
    const problems = problemsOf(text);
    assert.equal(problems[0].code, DocumentProblemCode.InvalidAmount);
    assert.equal(problems[0].location, '/Document/BkToCstmrStmt/Stmt[1]/Ntry[2]/Amt');
  });

  it('refuses a duplicate bank reference and another message type', () => {
    const dup = problemsOf(statement().replace('<AcctSvcrRef>B-2<', '<AcctSvcrRef>B-1<'));
    assert.equal(dup[0].code, DocumentProblemCode.DuplicateEntry);
    const other = problemsOf(statement().replace('camt.053.001.02', 'camt.054.001.02'));
    assert.equal(other[0].code, DocumentProblemCode.XmlUnexpectedMessage);
  });

  it('refuses entity declarations without expanding them (billion laughs, external entity)', () => {
    const laughs =
      '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>\n<Document>&lol2;</Document>';
    const [p] = problemsOf(laughs);
    assert.equal(p.code, DocumentProblemCode.XmlDoctypeRefused);
    assert.equal(p.location, 'line 2, column 1');
    const xxe = statement()
      .replace('<Document', '<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><Document')
      .replace('B-1', '&x;');
    assert.equal(problemsOf(xxe)[0].code, DocumentProblemCode.XmlDoctypeRefused);
  });

  it('refuses nesting beyond the limit and documents beyond the size limit, with where', () => {
    const deep = `<Document>${'<a>'.repeat(SETTLEMENT_LIMITS.maxXmlDepth + 5)}x${'</a>'.repeat(SETTLEMENT_LIMITS.maxXmlDepth + 5)}</Document>`;
    const [p] = problemsOf(deep);
    assert.equal(p.code, DocumentProblemCode.XmlTooDeep);
    assert.match(p.location, /^line 1, column \d+$/);
    const big = ' '.repeat(SETTLEMENT_LIMITS.maxBytes + 1);
    assert.equal(problemsOf(big)[0].code, DocumentProblemCode.DocumentTooLarge);
  });

  it('reports malformed XML with its line and column', () => {
    const [p] = problemsOf(statement().replace('</Ntry>', '</Ntri>'));
    assert.equal(p.code, DocumentProblemCode.XmlSyntax);
    assert.match(p.location, /^line \d+, column \d+$/);
  });

  it('never throws on mutated statements: a statement or located problems (fuzz, fixed seed)', () => {
    const base = statement();
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(base.length), fc.nat(12), fc.string({ maxLength: 8, unit: 'binary' })), {
          maxLength: 6,
        }),
        (edits) => {
          let text = base;
          for (const [at, cut, insert] of edits) text = text.slice(0, at) + insert + text.slice(at + cut);
          const parsed = parseCamt053(text);
          if (parsed.ok) {
            const { document } = parsed;
            const sum = document.entries.reduce((s, e) => s + e.amountMinor, 0);
            assert.equal(document.openingMinor + sum, document.closingMinor);
          } else {
            assert.ok(parsed.problems.length > 0);
            for (const p of parsed.problems) assert.ok(p.location.length > 0 && p.code.length > 0);
          }
        },
      ),
      { seed: 20_053, numRuns: Number(process.env.TW_FUZZ_RUNS ?? 2_000) },
    );
  });
});
