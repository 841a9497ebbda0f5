// The formats this library parses: a subset of the schemas' DocumentFormat enum (the `format` of
// ingress.documents and partners.outbound), taken from it so that the values cannot drift.
import { DocumentFormat as WireFormat } from '@tradewind/contracts';

export const DocumentFormat = {
  Json: WireFormat.Json,
  Csv: WireFormat.Csv,
  X12: WireFormat.X12,
  /** ISO 20022 messages (camt.053 bank statements). */
  Xml: WireFormat.Xml,
} as const;
export type DocumentFormat = (typeof DocumentFormat)[keyof typeof DocumentFormat];

export const CONTENT_TYPES: Readonly<Record<DocumentFormat, string>> = Object.freeze({
  [DocumentFormat.Json]: 'application/json',
  [DocumentFormat.Csv]: 'text/csv; charset=utf-8',
  [DocumentFormat.X12]: 'application/edi-x12',
  [DocumentFormat.Xml]: 'application/xml',
});

const BY_MEDIA_TYPE: Readonly<Record<string, DocumentFormat>> = Object.freeze({
  'application/json': DocumentFormat.Json,
  'text/json': DocumentFormat.Json,
  'text/csv': DocumentFormat.Csv,
  'application/csv': DocumentFormat.Csv,
  'application/edi-x12': DocumentFormat.X12,
  'application/x12': DocumentFormat.X12,
  'application/edi': DocumentFormat.X12,
});

/**
 * The document's format: from a recognised content type first (the partner said what it sends), else
 * sniffed from the first bytes when the content type is generic or absent. Undefined when neither tells.
 */
export function detectFormat(contentType: string | undefined, bytes: Uint8Array): DocumentFormat | undefined {
  const media = contentType?.split(';')[0]?.trim().toLowerCase() ?? '';
  const declared = BY_MEDIA_TYPE[media] ?? (media.endsWith('+json') ? DocumentFormat.Json : undefined);
  if (declared !== undefined) return declared;
  if (media !== '' && !['text/plain', 'application/octet-stream'].includes(media)) return undefined;
  return sniffFormat(bytes);
}

function sniffFormat(bytes: Uint8Array): DocumentFormat | undefined {
  let i = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (i < bytes.length && [0x20, 0x09, 0x0a, 0x0d].includes(bytes[i])) i++;
  const head = Buffer.from(bytes.subarray(i, i + 512)).toString('latin1');
  if (head.startsWith('{') || head.startsWith('[')) return DocumentFormat.Json;
  if (head.startsWith('ISA')) return DocumentFormat.X12;
  const firstLine = head.split(/\r?\n/, 1)[0] ?? '';
  if (firstLine.includes(',')) return DocumentFormat.Csv;
  return undefined;
}
