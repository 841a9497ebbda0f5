// camt.053 (.001.02 or .001.08) statements as a bank sends them: one statement of booked entries with
// their parties and remittance information, the closing balance the opening plus the entries unless
// told otherwise. What the demo's bank, the tests and the benchmark send.

export interface Camt053EntryFixture {
  /** The bank's reference (AcctSvcrRef). */
  bankRef: string;
  /** Decimal text, positive; `credit` false makes it a debit. */
  amount: string;
  credit?: boolean;
  bookingDate?: string;
  debtorName?: string;
  debtorIban?: string;
  endToEndId?: string;
  /** Unstructured remittance lines (Ustrd). */
  remittance?: string[];
  /** Structured creditor reference (Strd/CdtrRefInf/Ref). */
  creditorRef?: string;
}

export interface Camt053Fixture {
  statementId: string;
  currency?: string;
  iban?: string;
  opening?: string;
  /** Default: opening + entries (a consistent statement). */
  closing?: string;
  entries: Camt053EntryFixture[];
  version?: '02' | '08';
}

const escape = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const cents = (text: string): bigint => {
  const [whole, fraction = ''] = text.split('.');
  return BigInt(whole) * 100n + BigInt(fraction.padEnd(2, '0').slice(0, 2));
};
const decimal = (value: bigint): string => {
  const sign = value < 0n ? '-' : '';
  const abs = value < 0n ? -value : value;
  return `${sign}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
};

function balance(code: string, amount: bigint, currency: string, date: string): string {
  return `<Bal><Tp><CdOrPrtry><Cd>${code}</Cd></CdOrPrtry></Tp><Amt Ccy="${currency}">${decimal(amount < 0n ? -amount : amount)}</Amt><CdtDbtInd>${amount < 0n ? 'DBIT' : 'CRDT'}</CdtDbtInd><Dt><Dt>${date}</Dt></Dt></Bal>`;
}

export function buildCamt053(fixture: Camt053Fixture): string {
  const currency = fixture.currency ?? 'USD';
  const version = fixture.version ?? '02';
  const opening = cents(fixture.opening ?? '1000.00');
  let sum = 0n;
  const entries = fixture.entries.map((entry) => {
    const credit = entry.credit ?? true;
    sum += credit ? cents(entry.amount) : -cents(entry.amount);
    const date = entry.bookingDate ?? '2026-11-30';
    const party = entry.debtorName
      ? version === '02'
        ? `<Dbtr><Nm>${escape(entry.debtorName)}</Nm></Dbtr>`
        : `<Dbtr><Pty><Nm>${escape(entry.debtorName)}</Nm></Pty></Dbtr>`
      : '';
    const account = entry.debtorIban ? `<DbtrAcct><Id><IBAN>${entry.debtorIban}</IBAN></Id></DbtrAcct>` : '';
    const strd = entry.creditorRef
      ? `<Strd><CdtrRefInf><Ref>${escape(entry.creditorRef)}</Ref></CdtrRefInf></Strd>`
      : '';
    const ustrd = (entry.remittance ?? []).map((line) => `<Ustrd>${escape(line)}</Ustrd>`).join('');
    const status = version === '02' ? '<Sts>BOOK</Sts>' : '<Sts><Cd>BOOK</Cd></Sts>';
    return (
      `<Ntry><Amt Ccy="${currency}">${entry.amount}</Amt><CdtDbtInd>${credit ? 'CRDT' : 'DBIT'}</CdtDbtInd>${status}` +
      `<BookgDt><Dt>${date}</Dt></BookgDt><ValDt><Dt>${date}</Dt></ValDt><AcctSvcrRef>${escape(entry.bankRef)}</AcctSvcrRef>` +
      `<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>` +
      `<NtryDtls><TxDtls><Refs><EndToEndId>${escape(entry.endToEndId ?? 'NOTPROVIDED')}</EndToEndId></Refs>` +
      `<RltdPties>${party}${account}</RltdPties>` +
      (strd || ustrd ? `<RmtInf>${ustrd}${strd}</RmtInf>` : '') +
      `</TxDtls></NtryDtls></Ntry>`
    );
  });
  const closing = fixture.closing === undefined ? opening + sum : cents(fixture.closing);
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.${version}">\n<BkToCstmrStmt>` +
    `<GrpHdr><MsgId>${escape(fixture.statementId)}-MSG</MsgId><CreDtTm>2026-12-01T06:00:00</CreDtTm></GrpHdr>\n` +
    `<Stmt><Id>${escape(fixture.statementId)}</Id><CreDtTm>2026-12-01T06:00:00</CreDtTm>` +
    `<Acct><Id><IBAN>${fixture.iban ?? 'DE89370400440532013000'}</IBAN></Id><Ccy>${currency}</Ccy></Acct>\n` +
    balance('OPBD', opening, currency, '2026-11-01') +
    '\n' +
    balance('CLBD', closing, currency, '2026-11-30') +
    '\n' +
    entries.join('\n') +
    `\n</Stmt></BkToCstmrStmt></Document>\n`
  );
}
