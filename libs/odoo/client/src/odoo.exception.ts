// The client's one exception class. `retryable` and `business` derive from the code alone, through
// exhaustive switches, so callers route on them without knowing Odoo's exception names.

import { assertUnreachable } from '@tradewind/contracts';

export enum OdooErrorCode {
  /** Bad or missing API key, wrong login/uid (401, AccessDenied, session expired). */
  AUTHENTICATION = 'AUTHENTICATION',
  /** The user lacks the right (AccessError, 403). */
  ACCESS_DENIED = 'ACCESS_DENIED',
  /** A business rule refused the call (UserError, ValidationError, required field...). */
  VALIDATION = 'VALIDATION',
  /** The record does not exist or was deleted (MissingError). */
  MISSING_RECORD = 'MISSING_RECORD',
  /** Concurrent update: serialization failure, deadlock, lock not available (LockError, 409). */
  CONCURRENCY = 'CONCURRENCY',
  /** 429 Too Many Requests. */
  RATE_LIMITED = 'RATE_LIMITED',
  /** 502/503: overloaded, in maintenance, or a proxy without upstream. */
  UNAVAILABLE = 'UNAVAILABLE',
  /** No answer within the timeout (or 504 from a proxy): the call may or may not have committed. */
  TIMEOUT = 'TIMEOUT',
  /** Network failure: refused, reset, DNS. */
  TRANSPORT = 'TRANSPORT',
  /** An answer of unexpected shape (not JSON, no result nor error). */
  PROTOCOL = 'PROTOCOL',
  /** The request itself is wrong: unknown model/method/field, bad arguments (400/404/422, ValueError...). */
  INVALID_REQUEST = 'INVALID_REQUEST',
  /** Any other server-side exception (500). */
  SERVER_ERROR = 'SERVER_ERROR',
}

/** Worth retrying the same call later (with backoff, honouring retryAfterMs). */
export function isRetryableCode(code: OdooErrorCode): boolean {
  switch (code) {
    case OdooErrorCode.CONCURRENCY:
    case OdooErrorCode.RATE_LIMITED:
    case OdooErrorCode.UNAVAILABLE:
    case OdooErrorCode.TIMEOUT:
    case OdooErrorCode.TRANSPORT:
    case OdooErrorCode.SERVER_ERROR:
      return true;
    case OdooErrorCode.AUTHENTICATION:
    case OdooErrorCode.ACCESS_DENIED:
    case OdooErrorCode.VALIDATION:
    case OdooErrorCode.MISSING_RECORD:
    case OdooErrorCode.PROTOCOL:
    case OdooErrorCode.INVALID_REQUEST:
      return false;
    default:
      return assertUnreachable(code);
  }
}

/** A business exception (goes to the exception queue with its reason), not a technical failure. */
export function isBusinessCode(code: OdooErrorCode): boolean {
  switch (code) {
    case OdooErrorCode.VALIDATION:
    case OdooErrorCode.MISSING_RECORD:
      return true;
    case OdooErrorCode.AUTHENTICATION:
    case OdooErrorCode.ACCESS_DENIED:
    case OdooErrorCode.CONCURRENCY:
    case OdooErrorCode.RATE_LIMITED:
    case OdooErrorCode.UNAVAILABLE:
    case OdooErrorCode.TIMEOUT:
    case OdooErrorCode.TRANSPORT:
    case OdooErrorCode.PROTOCOL:
    case OdooErrorCode.INVALID_REQUEST:
    case OdooErrorCode.SERVER_ERROR:
      return false;
    default:
      return assertUnreachable(code);
  }
}

/** Whether Odoo may have committed the call although the client saw a failure. */
export function isOutcomeUnknownCode(code: OdooErrorCode): boolean {
  switch (code) {
    case OdooErrorCode.TIMEOUT:
    case OdooErrorCode.TRANSPORT:
    case OdooErrorCode.PROTOCOL:
      return true;
    case OdooErrorCode.AUTHENTICATION:
    case OdooErrorCode.ACCESS_DENIED:
    case OdooErrorCode.VALIDATION:
    case OdooErrorCode.MISSING_RECORD:
    case OdooErrorCode.CONCURRENCY:
    case OdooErrorCode.RATE_LIMITED:
    case OdooErrorCode.UNAVAILABLE:
    case OdooErrorCode.INVALID_REQUEST:
    case OdooErrorCode.SERVER_ERROR:
      return false;
    default:
      return assertUnreachable(code);
  }
}

export interface OdooErrorDetails {
  code: OdooErrorCode;
  message: string;
  /** HTTP status of the answer, when there was one. */
  httpStatus?: number;
  /** Python exception's full name, e.g. `odoo.exceptions.UserError`. */
  odooName?: string;
  /** The exception's own message (Odoo's `message`). */
  odooMessage?: string;
  odooArguments?: unknown[];
  /** Server traceback, when Odoo sent one. */
  odooDebug?: string;
  /** JSON-RPC error code (200/0, 100 session expired, 404). */
  jsonRpcCode?: number;
  /** From `Retry-After`. */
  retryAfterMs?: number;
  model?: string;
  method?: string;
  cause?: unknown;
}

export class OdooError extends Error {
  override readonly name = 'OdooError';
  readonly code: OdooErrorCode;
  readonly retryable: boolean;
  readonly business: boolean;
  readonly outcomeUnknown: boolean;
  readonly httpStatus?: number;
  readonly odooName?: string;
  readonly odooMessage?: string;
  readonly odooArguments?: unknown[];
  readonly odooDebug?: string;
  readonly jsonRpcCode?: number;
  readonly retryAfterMs?: number;
  readonly model?: string;
  readonly method?: string;

  constructor(details: OdooErrorDetails) {
    super(details.message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = details.code;
    this.retryable = isRetryableCode(details.code);
    this.business = isBusinessCode(details.code);
    this.outcomeUnknown = isOutcomeUnknownCode(details.code);
    this.httpStatus = details.httpStatus;
    this.odooName = details.odooName;
    this.odooMessage = details.odooMessage;
    this.odooArguments = details.odooArguments;
    this.odooDebug = details.odooDebug;
    this.jsonRpcCode = details.jsonRpcCode;
    this.retryAfterMs = details.retryAfterMs;
    this.model = details.model;
    this.method = details.method;
  }
}

/** Whether an Odoo read failed because Odoo is down or refuses the key (every record alike): consumers hold their records (a DependencyUnavailableError), never dead-letter them. */
export function odooIsDown(error: unknown): boolean {
  let current = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    if (current instanceof OdooError) {
      switch (current.code) {
        case OdooErrorCode.UNAVAILABLE:
        case OdooErrorCode.TIMEOUT:
        case OdooErrorCode.TRANSPORT:
        case OdooErrorCode.RATE_LIMITED:
        case OdooErrorCode.CONCURRENCY:
        case OdooErrorCode.PROTOCOL:
        case OdooErrorCode.AUTHENTICATION:
        case OdooErrorCode.ACCESS_DENIED:
          return true;
        // A 500 or a refused query may come from this record's own data: counted, then dead-lettered.
        case OdooErrorCode.SERVER_ERROR:
        case OdooErrorCode.VALIDATION:
        case OdooErrorCode.MISSING_RECORD:
        case OdooErrorCode.INVALID_REQUEST:
          return false;
      }
    }
    current = current.cause;
  }
  return false;
}
