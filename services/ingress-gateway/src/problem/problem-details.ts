// RFC 9457 problem details for every refusal: `type` is a stable URI per reason (documented in the
// service README), `title` is fixed per type, `detail` explains this occurrence, `instance` names it.
import type { AuditOutcome } from '@tradewind/contracts';

import { GatewayErrorCode, type GatewayException, type ProblemError } from '../gateway.exception';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
export const PROBLEM_TYPE_BASE = 'https://docs.tradewind.example/problems/';

export interface ProblemType {
  readonly status: number;
  /** Last path segment of the type URI. */
  readonly slug: string;
  readonly title: string;
  readonly outcome: AuditOutcome;
}

export function problemType(code: GatewayErrorCode): ProblemType {
  const t = (status: number, slug: string, title: string, outcome: AuditOutcome): ProblemType => ({
    status,
    slug,
    title,
    outcome,
  });
  switch (code) {
    case GatewayErrorCode.MissingCredentials:
      return t(401, 'missing-credentials', 'Authentication headers are missing', 'denied');
    case GatewayErrorCode.UnknownApiKey:
      return t(401, 'unknown-api-key', 'The API key is not known', 'denied');
    case GatewayErrorCode.CredentialInactive:
      return t(401, 'credential-inactive', 'The API key is retired or expired', 'denied');
    case GatewayErrorCode.InvalidTimestamp:
      return t(401, 'invalid-timestamp', 'X-Timestamp is not a timestamp', 'denied');
    case GatewayErrorCode.StaleTimestamp:
      return t(401, 'stale-timestamp', 'X-Timestamp is outside the accepted window', 'denied');
    case GatewayErrorCode.InvalidNonce:
      return t(401, 'invalid-nonce', 'X-Nonce is malformed', 'denied');
    case GatewayErrorCode.ReplayedNonce:
      return t(401, 'replayed-nonce', 'X-Nonce was already used', 'denied');
    case GatewayErrorCode.InvalidSignature:
      return t(401, 'invalid-signature', 'X-Signature does not match the request', 'denied');
    case GatewayErrorCode.PartnerSuspended:
      return t(403, 'partner-suspended', 'The partner is suspended', 'denied');
    case GatewayErrorCode.ScopeNotGranted:
      return t(403, 'scope-not-granted', 'The partner does not hold the scope this request needs', 'denied');
    case GatewayErrorCode.FormatNotPermitted:
      return t(
        403,
        'format-not-permitted',
        'The partner may not send this document type in this format',
        'denied',
      );
    case GatewayErrorCode.NotSystemOfRecord:
      return t(
        403,
        'not-system-of-record',
        'The partner is not the system of record of the data this document would change',
        'denied',
      );
    case GatewayErrorCode.X12SenderMismatch:
      return t(
        403,
        'x12-sender-mismatch',
        "The interchange's ISA sender is not the calling partner",
        'denied',
      );
    case GatewayErrorCode.RouteNotFound:
      return t(404, 'route-not-found', 'No such resource', 'rejected');
    case GatewayErrorCode.UnknownDocumentType:
      return t(404, 'unknown-document-type', 'The document type is not known', 'rejected');
    case GatewayErrorCode.TransactionNotFound:
      return t(404, 'transaction-not-found', 'No such transaction', 'denied');
    case GatewayErrorCode.BatchNotFound:
      return t(404, 'batch-not-found', 'No such batch', 'denied');
    case GatewayErrorCode.ProofNotFound:
      return t(404, 'proof-not-found', 'No such proof of delivery', 'denied');
    case GatewayErrorCode.InvalidRequest:
      return t(400, 'invalid-request', 'The request is malformed', 'rejected');
    case GatewayErrorCode.InvalidIdempotencyKey:
      return t(400, 'invalid-idempotency-key', 'Idempotency-Key is malformed', 'rejected');
    case GatewayErrorCode.InvalidEncoding:
      return t(400, 'invalid-encoding', 'The body is not valid UTF-8', 'rejected');
    case GatewayErrorCode.IdempotencyKeyReused:
      return t(
        409,
        'idempotency-key-reused',
        'The Idempotency-Key was used with a different request',
        'rejected',
      );
    case GatewayErrorCode.IdempotencyInProgress:
      return t(
        409,
        'idempotency-in-progress',
        'A request with this Idempotency-Key is still in progress',
        'rejected',
      );
    case GatewayErrorCode.PayloadTooLarge:
      return t(413, 'payload-too-large', 'The body is larger than allowed', 'rejected');
    case GatewayErrorCode.UnsupportedMediaType:
      return t(415, 'unsupported-media-type', 'The content type is not accepted here', 'rejected');
    case GatewayErrorCode.InvalidDocument:
      return t(422, 'invalid-document', 'The document has problems; nothing was accepted', 'rejected');
    case GatewayErrorCode.X12EnvelopeRefused:
      return t(
        422,
        'x12-envelope-refused',
        "The interchange's envelope is not accepted here; nothing was accepted",
        'rejected',
      );
    case GatewayErrorCode.DuplicateInterchange:
      return t(
        409,
        'duplicate-interchange',
        'This interchange control number was already received; nothing was processed again',
        'rejected',
      );
    case GatewayErrorCode.RateLimited:
      return t(429, 'rate-limited', 'Too many requests', 'denied');
    case GatewayErrorCode.PublishUnavailable:
      return t(503, 'publish-unavailable', 'Documents cannot be accepted right now; retry later', 'error');
    case GatewayErrorCode.PublishOutcomeUnknown:
      return t(
        504,
        'publish-outcome-unknown',
        'Documents handed over but not yet confirmed; resubmit with the same Idempotency-Key to learn the outcome',
        'error',
      );
    case GatewayErrorCode.DependencyUnavailable:
      return t(
        503,
        'dependency-unavailable',
        'A platform dependency is unavailable; retry later with the same Idempotency-Key',
        'error',
      );
    case GatewayErrorCode.Internal:
      return t(500, 'internal-error', 'Internal error', 'error');
  }
}

export interface ProblemDocument {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly instance: string;
  readonly code: GatewayErrorCode;
  readonly errors?: readonly ProblemError[];
  readonly [extension: string]: unknown;
}

/** The problem+json body of a refusal; `instance` identifies the occurrence (the request's correlation id). */
export function renderProblem(error: GatewayException, instance: string): ProblemDocument {
  const type = problemType(error.code);
  return {
    ...error.extensions,
    type: `${PROBLEM_TYPE_BASE}${type.slug}`,
    title: type.title,
    status: type.status,
    detail: error.detail,
    instance,
    code: error.code,
    ...(error.errors.length > 0 ? { errors: error.errors } : {}),
    ...(error.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: error.retryAfterSeconds }),
  };
}

/** `urn:tradewind:request:<correlation id>`: quotable to support, findable in logs and audit. */
export function requestInstance(correlationId: string): string {
  return `urn:tradewind:request:${correlationId}`;
}
