// Settlement uploads split like purchasing uploads (purchasing-document-split.ts), so the gateway accepts
// them the same way: a bank statement (camt.053 XML or the bank's CSV) or a gateway payout (JSON) is one
// slice, accepted whole or refused whole with every problem located (a statement whose balances do not add
// up has no sound part), its statement or payout id the business reference. The invoices service reads the
// slice again with the same parsers (docs/invoices-and-payments.md).
import { parseBankStatementCsv } from './bank-statement-csv.parser';
import { parseCamt053 } from './camt053.parser';
import { CONTENT_TYPES, DocumentFormat } from './document-format';
import { DocumentProblemCode, problem } from './document-problem';
import type { DocumentSplit } from './document-split';
import { parseGatewayPayoutJson } from './gateway-payout-json.parser';
import { type ParsedSettlement, SettlementDocumentType } from './settlement-document';

/** The formats each settlement document type is read in. */
export const SETTLEMENT_DOCUMENT_FORMATS: Readonly<
  Record<SettlementDocumentType, readonly DocumentFormat[]>
> = Object.freeze({
  [SettlementDocumentType.BankStatement]: [DocumentFormat.Xml, DocumentFormat.Csv],
  [SettlementDocumentType.GatewayPayout]: [DocumentFormat.Json],
});

export interface SettlementDocumentSplit extends DocumentSplit {
  readonly documentType: SettlementDocumentType;
  /** The parse; undefined when the format is not one of the type's. */
  readonly parsed: ParsedSettlement | undefined;
}

function parse(documentType: SettlementDocumentType, format: DocumentFormat, bytes: Uint8Array) {
  if (documentType === SettlementDocumentType.GatewayPayout) return parseGatewayPayoutJson(bytes);
  return format === DocumentFormat.Xml ? parseCamt053(bytes) : parseBankStatementCsv(bytes);
}

/** Validates a settlement upload into one slice; never throws for bad partner input. */
export function splitSettlementDocument(
  documentType: SettlementDocumentType,
  format: DocumentFormat,
  bytes: Uint8Array,
): SettlementDocumentSplit {
  const formats = SETTLEMENT_DOCUMENT_FORMATS[documentType];
  if (!formats.includes(format)) {
    const unsupported = problem(
      DocumentProblemCode.UnsupportedFormat,
      `A ${documentType} is read as ${formats.join(' or ')}, not ${format}.`,
      { kind: 'document' },
    );
    return Object.freeze({
      documentType,
      format,
      ok: false,
      slices: [],
      documentProblems: [unsupported],
      parsed: undefined,
    });
  }
  const parsed = parse(documentType, format, bytes);
  return Object.freeze({
    documentType,
    format,
    ok: parsed.ok,
    documentProblems: parsed.ok ? [] : parsed.problems,
    parsed,
    slices: parsed.ok
      ? [
          Object.freeze({
            index: 0,
            businessRef: parsed.document.documentId.slice(0, 200),
            bytes,
            contentType: CONTENT_TYPES[format],
            interchangeRef: undefined,
            problems: [],
          }),
        ]
      : [],
  });
}
