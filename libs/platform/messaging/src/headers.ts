import type { IHeaders } from 'kafkajs';

// The header names are declared once, in schemas/topics.yaml, and generated into libs/platform/contracts; the
// messaging API hands them on so that handlers need one import.
export { HEADER } from '@tradewind/contracts';

export type RecordHeaders = Record<string, string>;

/** kafkajs hands headers as Buffers (or arrays of them); handlers see plain strings. */
export function decodeHeaders(headers: IHeaders | undefined): RecordHeaders {
  const out: RecordHeaders = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    const last = Array.isArray(value) ? value[value.length - 1] : value;
    if (last !== undefined) out[name] = last.toString();
  }
  return out;
}
