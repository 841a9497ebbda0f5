// Idempotency-Key semantics (draft-ietf-httpapi-idempotency-key-header): the first request with a key
// claims it; a later request with the same key and the same request gets the first one's response
// (status, headers, body) without anything being published again; the same key with a different request
// is a conflict (409); while the first is still running, a second is told so (409, retry shortly).
import { createHash } from 'node:crypto';

import { GatewayErrorCode, GatewayException } from '../gateway.exception';

export interface StoredResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
}

export interface IdempotencyRecord {
  readonly requestHash: string;
  readonly state: 'in-progress' | 'completed';
  readonly response: StoredResponse | undefined;
  readonly expiresAt: Date;
}

export type IdempotencyDecision =
  | { readonly kind: 'proceed' }
  | { readonly kind: 'replay'; readonly response: StoredResponse }
  | { readonly kind: 'conflict' }
  | { readonly kind: 'in-progress' };

/** What to do with a request given the record its key already has (undefined: none). */
export function decideIdempotency(
  existing: IdempotencyRecord | undefined,
  requestHash: string,
  now: Date,
): IdempotencyDecision {
  if (existing === undefined || existing.expiresAt.getTime() <= now.getTime()) return { kind: 'proceed' };
  if (existing.requestHash !== requestHash) return { kind: 'conflict' };
  if (existing.state === 'in-progress' || existing.response === undefined) return { kind: 'in-progress' };
  return { kind: 'replay', response: existing.response };
}

/** Printable ASCII without spaces at the ends, at most 255 characters (UUIDs, ULIDs, partners' own ids). */
const KEY = /^[\x21-\x7e](?:[\x20-\x7e]{0,253}[\x21-\x7e])?$/;

export function checkIdempotencyKey(key: string): string {
  if (!KEY.test(key)) {
    throw new GatewayException(
      GatewayErrorCode.InvalidIdempotencyKey,
      'Idempotency-Key must be 1 to 255 printable ASCII characters (a UUID is a good choice).',
      { policy: 'idempotency' },
    );
  }
  return key;
}

/** What makes two requests "the same": target (path and query string), media type and body bytes. */
export function requestHash(parts: {
  method: string;
  path: string;
  mediaType: string;
  bodySha256: string;
}): string {
  return createHash('sha256')
    .update(
      [parts.method.toUpperCase(), parts.path, parts.mediaType.toLowerCase(), parts.bodySha256].join('\n'),
    )
    .digest('hex');
}
