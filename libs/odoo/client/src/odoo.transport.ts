// What both transports execute: one model method call, with ids for record methods.
import type { OdooApiFlavor, OdooContext } from './odoo.types';

export interface OdooCall {
  model: string;
  method: string;
  /** Present for record methods (read, write, action_*), absent for @api.model ones. */
  ids?: readonly number[];
  /** Named arguments (JSON-2 sends them all by name). */
  params: Record<string, unknown>;
  /**
   * Params JSON-RPC passes positionally, in this order, after the ids: parameter names changed across
   * versions (`search(args, ...)` in 16, `search(domain, ...)` in 17), positions did not.
   */
  positional?: readonly string[];
  context?: OdooContext;
  timeoutMs: number;
}

export interface OdooTransport {
  readonly flavor: OdooApiFlavor;
  execute(call: OdooCall): Promise<unknown>;
}
