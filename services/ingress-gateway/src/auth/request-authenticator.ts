// Authenticates one partner request, cheapest checks first, so a refusal costs as little as possible and
// nothing is buffered for a caller that is not who it says:
//   headers → key id + API key (by hash) → key active → partner active → timestamp window → nonce shape
//   → rate limit → body (size-limited) → signature (signing secret) → nonce unused.
// The nonce is recorded only after the signature verified, so nobody can burn a partner's nonces; a
// document submission records it with its first write instead (deferNonce, decision 0026). The
// partner is named on the exchange only once its API key matched: before that, a refusal is anonymous
// (and aggregated in ops.audit rather than recorded one by one).
import type { IncomingHttpHeaders } from 'node:http';

import { sha256Hex, SIGNATURE_HEADERS } from '@tradewind/partner-auth';
import {
  type CredentialRef,
  CredentialStatus,
  type PartnerConfig,
  PartnerStatus,
} from '@tradewind/partner-catalog';

import type { Exchange } from '../exchange/exchange';
import { GatewayErrorCode, GatewayException } from '../gateway.exception';
import type { RateLimiter } from '../limits/rate-limiter';
import type { CredentialStore } from './credential.store';
import { type NonceStore, PendingNonce } from './nonce.store';
import { NONCE_PATTERN, parseTimestamp } from './request-signature';

export interface AuthenticationRequest {
  readonly method: string;
  /** The request target as sent: path and query string. */
  readonly pathWithQuery: string;
  readonly headers: IncomingHttpHeaders;
  /** Reads the body, refusing it (413) beyond `limit` bytes. */
  readonly readBody: (limit: number, policy: string) => Promise<Buffer>;
}

export interface AuthenticatedCall {
  readonly partner: PartnerConfig;
  readonly credential: CredentialRef;
  readonly body: Buffer;
  readonly bodySha256: string;
  readonly timestampMs: number;
  /** Recorded already, unless the call was authenticated with `deferNonce`. */
  readonly nonce: PendingNonce;
}

export interface AuthenticatorOptions {
  readonly credentials: CredentialStore;
  readonly nonces: NonceStore;
  readonly rateLimiter: RateLimiter;
  readonly clockSkewMs: number;
  readonly nonceTtlMs: number;
  /** Upper bound on bodies; the partner's maxBodyBytes applies when smaller. */
  readonly maxBodyBytes: number;
  readonly now?: () => number;
}

export class RequestAuthenticator {
  private readonly now: () => number;

  constructor(private readonly options: AuthenticatorOptions) {
    if (options.nonceTtlMs < 2 * options.clockSkewMs) {
      throw new RangeError(
        `the nonce TTL (${options.nonceTtlMs} ms) must be at least twice the clock skew window (${options.clockSkewMs} ms)`,
      );
    }
    this.now = options.now ?? Date.now;
  }

