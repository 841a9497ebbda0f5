// What JSON.parse does not say: how deep the document nests (checked before parsing, so a hostile
// document cannot exhaust the stack of the parser or of the schema validator after it) and which object
// keys appear twice (JSON.parse keeps the last one silently; `"poNumber":"A", …, "poNumber":"B"` must be
// refused, not read as B).
import { type DocumentProblem, DocumentProblemCode, pointerToken, problem } from './document-problem';
import { utf8ByteLength } from './text-decoding';

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
