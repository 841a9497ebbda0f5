// The gateway's side of partner request signatures. The scheme itself — HMAC-SHA256 keyed with the raw
// API key over METHOD \n path-with-query \n X-Timestamp \n X-Nonce \n hex(SHA-256(body)) — lives in
// @tradewind/partner-auth, shared with every client we ship (demo traffic, tests, partner docs), so the
// signer and the verifier cannot drift. Here: what the gateway adds when verifying.
import { type SignableRequest, signatureMatches } from '@tradewind/partner-auth';

/**
 * Whether `presented` is the signature of `request` under `apiKey`: exactly 64 hex digits (any case;
 * trailing characters are not ignored), compared in constant time.
 */
export function verifySignature(apiKey: string, request: SignableRequest, presented: string): boolean {
  return /^[0-9a-fA-F]{64}$/.test(presented) && signatureMatches(apiKey, request, presented);
}

// RFC 3339 date-time (with a mandatory offset), or epoch milliseconds (10 to 13 digits).
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:[Zz]|[+-]\d{2}:\d{2})$/;
const EPOCH_MS = /^\d{10,13}$/;

/** X-Timestamp in epoch milliseconds, or undefined when it is neither RFC 3339 nor epoch milliseconds. */
export function parseTimestamp(value: string): number | undefined {
  if (EPOCH_MS.test(value)) return Number(value);
  if (!RFC3339.test(value)) return undefined;
  const ms = Date.parse(value.replace(' ', 'T'));
  return Number.isFinite(ms) ? ms : undefined;
}

/** Printable, 16 to 128 characters from the URL-safe set: long enough to be unique, short enough to store. */
export const NONCE_PATTERN = /^[A-Za-z0-9._~-]{16,128}$/;
