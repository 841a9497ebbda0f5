// Settlement matching throughput (issue 12's figure): statement entries matched per second against
// 100,000 open invoices with @tradewind/finance-settlement's indexed matcher, and the same rules scanning
// every invoice per entry (the naive baseline) in the same process, for the ratio. The entries mix what a
// month's statement holds: references in several spellings, partial payments, two-invoice payments,
// amount + partner without a reference, and unmatched payments. Prints figures; asserts nothing.
// Usage: ./tradewind bench settlement-matching [invoices=100000] [entries=20000] [naiveEntries=200]
import {
  type MatchDecision,
  NaiveSettlementMatcher,
  type OpenInvoice,
  type SettlementLine,
  SettlementMatcher,
} from '@tradewind/finance-settlement';

const INVOICES = Number(process.argv[2] ?? 100_000);
const ENTRIES = Number(process.argv[3] ?? 20_000);
const NAIVE_ENTRIES = Number(process.argv[4] ?? 200);
const CUSTOMERS = 500;

function invoices(count: number): OpenInvoice[] {
  return Array.from({ length: count }, (_, i) => {
    const residual = 1_000 + ((i * 7919) % 900_000);
    return {
      odooId: i + 1,
      name: `INV/2026/${String(i + 1).padStart(6, '0')}`,
      partnerId: 1 + (i % CUSTOMERS),
      partnerName: `Customer ${i % CUSTOMERS} Ltd`,
      currency: 'USD',
      moveType: 'out_invoice' as const,
      residualMinor: residual,
      totalMinor: residual,
      dueDate: `2026-11-${String(1 + (i % 28)).padStart(2, '0')}`,
    };
  });
}

/** Entries over distinct invoices (each invoice paid at most once across the run). */
function lines(book: OpenInvoice[], count: number, offset: number): SettlementLine[] {
  return Array.from({ length: count }, (_, k) => {
    const i = (offset + k * 3) % book.length;
    const invoice = book[i];
    const kind = k % 20;
    const base = { entryId: `E${offset + k}`, feeMinor: 0, currency: 'USD' };
    if (kind < 14) {
      const spelled =
        kind % 2 === 0 ? `Payment ${invoice.name}` : invoice.name.replaceAll('/', ' ').toLowerCase();
      return {
        ...base,
        amountMinor: invoice.residualMinor,
        references: [spelled],
        counterpartyName: invoice.partnerName,
      };
    }
    if (kind < 16)
      return { ...base, amountMinor: Math.floor(invoice.residualMinor / 2), references: [invoice.name] };
    if (kind < 17) {
      const next = book[(i + CUSTOMERS) % book.length];
      return {
        ...base,
        amountMinor: invoice.residualMinor + next.residualMinor,
        references: [`${invoice.name} ${next.name}`],
      };
    }
    if (kind < 19)
      return {
        ...base,
        amountMinor: invoice.residualMinor,
        references: ['thanks'],
        counterpartyName: invoice.partnerName.toUpperCase(),
      };
    return { ...base, amountMinor: 13 + k, references: ['unknown'], counterpartyName: `Stranger ${k}` };
  });
}

function measure(matcher: { match(line: SettlementLine): MatchDecision }, batch: SettlementLine[]) {
  const counts: Record<string, number> = {};
  const started = process.hrtime.bigint();
  for (const line of batch) {
    const decision = matcher.match(line);
    const key = decision.kind === 'matched' ? `${decision.kind}:${decision.rule}` : decision.kind;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { seconds, perSecond: batch.length / seconds, counts };
}

const book = invoices(INVOICES);
let started = process.hrtime.bigint();
const indexed = new SettlementMatcher(book);
const indexSeconds = Number(process.hrtime.bigint() - started) / 1e9;
started = process.hrtime.bigint();
const naive = new NaiveSettlementMatcher(book);
void started;

// warm-up on entries outside the measured ranges
measure(new SettlementMatcher(book), lines(book, 2_000, 1));
const fast = measure(indexed, lines(book, ENTRIES, 0));
const slow = measure(naive, lines(book, NAIVE_ENTRIES, 0));

console.log(
  `settlement matching against ${INVOICES.toLocaleString('en')} open invoices (${CUSTOMERS} customers)`,
);
console.log(`  index built in ${(indexSeconds * 1000).toFixed(0)} ms`);
console.log(
  `  indexed matcher: ${ENTRIES.toLocaleString('en')} entries in ${fast.seconds.toFixed(3)} s = ${Math.round(fast.perSecond).toLocaleString('en')} entries/s`,
);
console.log(`    decisions: ${JSON.stringify(fast.counts)}`);
console.log(
  `  naive scan:      ${NAIVE_ENTRIES.toLocaleString('en')} entries in ${slow.seconds.toFixed(3)} s = ${Math.round(slow.perSecond).toLocaleString('en')} entries/s`,
);
console.log(`    decisions: ${JSON.stringify(slow.counts)}`);
console.log(`  ratio: ${(fast.perSecond / slow.perSecond).toFixed(0)}x`);
