// ops-console's one exception class. A code says what the person did wrong (a 4xx page) or what the
// console cannot do (5xx); httpStatusOf maps them and cannot miss one.
import { assertUnreachable } from '@tradewind/contracts';

export enum ConsoleErrorCode {
  /** Not signed in, or the session is invalid or expired. */
  Unauthenticated = 'UNAUTHENTICATED',
  /** The user's roles or workflows do not allow the action. */
  Forbidden = 'FORBIDDEN',
  /** A form without its valid CSRF token. */
  CsrfMismatch = 'CSRF_MISMATCH',
  NotFound = 'NOT_FOUND',
  /** The action does not apply in the exception's state (e.g. discarding a resolved one). */
  InvalidState = 'INVALID_STATE',
  /** The input breaks a rule (the corrected order, a missing reason); the details say where. */
  InvalidInput = 'INVALID_INPUT',
  /** Four-eyes: the requester cannot approve their own request. */
  SameApprover = 'SAME_APPROVER',
  /** The console's configuration is unusable (OIDC settings, users file). */
  Misconfigured = 'MISCONFIGURED',
  /** A dependency (Kafka, the issuer) did not answer. */
  Unavailable = 'UNAVAILABLE',
}

export interface ConsoleProblem {
  readonly field?: string;
  readonly message: string;
}

export class ConsoleException extends Error {
  override readonly name = 'ConsoleException';

  constructor(
    readonly code: ConsoleErrorCode,
    message: string,
    readonly problems: readonly ConsoleProblem[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function httpStatusOf(code: ConsoleErrorCode): number {
  switch (code) {
    case ConsoleErrorCode.Unauthenticated:
      return 401;
    case ConsoleErrorCode.Forbidden:
    case ConsoleErrorCode.CsrfMismatch:
    case ConsoleErrorCode.SameApprover:
      return 403;
    case ConsoleErrorCode.NotFound:
      return 404;
    case ConsoleErrorCode.InvalidState:
      return 409;
    case ConsoleErrorCode.InvalidInput:
      return 422;
    case ConsoleErrorCode.Misconfigured:
      return 500;
    case ConsoleErrorCode.Unavailable:
      return 503;
    default:
      return assertUnreachable(code);
  }
}
