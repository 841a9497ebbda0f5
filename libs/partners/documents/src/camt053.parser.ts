// ISO 20022 camt.053 (BankToCustomerStatement, versions .001.02 to .001.13) into the canonical settlement
// document. Hostile XML is refused before any parsing with its location: a DOCTYPE or ENTITY declaration
// (no entity is ever expanded, nothing external is ever fetched), a document over the size limit,
// nesting deeper than the limit; then well-formedness (line and column), then the statement's own rules:
// one statement, one currency, every amount exact in that currency, opening balance plus the booked
// entries equal to the closing balance.
import { XMLParser, XMLValidator } from 'fast-xml-parser';

import { type DocumentProblem, DocumentProblemCode, problem, type ProblemLocation } from './document-problem';
import { isIsoDate } from './field-values';
import {
  fromMinorUnits,
  type ParsedSettlement,
  SETTLEMENT_LIMITS,
  SettlementDocumentType,
  type SettlementEntry,
  SettlementEntryKind,
  toMinorUnits,
} from './settlement-document';

const NAMESPACE = /^urn:iso:std:iso:20022:tech:xsd:camt\.053\.001\.(0[2-9]|1[0-3])$/;

type Node = Record<string, unknown>;

const ARRAYS = new Set(['Stmt', 'Bal', 'Ntry', 'NtryDtls', 'TxDtls', 'Ustrd', 'Strd', 'RfrdDocInf']);

/** Line and column (1-based) of a character offset. */
function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/**
 * The refusals that must come before a parser sees the text: declarations (entity expansion, external
 * entities), and nesting depth (a parser's recursion). A linear scan of the markup.
 */
function screen(text: string): DocumentProblem | undefined {
  const declaration = /<!(DOCTYPE|ENTITY|ELEMENT|ATTLIST)/i.exec(text);
  if (declaration) {
    return problem(
      DocumentProblemCode.XmlDoctypeRefused,
      `<!${declaration[1]}> declarations are refused: a statement needs no DTD, and entities are never expanded`,
      { kind: 'xml', ...lineColumn(text, declaration.index) },
    );
  }
  let depth = 0;
  for (let i = text.indexOf('<'); i !== -1; i = text.indexOf('<', i + 1)) {
    const next = text[i + 1];
    if (next === '?') {
      i = text.indexOf('?>', i);
      if (i === -1) return undefined;
      continue;
    }
    if (next === '!') {
      const end = text.startsWith('<![CDATA[', i) ? text.indexOf(']]>', i) : text.indexOf('-->', i);
      if (end === -1) return undefined; // the validator names the unterminated section
      i = end;
      continue;
    }
    const close = text.indexOf('>', i);
    if (close === -1) return undefined;
    if (next === '/') depth--;
    else if (text[close - 1] !== '/') {
      depth++;
      if (depth > SETTLEMENT_LIMITS.maxXmlDepth) {
        return problem(
          DocumentProblemCode.XmlTooDeep,
          `elements are nested deeper than ${SETTLEMENT_LIMITS.maxXmlDepth} levels`,
          { kind: 'xml', ...lineColumn(text, i) },
        );
      }
    }
    i = close;
  }
  return undefined;
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  // Only the five predefined and numeric references: declarations were refused above
  processEntities: true,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  isArray: (name) => ARRAYS.has(name),
});

class Reader {
  readonly problems: DocumentProblem[] = [];

  at(path: string): ProblemLocation {
    return { kind: 'xml', path };
  }

