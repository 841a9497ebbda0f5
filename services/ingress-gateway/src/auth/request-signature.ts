// The partner request signature (documented for partners in services/ingress-gateway/README.md):
//
//   X-Signature = hex(HMAC-SHA256(key = the raw API key, message =
//     METHOD + "\n" + path-with-query + "\n" + X-Timestamp + "\n" + X-Nonce + "\n" + hex(SHA-256(body))))
//
// METHOD is upper case; path-with-query is the request target exactly as sent (`/v1/documents/sales-order`,
// `/v1/transactions/…?x=1`); X-Timestamp and X-Nonce are the header values exactly as sent; the body hash
// is over the raw bytes (the hash of the empty string for a GET). Hex is lower case.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const AUTH_HEADERS = {
  apiKey: 'x-api-key',
  timestamp: 'x-timestamp',
  nonce: 'x-nonce',
  signature: 'x-signature',
} as const;

export interface SignatureInput {
  readonly method: string;
  /** The request target: path and query string, exactly as sent. */
  readonly pathWithQuery: string;
  readonly timestamp: string;
  readonly nonce: string;
  /** Hex SHA-256 of the raw body. */
  readonly bodySha256: string;
}

export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The exact bytes that are signed. */
export function canonicalRequest(input: SignatureInput): string {
  return [input.method.toUpperCase(), input.pathWithQuery, input.timestamp, input.nonce, input.bodySha256].join(
    '\n',
  );
}

export function computeSignature(apiKey: string, input: SignatureInput): string {
  return createHmac('sha256', apiKey).update(canonicalRequest(input)).digest('hex');
}

/** Constant-time comparison of the presented signature (hex, any case) with the expected one. */
export function signatureMatches(apiKey: string, input: SignatureInput, presented: string): boolean {
  if (!/^[0-9a-fA-F]{64}$/.test(presented)) return false;
  const expected = Buffer.from(computeSignature(apiKey, input), 'hex');
  return timingSafeEqual(expected, Buffer.from(presented, 'hex'));
}

export interface SignRequestOptions {
  readonly apiKey: string;
  readonly method: string;
  readonly pathWithQuery: string;
  readonly body?: Uint8Array | string;
  /** Default: now, RFC 3339 in UTC. Epoch milliseconds as a decimal string are accepted too. */
  readonly timestamp?: string;
  /** Default: 32 random hex characters. */
  readonly nonce?: string;
}

/**
 * The four authentication headers for one request. For tests, the demo traffic generator and partners'
 * documentation: `fetch(url, { method, body, headers: { ...signRequest({ apiKey, method, pathWithQuery: '/v1/documents/sales-order', body }), 'content-type': 'application/json' } })`.
 */
export function signRequest(options: SignRequestOptions): Record<string, string> {
  const timestamp = options.timestamp ?? new Date().toISOString();
  const nonce = options.nonce ?? randomBytes(16).toString('hex');
  const body = options.body ?? '';
  const signature = computeSignature(options.apiKey, {
    method: options.method,
    pathWithQuery: options.pathWithQuery,
    timestamp,
    nonce,
    bodySha256: sha256Hex(typeof body === 'string' ? Buffer.from(body, 'utf8') : body),
  });
  return {
    'X-Api-Key': options.apiKey,
    'X-Timestamp': timestamp,
    'X-Nonce': nonce,
    'X-Signature': signature,
  };
}

// RFC 3339 date-time (with a mandatory offset), or epoch milliseconds (10 to 13 digits).
const RFC3339 =
  /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:[Zz]|[+-]\d{2}:\d{2})$/;
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
