// Which parser reads a settlement document: camt.053 XML or a bank's CSV for bank statements, the
// gateway's JSON for payouts. Problems come back as data, located, for the exception.
import {
  DocumentProblemCode,
  parseBankStatementCsv,
  parseCamt053,
  type ParsedSettlement,
  parseGatewayPayoutJson,
  problem,
  SettlementDocumentType,
} from '@tradewind/partner-documents';

function looksLikeXml(contentType: string, bytes: Uint8Array): boolean {
  if (/xml/i.test(contentType)) return true;
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (i < bytes.length && [0x20, 0x09, 0x0a, 0x0d].includes(bytes[i])) i++;
  return bytes[i] === 0x3c; // '<'
}

export function readSettlementDocument(
  documentType: SettlementDocumentType,
  contentType: string,
  bytes: Uint8Array,
): ParsedSettlement {
  switch (documentType) {
    case SettlementDocumentType.BankStatement:
      return looksLikeXml(contentType, bytes) ? parseCamt053(bytes) : parseBankStatementCsv(bytes);
    case SettlementDocumentType.GatewayPayout:
      return /json/i.test(contentType) || !looksLikeXml(contentType, bytes)
        ? parseGatewayPayoutJson(bytes)
        : {
            ok: false,
            problems: [
              problem(DocumentProblemCode.UnsupportedFormat, 'a gateway payout is JSON', {
                kind: 'document',
              }),
            ],
          };
  }
}
