import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Partner request signatures (scheme TW1-HMAC-SHA256), shared by the ingress gateway (verifies) and by
 * every client we ship (demo traffic, tests, benchmarks, partner documentation). A partner holds three
 * things per key: a public key id, an API key and a signing secret. It sends the key id and the API key
 * in headers and signs with the signing secret, which never travels:
 *
 *   hex(HMAC-SHA256(signing secret,
 *       "TW1-HMAC-SHA256" \n key id \n METHOD \n path-with-query \n timestamp \n nonce \n hex(SHA-256(body))))
 *
 * Whoever sees a request (a TLS-terminating proxy, an access log) learns the API key but cannot sign a new
 * request; the gateway keeps only SHA-256 of the API key, so its stores cannot authenticate. See
 * docs/partner-authentication.md for the threat model.
 */
export const SIGNATURE_SCHEME = 'TW1-HMAC-SHA256';

export const SIGNATURE_HEADERS = {
  keyId: 'x-key-id',
  apiKey: 'x-api-key',
  timestamp: 'x-timestamp',
  nonce: 'x-nonce',
  signature: 'x-signature',
} as const;

/** What a partner holds for one key of the catalog. */
export interface PartnerCredentials {
  /** Public id of the key (the catalog's keyId). */
  readonly keyId: string;
  /** Sent in X-Api-Key; the gateway stores only its SHA-256. */
  readonly apiKey: string;
  /** Keys the HMAC; never sent. */
  readonly signingSecret: string;
}

export interface SignableRequest {
  keyId: string;
  method: string;
  /** Path with query string, exactly as sent (e.g. `/v1/documents/sales-order`). */
  path: string;
  timestamp: string;
  nonce: string;
  body: Buffer | string;
}

/** Shortest signing secret the gateway accepts: 32 characters (a random one: 256 bits as hex is 64). */
export const MIN_SIGNING_SECRET_LENGTH = 32;

export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

export function canonicalRequest(request: SignableRequest): string {
  return [
    SIGNATURE_SCHEME,
    request.keyId,
    request.method.toUpperCase(),
    request.path,
    request.timestamp,
    request.nonce,
    sha256Hex(request.body),
  ].join('\n');
}

export function signRequest(signingSecret: string, request: SignableRequest): string {
  return createHmac('sha256', signingSecret).update(canonicalRequest(request)).digest('hex');
}

/** Constant-time comparison of a presented signature with the expected one. */
export function signatureMatches(
  signingSecret: string,
  request: SignableRequest,
  presented: string,
): boolean {
  // Buffer.from(hex) stops at the first non-hex character: insist on exactly 64 hex digits first.
  if (!/^[0-9a-fA-F]{64}$/.test(presented)) return false;
  const expected = Buffer.from(signRequest(signingSecret, request), 'hex');
  const actual = Buffer.from(presented, 'hex');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** Headers a client sends with a signed request. */
export function signedHeaders(
  credentials: PartnerCredentials,
  request: Omit<SignableRequest, 'keyId' | 'timestamp' | 'nonce'> & { timestamp?: string; nonce?: string },
): Record<string, string> {
  const timestamp = request.timestamp ?? new Date().toISOString();
  const nonce = request.nonce ?? randomBytes(16).toString('hex');
  const signed = { ...request, keyId: credentials.keyId, timestamp, nonce };
  return {
    [SIGNATURE_HEADERS.keyId]: credentials.keyId,
    [SIGNATURE_HEADERS.apiKey]: credentials.apiKey,
    [SIGNATURE_HEADERS.timestamp]: timestamp,
    [SIGNATURE_HEADERS.nonce]: nonce,
    [SIGNATURE_HEADERS.signature]: signRequest(credentials.signingSecret, signed),
  };
}

/**
 * Headers of a document we deliver to a partner's webhook (partner-delivery). The idempotency key is the
 * document's outboundId: a resend (after a timeout, a crash) carries the same one, so the receiver keeps
 * the first and answers the rest 2xx.
 */
export const DELIVERY_HEADERS = {
  idempotencyKey: 'idempotency-key',
  deliveryId: 'x-tradewind-delivery-id',
  documentType: 'x-tradewind-document-type',
  attempt: 'x-tradewind-attempt',
  relatesTo: 'x-tradewind-relates-to',
} as const;

/** What signs our webhooks to one partner: the key id it knows us by and our signing secret for it. */
export interface WebhookSigner {
  readonly keyId: string;
  readonly signingSecret: string;
}

/**
 * Headers of a webhook we send, signed with TW1-HMAC-SHA256 exactly as partners sign their requests to
 * us (same canonical string: key id, method, path with query, timestamp, nonce, body hash), without an API
 * key: the partner verifies with the signing secret it holds for our key id (`verifyWebhookSignature`).
 */
export function signedWebhookHeaders(
  signer: WebhookSigner,
  request: Omit<SignableRequest, 'keyId' | 'timestamp' | 'nonce'> & { timestamp?: string; nonce?: string },
): Record<string, string> {
  const timestamp = request.timestamp ?? new Date().toISOString();
  const nonce = request.nonce ?? randomBytes(16).toString('hex');
  return {
    [SIGNATURE_HEADERS.keyId]: signer.keyId,
    [SIGNATURE_HEADERS.timestamp]: timestamp,
    [SIGNATURE_HEADERS.nonce]: nonce,
    [SIGNATURE_HEADERS.signature]: signRequest(signer.signingSecret, {
      ...request,
      keyId: signer.keyId,
      timestamp,
      nonce,
    }),
  };
}

/** A partner's side (and our tests' receivers): whether a webhook's headers sign this method, path and body. */
export function verifyWebhookSignature(
  signer: WebhookSigner,
  headers: Readonly<Record<string, string | string[] | undefined>>,
  request: { method: string; path: string; body: Buffer | string },
  options: { now?: Date; maxSkewMs?: number } = {},
): boolean {
  const one = (name: string): string | undefined => {
    const value = headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const keyId = one(SIGNATURE_HEADERS.keyId);
  const timestamp = one(SIGNATURE_HEADERS.timestamp);
  const nonce = one(SIGNATURE_HEADERS.nonce);
  const signature = one(SIGNATURE_HEADERS.signature);
  if (keyId !== signer.keyId || timestamp === undefined || nonce === undefined || signature === undefined)
    return false;
  const skew = Math.abs((options.now ?? new Date()).getTime() - Date.parse(timestamp));
  if (!(skew <= (options.maxSkewMs ?? 300_000))) return false;
  return signatureMatches(signer.signingSecret, { ...request, keyId, timestamp, nonce }, signature);
}