  /**
   * `deferNonce`: the nonce is verified but not yet recorded; the caller records it (call.nonce) before
   * anything of the request is written, published or answered.
   */
  async authenticate(
    request: AuthenticationRequest,
    exchange: Exchange,
    { deferNonce = false }: { deferNonce?: boolean } = {},
  ): Promise<AuthenticatedCall> {
    const header = (name: string): string | undefined => {
      const value = request.headers[name];
      return Array.isArray(value) ? value[0] : value;
    };
    const keyId = header(SIGNATURE_HEADERS.keyId);
    const apiKey = header(SIGNATURE_HEADERS.apiKey);
    const timestamp = header(SIGNATURE_HEADERS.timestamp);
    const nonce = header(SIGNATURE_HEADERS.nonce);
    const signature = header(SIGNATURE_HEADERS.signature);
    const missing = Object.entries({
      'X-Key-Id': keyId,
      'X-Api-Key': apiKey,
      'X-Timestamp': timestamp,
      'X-Nonce': nonce,
      'X-Signature': signature,
    })
      .filter(([, v]) => v === undefined || v === '')
      .map(([k]) => k);
    if (
      keyId === undefined ||
      apiKey === undefined ||
      timestamp === undefined ||
      nonce === undefined ||
      signature === undefined ||
      missing.length > 0
    ) {
      throw new GatewayException(
        GatewayErrorCode.MissingCredentials,
        `Missing ${missing.join(', ')}; every request is signed.`,
        {
          policy: 'auth:headers',
        },
      );
    }

    const match = this.options.credentials.find(keyId, apiKey);
    if (match === undefined) {
      // One answer for an unknown key id and a wrong API key: nothing to tell the two apart.
      throw new GatewayException(
        GatewayErrorCode.UnknownApiKey,
        'X-Key-Id and X-Api-Key do not name a known key.',
        { policy: 'auth:api-key' },
      );
    }
    const { partner, credential } = match;
    exchange.partnerId = partner.id;
    exchange.principal = credential.keyId;
    const now = this.now();
    if (!this.options.credentials.isUsable(match, new Date(now))) {
      throw new GatewayException(
        GatewayErrorCode.CredentialInactive,
        `Key ${credential.keyId} is ${credential.status === CredentialStatus.Active ? `past its last valid day (${credential.notAfter})` : credential.status}; use your current key.`,
        { policy: `credentials:${credential.keyId}` },
      );
    }
    if (partner.status !== PartnerStatus.Active) {
      throw new GatewayException(
        GatewayErrorCode.PartnerSuspended,
        `Partner ${partner.id} is ${partner.status}.`,
        {
          policy: `partners:${partner.id}:status`,
        },
      );
    }

    const timestampMs = parseTimestamp(timestamp);
    if (timestampMs === undefined) {
      throw new GatewayException(
        GatewayErrorCode.InvalidTimestamp,
        'X-Timestamp must be an RFC 3339 date-time with an offset (2026-01-15T10:30:00Z) or epoch milliseconds.',
        { policy: 'auth:timestamp' },
      );
    }
    const skew = timestampMs - now;
    if (Math.abs(skew) > this.options.clockSkewMs) {
      throw new GatewayException(
        GatewayErrorCode.StaleTimestamp,
        `X-Timestamp is ${Math.round(Math.abs(skew) / 1000)} s ${skew < 0 ? 'in the past' : 'in the future'}; at most ${this.options.clockSkewMs / 1000} s either way is accepted. Gateway time: ${new Date(now).toISOString()}.`,
        { policy: 'auth:timestamp-window', extensions: { serverTime: new Date(now).toISOString() } },
      );
    }
    if (!NONCE_PATTERN.test(nonce)) {
      throw new GatewayException(
        GatewayErrorCode.InvalidNonce,
        'X-Nonce must be 16 to 128 characters from A-Z a-z 0-9 . _ ~ -.',
        {
          policy: 'auth:nonce',
        },
      );
    }

    const decision = await this.options.rateLimiter.take(partner.id, partner.rateLimit);
    if (!decision.allowed) {
      throw new GatewayException(
        GatewayErrorCode.RateLimited,
        `Partner ${partner.id} may send ${partner.rateLimit.requestsPerSecond} requests per second (bursts of ${partner.rateLimit.burst}).`,
        {
          policy: `partners:${partner.id}:rateLimit`,
          retryAfterSeconds: Math.max(1, Math.ceil(decision.retryAfterMs / 1000)),
        },
      );
    }

    const limit = Math.min(partner.maxBodyBytes, this.options.maxBodyBytes);
    const body = await request.readBody(limit, `partners:${partner.id}:maxBodyBytes`);
    const bodySha256 = sha256Hex(body);
    exchange.sizeBytes = body.length;
    exchange.sha256 = body.length > 0 ? bodySha256 : undefined;
    const signed = { keyId, method: request.method, path: request.pathWithQuery, timestamp, nonce, body };
    if (!this.options.credentials.signatureMatches(match, signed, signature)) {
      throw new GatewayException(
        GatewayErrorCode.InvalidSignature,
        'X-Signature is not hex(HMAC-SHA256(signing secret, TW1-HMAC-SHA256\\nX-Key-Id\\nMETHOD\\npath-with-query\\nX-Timestamp\\nX-Nonce\\nhex(SHA-256(body)))).',
        { policy: 'auth:signature' },
      );
    }
    const pending = new PendingNonce(this.options.nonces, {
      partnerId: partner.id,
      nonce,
      ttlMs: this.options.nonceTtlMs,
    });
    if (!deferNonce) await pending.settle();
    return { partner, credential, body, bodySha256, timestampMs, nonce: pending };
  }
}
