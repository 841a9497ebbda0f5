// Every refusal the gateway makes, as one exception class with a code. The code decides the HTTP status,
// the RFC 9457 problem type and the audit outcome (problem/problem-types.ts), so a new refusal cannot be
// added without saying how it is answered and audited.

export enum GatewayErrorCode {
  // 401: who is calling, and is this request really theirs and fresh?
  MissingCredentials = 'MISSING_CREDENTIALS',
  UnknownApiKey = 'UNKNOWN_API_KEY',
  CredentialInactive = 'CREDENTIAL_INACTIVE',
  InvalidTimestamp = 'INVALID_TIMESTAMP',
  StaleTimestamp = 'STALE_TIMESTAMP',
  InvalidNonce = 'INVALID_NONCE',
  ReplayedNonce = 'REPLAYED_NONCE',
  InvalidSignature = 'INVALID_SIGNATURE',
  // 403: known caller, not allowed.
  PartnerSuspended = 'PARTNER_SUSPENDED',
  ScopeNotGranted = 'SCOPE_NOT_GRANTED',
  FormatNotPermitted = 'FORMAT_NOT_PERMITTED',
  /** The document writes a data domain (stock on hand...) whose system of record is another party. */
  NotSystemOfRecord = 'NOT_SYSTEM_OF_RECORD',
  X12SenderMismatch = 'X12_SENDER_MISMATCH',
  // 404
  RouteNotFound = 'ROUTE_NOT_FOUND',
  UnknownDocumentType = 'UNKNOWN_DOCUMENT_TYPE',
  TransactionNotFound = 'TRANSACTION_NOT_FOUND',
  BatchNotFound = 'BATCH_NOT_FOUND',
  /** A proof of delivery that does not exist or that the caller is not entitled to: the same answer. */
  ProofNotFound = 'PROOF_NOT_FOUND',
  // 4xx about the request itself.
  InvalidRequest = 'INVALID_REQUEST',
  InvalidIdempotencyKey = 'INVALID_IDEMPOTENCY_KEY',
  InvalidEncoding = 'INVALID_ENCODING',
  IdempotencyKeyReused = 'IDEMPOTENCY_KEY_REUSED',
  IdempotencyInProgress = 'IDEMPOTENCY_IN_PROGRESS',
  PayloadTooLarge = 'PAYLOAD_TOO_LARGE',
  UnsupportedMediaType = 'UNSUPPORTED_MEDIA_TYPE',
  InvalidDocument = 'INVALID_DOCUMENT',
  X12EnvelopeRefused = 'X12_ENVELOPE_REFUSED',
  DuplicateInterchange = 'DUPLICATE_INTERCHANGE',
  RateLimited = 'RATE_LIMITED',
  // 5xx: ours, never the partner's input.
  PublishUnavailable = 'PUBLISH_UNAVAILABLE',
  /** Records were with the broker at the deadline: may be written; the Idempotency-Key learns which. */
  PublishOutcomeUnknown = 'PUBLISH_OUTCOME_UNKNOWN',
  /** PostgreSQL (or another store) is down or its pool saturated: retry later, with the same key. */
  DependencyUnavailable = 'DEPENDENCY_UNAVAILABLE',
  Internal = 'INTERNAL',
}

/** One located problem in a partner document, as the `errors` member of a problem response. */
export interface ProblemError {
  readonly code: string;
  readonly detail: string;
  /** Human-readable and exact: `/lines/2/quantity`, `line 3, column 7 (quantity)`, `segment 9 (PO1), element 02`. */
  readonly location: string;
  readonly pointer?: string;
  readonly line?: number;
  readonly column?: number;
  readonly segment?: number;
  readonly segmentTag?: string;
  readonly element?: number;
  readonly byteOffset?: number;
  /** The order (0-based position in the upload) the problem belongs to, when it belongs to one. */
  readonly orderIndex?: number;
  readonly businessRef?: string;
}

export interface GatewayExceptionOptions {
  readonly cause?: unknown;
  readonly errors?: readonly ProblemError[];
  /** Seconds, for 429, 503 and 504. */
  readonly retryAfterSeconds?: number;
  /** Extra members of the problem object (e.g. batchId of a rejected upload). */
  readonly extensions?: Readonly<Record<string, unknown>>;
  /** The catalog rule or scope that decided, for the audit trail. */
  readonly policy?: string;
}

export class GatewayException extends Error {
  override readonly name = 'GatewayException';
  readonly errors: readonly ProblemError[];
  readonly retryAfterSeconds: number | undefined;
  readonly extensions: Readonly<Record<string, unknown>>;
  readonly policy: string | undefined;

  constructor(
    readonly code: GatewayErrorCode,
    /** The problem's `detail`: shown to the partner, so it never carries secrets or internals. */
    readonly detail: string,
    options: GatewayExceptionOptions = {},
  ) {
    super(`${code}: ${detail}`, { cause: options.cause });
    this.errors = options.errors ?? [];
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.extensions = options.extensions ?? {};
    this.policy = options.policy;
  }
}