  node(parent: Node | undefined, name: string): Node | undefined {
    const value = parent?.[name];
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Node) : undefined;
  }

  list(parent: Node | undefined, name: string): Node[] {
    const value = parent?.[name];
    return Array.isArray(value) ? value.filter((v): v is Node => v !== null && typeof v === 'object') : [];
  }

  /** A text value: an element's text, or its `#text` when it has attributes. */
  text(parent: Node | undefined, name: string, path: string, required = false): string | undefined {
    const raw = parent?.[name];
    const value =
      typeof raw === 'string'
        ? raw
        : raw !== null && typeof raw === 'object' && typeof (raw as Node)['#text'] === 'string'
          ? ((raw as Node)['#text'] as string)
          : undefined;
    if (value === undefined || value === '') {
      if (required) this.missing(`${path}/${name}`);
      return undefined;
    }
    if (value.length > SETTLEMENT_LIMITS.textLength) {
      this.problems.push(
        problem(
          DocumentProblemCode.ValueTooLong,
          `longer than ${SETTLEMENT_LIMITS.textLength} characters`,
          this.at(`${path}/${name}`),
        ),
      );
      return value.slice(0, SETTLEMENT_LIMITS.textLength);
    }
    return value;
  }

  missing(path: string): void {
    this.problems.push(
      problem(DocumentProblemCode.MissingValue, 'required element is missing', this.at(path)),
    );
  }

  date(parent: Node | undefined, path: string): string | undefined {
    const holder = this.node(parent, 'Dt') ?? parent;
    const value = this.text(holder, 'Dt', path) ?? this.text(holder, 'DtTm', path)?.slice(0, 10);
    if (value === undefined) return undefined;
    if (!isIsoDate(value)) {
      this.problems.push(
        problem(
          DocumentProblemCode.InvalidDate,
          `${JSON.stringify(value)} is not a date`,
          this.at(`${path}/Dt`),
        ),
      );
      return undefined;
    }
    return value;
  }

  /** `Amt Ccy="EUR"` + CdtDbtInd → signed minor units, checked against the statement's currency. */
  amount(
    parent: Node,
    path: string,
    currency: string | undefined,
  ): { minor: number; currency: string } | undefined {
    const amt = parent.Amt;
    const text = this.text(parent, 'Amt', path, true);
    const ccy =
      amt !== null && typeof amt === 'object' && typeof (amt as Node)['@Ccy'] === 'string'
        ? ((amt as Node)['@Ccy'] as string)
        : undefined;
    const indicator = this.text(parent, 'CdtDbtInd', path, true);
    if (text === undefined || indicator === undefined) return undefined;
    if (ccy === undefined || !/^[A-Z]{3}$/.test(ccy)) {
      this.problems.push(
        problem(
          DocumentProblemCode.InvalidCode,
          'Amt needs a Ccy attribute (ISO 4217)',
          this.at(`${path}/Amt`),
        ),
      );
      return undefined;
    }
    if (currency !== undefined && ccy !== currency) {
      this.problems.push(
        problem(
          DocumentProblemCode.InvalidAmount,
          `amount in ${ccy}, but the statement's account is in ${currency}`,
          this.at(`${path}/Amt`),
        ),
      );
      return undefined;
    }
    const minor = toMinorUnits(text, ccy);
    if (minor === undefined) {
      this.problems.push(
        problem(
          DocumentProblemCode.InvalidAmount,
          `${JSON.stringify(text)} is not an amount in ${ccy} (digits, at most the currency's decimals)`,
          this.at(`${path}/Amt`),
        ),
      );
      return undefined;
    }
    if (indicator !== 'CRDT' && indicator !== 'DBIT') {
      this.problems.push(
        problem(
          DocumentProblemCode.InvalidCode,
          `CdtDbtInd ${JSON.stringify(indicator)} is not CRDT or DBIT`,
          this.at(`${path}/CdtDbtInd`),
        ),
      );
      return undefined;
    }
    return { minor: indicator === 'CRDT' ? minor : -minor, currency: ccy };
  }
}

/** Status of an entry: `<Sts>BOOK</Sts>` (.02) or `<Sts><Cd>BOOK</Cd></Sts>` (.08 on). */
function statusOf(entry: Node): string | undefined {
  const sts = entry.Sts;
  if (typeof sts === 'string') return sts;
  if (sts !== null && typeof sts === 'object' && typeof (sts as Node).Cd === 'string')
    return (sts as Node).Cd as string;
  return undefined;
}

function balanceCode(balance: Node): string | undefined {
  const tp = balance.Tp as Node | undefined;
  const cdOrPrtry = tp?.CdOrPrtry as Node | undefined;
  return typeof cdOrPrtry?.Cd === 'string' ? cdOrPrtry.Cd : undefined;
}

