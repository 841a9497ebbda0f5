import { type DocumentProblem, DocumentProblemCode, problem } from './document-problem';

export type DecodedText =
  | {
      readonly ok: true;
      readonly text: string;
      /** Bytes skipped before `text` (3 for a UTF-8 BOM). */ readonly byteOffset: number;
    }
  | { readonly ok: false; readonly problems: readonly DocumentProblem[] };

const BOM = [0xef, 0xbb, 0xbf] as const;

/**
 * Decodes UTF-8 strictly (WHATWG fatal decoder) and strips a leading BOM. Partners sending Latin-1 or
 * Windows-1252 get a problem at the first bad byte rather than silently mangled names and SKUs.
 */
export function decodeUtf8(bytes: Uint8Array): DecodedText {
  const hasBom = bytes.length >= 3 && bytes[0] === BOM[0] && bytes[1] === BOM[1] && bytes[2] === BOM[2];
  const byteOffset = hasBom ? 3 : 0;
  try {
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(
      bytes.subarray(byteOffset),
    );
    return { ok: true, text, byteOffset };
  } catch {
    // TextDecoder reports no position, so locate the first malformed sequence ourselves.
    const offset = firstInvalidUtf8Offset(bytes, byteOffset);
    const shown = bytes[offset]?.toString(16).toUpperCase().padStart(2, '0') ?? '??';
    return {
      ok: false,
      problems: [
        problem(
          DocumentProblemCode.EncodingInvalidUtf8,
          `The document is not valid UTF-8: byte 0x${shown} at offset ${offset} does not start a valid UTF-8 sequence; send UTF-8 text.`,
          { kind: 'bytes', byteOffset: offset },
        ),
      ],
    };
  }
}

/** Offset of the first byte of the first malformed UTF-8 sequence (the bounds of RFC 3629 / WHATWG). */
export function firstInvalidUtf8Offset(bytes: Uint8Array, from = 0): number {
  const cont = (i: number, lo = 0x80, hi = 0xbf): boolean =>
    i < bytes.length && bytes[i] >= lo && bytes[i] <= hi;
  let i = from;
  while (i < bytes.length) {
    const b = bytes[i];
    let size: number;
    if (b <= 0x7f) size = 1;
    else if (b >= 0xc2 && b <= 0xdf) size = cont(i + 1) ? 2 : 0;
    else if (b === 0xe0) size = cont(i + 1, 0xa0) && cont(i + 2) ? 3 : 0;
    else if (b === 0xed) size = cont(i + 1, 0x80, 0x9f) && cont(i + 2) ? 3 : 0;
    else if (b >= 0xe1 && b <= 0xef) size = cont(i + 1) && cont(i + 2) ? 3 : 0;
    else if (b === 0xf0) size = cont(i + 1, 0x90) && cont(i + 2) && cont(i + 3) ? 4 : 0;
    else if (b >= 0xf1 && b <= 0xf3) size = cont(i + 1) && cont(i + 2) && cont(i + 3) ? 4 : 0;
    else if (b === 0xf4) size = cont(i + 1, 0x80, 0x8f) && cont(i + 2) && cont(i + 3) ? 4 : 0;
    else size = 0;
    if (size === 0) return i;
    i += size;
  }
  return bytes.length;
}

/** Byte length of a string's UTF-8 encoding, for turning string positions into byte offsets. */
export function utf8ByteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
