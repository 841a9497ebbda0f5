// Failures that belong to one record, not to the server: what tests arm to check that a client keeps
// them apart from outages. Each reproduces what Odoo answers in that case:
// - a record rule that hides a record from the API user: ir.rule's AccessError (`_make_access_error`,
//   HTTP 403 through JSON-2, an import message through `load`);
// - a server error one record triggers (a custom compute failing on its data): a KeyError, HTTP 500
//   with its traceback, "Unknown error during import" through `load`;
// - a concurrent twin: another transaction creates the same external id while this `load` runs, so this
//   one hits ir_model_data's unique index (psycopg2 UniqueViolation, reported as a `load` message) and
//   the twin's record stays.
import { PythonError } from './python-error';
import type { ExternalIdTarget } from './record.store';

export type RecordFault =
  | { kind: 'record-rule'; externalId: string }
  | { kind: 'server-error'; externalId: string }
  /** Consumed by the next `load` that would create the external id. */
  | { kind: 'concurrent-create'; externalId: string };

export class RecordFaults {
  private armed: RecordFault[] = [];

  arm(fault: RecordFault): void {
    this.armed.push(fault);
  }

  clear(): void {
    this.armed = [];
  }

  /** The error a write to (model, id) raises, given the external ids it resolves from. */
  onWrite(
    model: string,
    id: number,
    resolve: (externalId: string) => ExternalIdTarget | undefined,
    describe: () => { user: string; uid: number; modelDescription: string; displayName: string },
  ): PythonError | undefined {
    for (const fault of this.armed) {
      if (fault.kind === 'concurrent-create') continue;
      const target = resolve(fault.externalId);
      if (!target || target.model !== model || target.resId !== id) continue;
      if (fault.kind === 'record-rule') {
        const who = describe();
        const message =
          'Uh-oh! Looks like you have stumbled upon some top-secret records.\n\n' +
          `Sorry, ${who.user} (id=${who.uid}) doesn't have 'write' access to:\n` +
          `- ${who.modelDescription}, ${who.displayName} (${model}: ${id})\n\n` +
          'If you really, really need access, perhaps you can win over your friendly administrator with a batch of freshly baked cookies.';
        return new PythonError('odoo.exceptions.AccessError', message, [message], 403);
      }
      return new PythonError('builtins.KeyError', "'x_studio_margin_band'", ["'x_studio_margin_band'"], 500);
    }
    return undefined;
  }

  /** Whether a concurrent twin creates `externalId` first (the fault is used up). */
  takeConcurrentCreate(externalId: string): boolean {
    const index = this.armed.findIndex((f) => f.kind === 'concurrent-create' && f.externalId === externalId);
    if (index < 0) return false;
    this.armed.splice(index, 1);
    return true;
  }
}

/** psycopg2's UniqueViolation on ir_model_data, as `load` reports it for the losing record. */
export function xmlidUniqueViolation(externalId: string): PythonError {
  const dot = externalId.indexOf('.');
  const message =
    'duplicate key value violates unique constraint "ir_model_data_module_name_uniq_index"\n' +
    `DETAIL:  Key (module, name)=(${externalId.slice(0, dot)}, ${externalId.slice(dot + 1)}) already exists.\n`;
  return new PythonError('psycopg2.errors.UniqueViolation', message, [message], 500);
}