export function parseCamt053(bytes: Uint8Array | string): ParsedSettlement {
  const size = typeof bytes === 'string' ? Buffer.byteLength(bytes) : bytes.length;
  if (size > SETTLEMENT_LIMITS.maxBytes) {
    return fail(
      problem(
        DocumentProblemCode.DocumentTooLarge,
        `${size} bytes, over the ${SETTLEMENT_LIMITS.maxBytes} limit`,
        {
          kind: 'document',
        },
      ),
    );
  }
  const text = typeof bytes === 'string' ? bytes : Buffer.from(bytes).toString('utf8');
  if (text.trim() === '')
    return fail(problem(DocumentProblemCode.EmptyDocument, 'the document is empty', { kind: 'document' }));
  const screened = screen(text);
  if (screened) return fail(screened);
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    return fail(
      problem(DocumentProblemCode.XmlSyntax, valid.err.msg, {
        kind: 'xml',
        line: valid.err.line,
        column: valid.err.col,
      }),
    );
  }
  let tree: Node;
  try {
    tree = parser.parse(text) as Node;
  } catch (error) {
    return fail(
      problem(DocumentProblemCode.XmlSyntax, error instanceof Error ? error.message : String(error), {
        kind: 'xml',
      }),
    );
  }
  const r = new Reader();
  const root = r.node(tree, 'Document');
  // removeNSPrefix drops the xmlns attributes: the root's namespace is read from the text
  const rootTag = /<(?:([A-Za-z_][\w.-]*):)?Document\b[^>]*>/.exec(text);
  const prefix = rootTag?.[1];
  const namespace =
    (rootTag &&
      new RegExp(`\\bxmlns${prefix ? `:${prefix}` : ''}\\s*=\\s*["']([^"']*)["']`).exec(rootTag[0])?.[1]) ??
    '';
  const statementRoot = r.node(root, 'BkToCstmrStmt');
  if (!root || !statementRoot || !NAMESPACE.test(namespace)) {
    return fail(
      problem(
        DocumentProblemCode.XmlUnexpectedMessage,
        `not a camt.053 bank statement (root Document/BkToCstmrStmt in namespace urn:iso:std:iso:20022:tech:xsd:camt.053.001.NN; got ${JSON.stringify(namespace)})`,
        { kind: 'xml', path: '/Document' },
      ),
    );
  }
  const statements = r.list(statementRoot, 'Stmt');
  if (statements.length !== 1) {
    return fail(
      problem(
        DocumentProblemCode.SchemaViolation,
        `one Stmt per document is accepted, found ${statements.length}`,
        { kind: 'xml', path: '/Document/BkToCstmrStmt' },
      ),
    );
  }
  const path = '/Document/BkToCstmrStmt/Stmt[1]';
  const stmt = statements[0];
  const statementId = r.text(stmt, 'Id', path, true);
  const acct = r.node(stmt, 'Acct');
  const currency = r.text(acct, 'Ccy', `${path}/Acct`);
  const iban =
    r.text(r.node(acct, 'Id'), 'IBAN', `${path}/Acct/Id`) ??
    r.text(r.node(r.node(acct, 'Id'), 'Othr'), 'Id', `${path}/Acct/Id/Othr`);

  let opening: number | undefined;
  let closing: number | undefined;
  let statementCurrency = currency;
  r.list(stmt, 'Bal').forEach((balance, index) => {
    const at = `${path}/Bal[${index + 1}]`;
    const code = balanceCode(balance);
    const amount = r.amount(balance, at, statementCurrency);
    if (!amount) return;
    statementCurrency ??= amount.currency;
    if (code === 'OPBD' || code === 'PRCD') opening ??= amount.minor;
    else if (code === 'CLBD') closing = amount.minor;
  });
  if (opening === undefined) r.missing(`${path}/Bal[Tp/CdOrPrtry/Cd=OPBD]`);
  if (closing === undefined) r.missing(`${path}/Bal[Tp/CdOrPrtry/Cd=CLBD]`);

  const entryNodes = r.list(stmt, 'Ntry');
  if (entryNodes.length > SETTLEMENT_LIMITS.entriesPerDocument) {
    return fail(
      problem(
        DocumentProblemCode.DocumentTooLarge,
        `${entryNodes.length} entries, over the ${SETTLEMENT_LIMITS.entriesPerDocument} limit`,
        { kind: 'xml', path },
      ),
    );
  }
  const entries: SettlementEntry[] = [];
  const seen = new Map<string, string>();
  let booked = 0;
  entryNodes.forEach((entry, index) => {
    const at = `${path}/Ntry[${index + 1}]`;
    const amount = r.amount(entry, at, statementCurrency);
    const status = statusOf(entry);
    const bookingDate = r.date(r.node(entry, 'BookgDt'), `${at}/BookgDt`);
    const valueDate = r.date(r.node(entry, 'ValDt'), `${at}/ValDt`);
    const tx = r.list(r.list(entry, 'NtryDtls')[0], 'TxDtls')[0];
    const txAt = `${at}/NtryDtls[1]/TxDtls[1]`;
    const refs = r.node(tx, 'Refs');
    const bankRef =
      r.text(entry, 'AcctSvcrRef', at) ??
      r.text(entry, 'NtryRef', at) ??
      r.text(refs, 'AcctSvcrRef', `${txAt}/Refs`);
    if (bankRef === undefined) r.missing(`${at}/AcctSvcrRef`);
    if (bankRef !== undefined) {
      const first = seen.get(bankRef);
      if (first !== undefined) {
        r.problems.push(
          problem(
            DocumentProblemCode.DuplicateEntry,
            `AcctSvcrRef ${JSON.stringify(bankRef)} is also ${first}`,
            r.at(`${at}/AcctSvcrRef`),
          ),
        );
      } else seen.set(bankRef, at);
    }
    if (!amount || bookingDate === undefined || bankRef === undefined) return;
    if (status !== undefined && status !== 'BOOK') return; // pending and information entries move no balance
    booked += amount.minor;
    const parties = r.node(tx, 'RltdPties');
    const credit = amount.minor > 0;
    const party = r.node(parties, credit ? 'Dbtr' : 'Cdtr');
    const partyName = r.text(r.node(party, 'Pty') ?? party, 'Nm', `${txAt}/RltdPties`);
    const partyAccount = r.node(r.node(parties, credit ? 'DbtrAcct' : 'CdtrAcct'), 'Id');
    const rmt = r.node(tx, 'RmtInf');
    const references = [
      r.text(refs, 'EndToEndId', `${txAt}/Refs`),
      ...r
        .list(rmt, 'Strd')
        .flatMap((strd) => [
          r.text(r.node(strd, 'CdtrRefInf'), 'Ref', `${txAt}/RmtInf/Strd`),
          ...r.list(strd, 'RfrdDocInf').map((doc) => r.text(doc, 'Nb', `${txAt}/RmtInf/Strd/RfrdDocInf`)),
        ]),
      ...((rmt?.Ustrd as unknown[] | undefined) ?? []).map((line) =>
        typeof line === 'string' ? line.slice(0, SETTLEMENT_LIMITS.textLength) : undefined,
      ),
      r.text(entry, 'AddtlNtryInf', at),
    ].filter((ref): ref is string => ref !== undefined && ref !== 'NOTPROVIDED');
    const domain = r.text(
      r.node(r.node(r.node(entry, 'BkTxCd'), 'Domn'), 'Fmly'),
      'SubFmlyCd',
      `${at}/BkTxCd`,
    );
    entries.push({
      entryId: bankRef,
      kind:
        domain === 'CHRG' || domain === 'FEES'
          ? SettlementEntryKind.Fee
          : credit
            ? SettlementEntryKind.Payment
            : SettlementEntryKind.Other,
      amountMinor: amount.minor,
      feeMinor: 0,
      currency: amount.currency,
      bookingDate,
      ...(valueDate === undefined ? {} : { valueDate }),
      ...(partyName === undefined ? {} : { counterpartyName: partyName }),
      ...(partyAccount
        ? {
            counterpartyAccount:
              r.text(partyAccount, 'IBAN', txAt) ?? r.text(r.node(partyAccount, 'Othr'), 'Id', txAt),
          }
        : {}),
      references,
      at: r.at(at),
    });
  });
  if (
    r.problems.length === 0 &&
    opening !== undefined &&
    closing !== undefined &&
    opening + booked !== closing
  ) {
    const ccy = statementCurrency ?? 'XXX';
    r.problems.push(
      problem(
        DocumentProblemCode.BalanceMismatch,
        `opening balance ${fromMinorUnits(opening, ccy)} + booked entries ${fromMinorUnits(booked, ccy)} = ${fromMinorUnits(opening + booked, ccy)}, but the closing balance is ${fromMinorUnits(closing, ccy)}`,
        r.at(`${path}/Bal`),
      ),
    );
  }
  if (r.problems.length > 0 || statementId === undefined || statementCurrency === undefined) {
    return { ok: false, problems: r.problems };
  }
  return {
    ok: true,
    document: {
      type: SettlementDocumentType.BankStatement,
      format: 'camt053',
      documentId: statementId,
      currency: statementCurrency,
      ...(iban === undefined ? {} : { account: iban }),
      openingMinor: opening!,
      closingMinor: closing!,
      entries,
    },
  };
}

function fail(first: DocumentProblem): ParsedSettlement {
  return { ok: false, problems: [first] };
}
