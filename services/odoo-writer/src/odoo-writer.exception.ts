// The writer's one exception class. Whether a failure is a business error (ops.exceptions at once, never
// retried) or a technical one (retried, then dead-lettered) follows from the code alone.

import { assertUnreachable } from '@tradewind/contracts';

export enum OdooWriterErrorCode {
  /** The command itself is malformed (missing body, bad reference, negative quantity...). */
  InvalidCommand = 'ODOO_WRITER_INVALID_COMMAND',
  /** Odoo refused the write: UserError, ValidationError, an import message (unknown product...). */
  OdooRejected = 'ODOO_VALIDATION',
  /** A record the command names (or needs) does not exist in Odoo. */
  MissingRecord = 'ODOO_MISSING_RECORD',
  /** The target is in a state the command cannot move it from (a cancelled order to confirm...). */
  InvalidState = 'ODOO_INVALID_STATE',
  /** Odoo failed technically and the writer's attempts are used up. */
  OdooFailed = 'ODOO_CALL_FAILED',
  /**
   * Odoo failed on this command alone (a record rule's AccessError, a server error its record causes, a
   * timeout of the command by itself, a conflict that persists): technical, retried, then dead-lettered.
   */
  CommandFailed = 'ODOO_COMMAND_FAILED',
  /** Odoo answered something the writer cannot interpret (a load without one id per record...). */
  UnexpectedAnswer = 'ODOO_UNEXPECTED_ANSWER',
}

export function isBusinessCode(code: OdooWriterErrorCode): boolean {
  switch (code) {
    case OdooWriterErrorCode.InvalidCommand:
    case OdooWriterErrorCode.OdooRejected:
    case OdooWriterErrorCode.MissingRecord:
    case OdooWriterErrorCode.InvalidState:
      return true;
    case OdooWriterErrorCode.OdooFailed:
    case OdooWriterErrorCode.CommandFailed:
    case OdooWriterErrorCode.UnexpectedAnswer:
      return false;
    default:
      return assertUnreachable(code);
  }
}

export interface OdooWriterErrorDetail {
  code: string;
  message: string;
  location?: string | null;
}

export class OdooWriterException extends Error {
  override readonly name = 'OdooWriterException';
  readonly business: boolean;
  /** Odoo's exception name (odoo.exceptions.UserError...) when Odoo raised it. */
  readonly odooName: string | undefined;
  readonly details: OdooWriterErrorDetail[];

  constructor(
    readonly code: OdooWriterErrorCode,
    message: string,
    options: {
      cause?: unknown;
      odooName?: string;
      details?: OdooWriterErrorDetail[];
    } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.business = isBusinessCode(code);
    this.odooName = options.odooName;
    this.details = options.details ?? [];
  }
}
