import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Partner request signatures (HMAC-SHA256), shared by the ingress gateway (verifies) and by every
 * client we ship (demo traffic, tests, partner documentation). The message signed is
 *
 *   METHOD \n path-with-query \n timestamp \n nonce \n hex(SHA-256(body))
 *
 * keyed with the raw API key. The gateway stores only SHA-256(API key): a leaked store neither
 * authenticates nor signs.
 */
export const SIGNATURE_HEADERS = {
  apiKey: 'x-api-key',
  timestamp: 'x-timestamp',
  nonce: 'x-nonce',
  signature: 'x-signature',
} as const;

export interface SignableRequest {
  method: string;
  /** Path with query string, exactly as sent (e.g. `/v1/documents/sales-order`). */
  path: string;
  timestamp: string;
  nonce: string;
  body: Buffer | string;
}

export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

export function canonicalRequest(request: SignableRequest): string {
  return [
    request.method.toUpperCase(),
    request.path,
    request.timestamp,
    request.nonce,
    sha256Hex(request.body),
  ].join('\n');
}

export function signRequest(apiKey: string, request: SignableRequest): string {
  return createHmac('sha256', apiKey).update(canonicalRequest(request)).digest('hex');
}

/** Constant-time comparison of a presented signature with the expected one. */
export function signatureMatches(apiKey: string, request: SignableRequest, presented: string): boolean {
  // Buffer.from(hex) stops at the first non-hex character: insist on exactly 64 hex digits first.
  if (!/^[0-9a-fA-F]{64}$/.test(presented)) return false;
  const expected = Buffer.from(signRequest(apiKey, request), 'hex');
  const actual = Buffer.from(presented, 'hex');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** Headers a client sends with a signed request. */
export function signedHeaders(
  apiKey: string,
  request: Omit<SignableRequest, 'timestamp' | 'nonce'> & { timestamp?: string; nonce?: string },
): Record<string, string> {
  const timestamp = request.timestamp ?? new Date().toISOString();
  const nonce = request.nonce ?? randomBytes(16).toString('hex');
  return {
    [SIGNATURE_HEADERS.apiKey]: apiKey,
    [SIGNATURE_HEADERS.timestamp]: timestamp,
    [SIGNATURE_HEADERS.nonce]: nonce,
    [SIGNATURE_HEADERS.signature]: signRequest(apiKey, { ...request, timestamp, nonce }),
  };
}
