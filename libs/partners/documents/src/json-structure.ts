// What JSON.parse does not say: how deep the document nests (checked before parsing, so a hostile
// document cannot exhaust the stack of the parser or of the schema validator after it) and which object
// keys appear twice (JSON.parse keeps the last one silently; `"poNumber":"A", …, "poNumber":"B"` must be
// refused, not read as B).
import { type DocumentProblem, DocumentProblemCode, pointerToken, problem } from './document-problem';
import { decodeUtf8, utf8ByteLength } from './text-decoding';

/** Deepest nesting accepted; a sales-order batch needs 4 (batch, orders, order, lines, line). */
export const MAX_JSON_DEPTH = 32;

interface Container {
  readonly pointer: string;
  readonly object: boolean;
  readonly keys: Set<string>;
  /** The key whose value comes next (objects), or the next index (arrays). */
  next: string | number;
  expectingKey: boolean;
}

/**
 * Scans the text once. Nesting deeper than MAX_JSON_DEPTH stops the scan with that one problem; duplicate
 * keys are reported with their JSON pointer. The scan assumes nothing about validity: on a malformed
 * document it may miss duplicates, and JSON.parse then reports the syntax error.
 */
export function scanJsonStructure(text: string, byteOffset: number): DocumentProblem[] {
  const problems: DocumentProblem[] = [];
  const stack: Container[] = [];
  const bytesAt = (i: number): number => byteOffset + utf8ByteLength(text.slice(0, i));
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      let end = i + 1;
      while (end < text.length && text.charCodeAt(end) !== 0x22) end += text.charCodeAt(end) === 0x5c ? 2 : 1;
      const top = stack.at(-1);
      if (top?.object === true && top.expectingKey) {
        let key: string | undefined;
        try {
          key = JSON.parse(text.slice(i, end + 1)) as string;
        } catch {
          key = undefined;
        }
        if (key !== undefined) {
          if (top.keys.has(key)) {
            problems.push(
              problem(
                DocumentProblemCode.JsonDuplicateKey,
                `Key "${key}" appears more than once in the same object (byte offset ${bytesAt(i)}); send each field once.`,
                { kind: 'json', pointer: `${top.pointer}/${pointerToken(key)}` },
              ),
            );
          }
          top.keys.add(key);
          top.next = key;
        }
        top.expectingKey = false;
      }
      i = end;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (stack.length >= MAX_JSON_DEPTH) {
        return [
          problem(
            DocumentProblemCode.JsonTooDeep,
            `The document nests deeper than ${MAX_JSON_DEPTH} levels; a sales order needs far fewer.`,
            { kind: 'bytes', byteOffset: bytesAt(i) },
          ),
        ];
      }
      const parent = stack.at(-1);
      const pointer = parent === undefined ? '' : `${parent.pointer}/${pointerToken(parent.next)}`;
      stack.push({ pointer, object: c === 0x7b, keys: new Set(), next: 0, expectingKey: c === 0x7b });
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop();
    } else if (c === 0x2c /* , */) {
      const top = stack.at(-1);
      if (top?.object === true) top.expectingKey = true;
      else if (top !== undefined && typeof top.next === 'number') top.next++;
    }
  }
  return problems;
}

/** A JSON document read from bytes, or the problems that stop it, each located. */
export type JsonDocumentRead =
  | {
      readonly ok: true;
      readonly value: unknown;
      readonly text: string;
      /** Bytes before `text` (a UTF-8 byte order mark). */
      readonly byteOffset: number;
      /** Keys that appear twice in one object: JSON.parse kept the last, the reader decides. */
      readonly duplicateKeys: readonly DocumentProblem[];
    }
  | { readonly ok: false; readonly problems: readonly DocumentProblem[] };

/**
 * Every JSON reader's first steps, in one place: UTF-8 (a byte order mark allowed), not empty, nested no
 * deeper than MAX_JSON_DEPTH (checked before JSON.parse), then parsed, a syntax error located by its byte.
 */
export function readJsonDocument(bytes: Uint8Array): JsonDocumentRead {
  const decoded = decodeUtf8(bytes);
  if (!decoded.ok) return { ok: false, problems: decoded.problems };
  const { text, byteOffset } = decoded;
  if (text.trim() === '')
    return {
      ok: false,
      problems: [problem(DocumentProblemCode.EmptyDocument, 'The document is empty.', { kind: 'document' })],
    };
  const structure = scanJsonStructure(text, byteOffset);
  const tooDeep = structure.filter((p) => p.code === DocumentProblemCode.JsonTooDeep);
  if (tooDeep.length > 0) return { ok: false, problems: tooDeep };
  try {
    return { ok: true, value: JSON.parse(text) as unknown, text, byteOffset, duplicateKeys: structure };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const position = /position (\d+)/.exec(message);
    const charIndex = position === null ? text.length : Number(position[1]);
    return {
      ok: false,
      problems: [
        problem(DocumentProblemCode.JsonSyntax, `The document is not valid JSON: ${message}`, {
          kind: 'bytes',
          byteOffset: byteOffset + utf8ByteLength(text.slice(0, charIndex)),
        }),
      ],
    };
  }
}
