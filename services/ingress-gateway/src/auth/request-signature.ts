// The gateway's own checks of the signed headers. The scheme itself (TW1-HMAC-SHA256 over key id,
// METHOD, path-with-query, X-Timestamp, X-Nonce and hex(SHA-256(body))) lives in @tradewind/partner-auth,
// shared with every client we ship, so the signer and the verifier cannot drift.

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
