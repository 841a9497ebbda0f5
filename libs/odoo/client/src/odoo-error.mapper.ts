// From what Odoo (or a proxy in front of it) answered to an OdooErrorCode. Names and statuses come from
// odoo/exceptions.py (http_status per class), odoo/http.py (Json2Dispatcher / JsonRPCDispatcher
// handle_error), addons/rpc/controllers/json2.py and ir_http._auth_method_bearer.
import { OdooErrorCode } from './odoo.exception';

const BY_NAME: Record<string, OdooErrorCode> = {
  'werkzeug.exceptions.Unauthorized': OdooErrorCode.AUTHENTICATION,
  'odoo.exceptions.AccessDenied': OdooErrorCode.AUTHENTICATION,
  'odoo.http.SessionExpiredException': OdooErrorCode.AUTHENTICATION,
  'odoo.exceptions.AccessError': OdooErrorCode.ACCESS_DENIED,
  'werkzeug.exceptions.Forbidden': OdooErrorCode.ACCESS_DENIED,
  'odoo.exceptions.MissingError': OdooErrorCode.MISSING_RECORD,
  'odoo.exceptions.LockError': OdooErrorCode.CONCURRENCY,
  'odoo.exceptions.ConcurrencyError': OdooErrorCode.CONCURRENCY,
  'odoo.exceptions.UserError': OdooErrorCode.VALIDATION,
  'odoo.exceptions.ValidationError': OdooErrorCode.VALIDATION,
  'odoo.exceptions.RedirectWarning': OdooErrorCode.VALIDATION,
  'odoo.exceptions.except_orm': OdooErrorCode.VALIDATION,
  'odoo.exceptions.Warning': OdooErrorCode.VALIDATION,
  'werkzeug.exceptions.BadRequest': OdooErrorCode.INVALID_REQUEST,
  'werkzeug.exceptions.NotFound': OdooErrorCode.INVALID_REQUEST,
  'werkzeug.exceptions.MethodNotAllowed': OdooErrorCode.INVALID_REQUEST,
  'werkzeug.exceptions.UnprocessableEntity': OdooErrorCode.INVALID_REQUEST,
  'werkzeug.exceptions.UnsupportedMediaType': OdooErrorCode.INVALID_REQUEST,
  'werkzeug.exceptions.RequestEntityTooLarge': OdooErrorCode.INVALID_REQUEST,
  'werkzeug.exceptions.TooManyRequests': OdooErrorCode.RATE_LIMITED,
  'werkzeug.exceptions.ServiceUnavailable': OdooErrorCode.UNAVAILABLE,
  // the ORM's answers to a malformed call (unknown field, bad arguments, unknown method over JSON-RPC)
  'builtins.ValueError': OdooErrorCode.INVALID_REQUEST,
  'builtins.TypeError': OdooErrorCode.INVALID_REQUEST,
  'builtins.AttributeError': OdooErrorCode.INVALID_REQUEST,
};

/** PostgreSQL concurrency failures that Odoo's retrying() gave up on (psycopg2 and psycopg 3). */
const CONCURRENCY_NAME =
  /^psycopg2?\.(errors|extensions)\.(SerializationFailure|DeadlockDetected|LockNotAvailable|TransactionRollbackError)$/;

export interface FaultDescription {
  httpStatus?: number;
  /** Python exception name from the error body. */
  name?: string;
  message?: string;
  /** JSON-RPC `error.code`. */
  jsonRpcCode?: number;
}

function byStatus(status: number): OdooErrorCode | undefined {
  if (status === 401) return OdooErrorCode.AUTHENTICATION;
  if (status === 403) return OdooErrorCode.ACCESS_DENIED;
  if (status === 408 || status === 504) return OdooErrorCode.TIMEOUT;
  if (status === 409) return OdooErrorCode.CONCURRENCY;
  if (status === 429) return OdooErrorCode.RATE_LIMITED;
  if (status === 502 || status === 503) return OdooErrorCode.UNAVAILABLE;
  // UserError's default http_status; werkzeug's 422 is named and caught before
  if (status === 422) return OdooErrorCode.VALIDATION;
  if (status >= 400 && status < 500) return OdooErrorCode.INVALID_REQUEST;
  if (status >= 500) return OdooErrorCode.SERVER_ERROR;
  return undefined;
}

export function classifyOdooFault(fault: FaultDescription): OdooErrorCode {
  const { httpStatus, name = '', message = '', jsonRpcCode } = fault;
  // gateway answers win whatever the body says: the call never reached (or never left) Odoo
  if (httpStatus === 429) return OdooErrorCode.RATE_LIMITED;
  if (httpStatus === 502 || httpStatus === 503) return OdooErrorCode.UNAVAILABLE;
  if (httpStatus === 504) return OdooErrorCode.TIMEOUT;

  // JSON-RPC reports an unknown model as a UserError (odoo/service/model.py execute_cr)
  if (name === 'odoo.exceptions.UserError' && /^Object \S+ doesn't exist$/.test(message)) {
    return OdooErrorCode.INVALID_REQUEST;
  }
  const named = BY_NAME[name];
  if (named) return named;
  if (CONCURRENCY_NAME.test(name)) return OdooErrorCode.CONCURRENCY;
  if (jsonRpcCode === 100) return OdooErrorCode.AUTHENTICATION;
  if (jsonRpcCode === 404) return OdooErrorCode.INVALID_REQUEST;

  if (httpStatus !== undefined && httpStatus !== 200) {
    return byStatus(httpStatus) ?? OdooErrorCode.PROTOCOL;
  }
  // JSON-RPC (HTTP 200): an addon's own UserError subclass still lives under odoo.*
  if (name.startsWith('odoo.addons.') || name.startsWith('odoo.exceptions.')) return OdooErrorCode.VALIDATION;
  return OdooErrorCode.SERVER_ERROR;
}

/** `Retry-After` as delay-seconds or an HTTP date, in ms; undefined when absent or unreadable. */
export function parseRetryAfter(
  header: string | null | undefined,
  now: number = Date.now(),
): number | undefined {
  if (header === null || header === undefined || header.trim() === '') return undefined;
  const value = header.trim();
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
