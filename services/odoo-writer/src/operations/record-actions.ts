// A record method (action_confirm, button_validate, action_post) on many records in one call. Odoo runs
// it for all or none: when it refuses, the ids are bisected until the refused record is alone, and that
// record's state is read again: if it reached the target state anyway (a confirmation that committed
// before a timeout, another user), the command counts as done. A call that fails on its records (a
// record rule, a server error one record causes, a timeout of the whole batch) is bisected the same way;
// the record that still fails alone is a technical failure of its own, not an Odoo outage.
import { ResultOutcome } from '@tradewind/contracts';
import { OdooErrorCode } from '@tradewind/odoo-client';

import { isOdooBusinessError, isSplittable, type OdooGateway } from '../odoo/odoo-gateway';
import { OdooWriterErrorCode, OdooWriterException } from '../odoo-writer.exception';
import type { WriteOutcomeKind } from './write-operation';

export type ActionSettlement =
  { ok: true; outcome: WriteOutcomeKind } | { ok: false; error: OdooWriterException };

export interface RecordAction {
  model: string;
  method: string;
  /** States in which the record needs nothing more. */
  doneStates: readonly string[];
}

export async function runRecordAction(
  odoo: Pick<OdooGateway, 'action' | 'searchRead'>,
  action: RecordAction,
  ids: readonly number[],
): Promise<Map<number, ActionSettlement>> {
  const settled = new Map<number, ActionSettlement>();
  /** `part`: a half of a split call, whose failures are its own (its neighbours keep their verdicts). */
  const attempt = async (batch: readonly number[], part: boolean): Promise<void> => {
    if (batch.length === 0) return;
    try {
      await odoo.action(action.model, action.method, batch);
      for (const id of batch) settled.set(id, { ok: true, outcome: ResultOutcome.Written });
    } catch (error) {
      const business = isOdooBusinessError(error);
      if (!business && !isSplittable(error, batch.length)) {
        if (!part) throw error;
        const message = error instanceof Error ? error.message : String(error);
        const failure = new OdooWriterException(
          OdooWriterErrorCode.OdooFailed,
          `${action.model}.${action.method} failed: ${message}`,
          { cause: error },
        );
        for (const id of batch) settled.set(id, { ok: false, error: failure });
        return;
      }
      if (batch.length > 1) {
        const half = Math.ceil(batch.length / 2);
        await attempt(batch.slice(0, half), true);
        await attempt(batch.slice(half), true);
        return;
      }
      const [id] = batch;
      const [row] = await odoo.searchRead(action.model, [['id', '=', id]], ['state']);
      if (row && action.doneStates.includes(stateOf(row))) {
        settled.set(id, { ok: true, outcome: ResultOutcome.AlreadyDone });
        return;
      }
      const code = !business
        ? OdooWriterErrorCode.CommandFailed
        : error.code === OdooErrorCode.MISSING_RECORD
          ? OdooWriterErrorCode.MissingRecord
          : OdooWriterErrorCode.OdooRejected;
      settled.set(id, {
        ok: false,
        error: new OdooWriterException(code, error.odooMessage ?? error.message, {
          odooName: error.odooName,
          cause: error,
        }),
      });
    }
  };
  await attempt([...new Set(ids)], false);
  return settled;
}

/** `model` records' states by id (absent: the record does not exist). */
export async function readStates(
  odoo: Pick<OdooGateway, 'searchRead'>,
  model: string,
  ids: readonly number[],
  fields: readonly string[] = ['state'],
): Promise<Map<number, Record<string, unknown>>> {
  if (ids.length === 0) return new Map();
  const rows = await odoo.searchRead(model, [['id', 'in', [...new Set(ids)]]], fields);
  return new Map(rows.map((row) => [row.id, row]));
}

export function missing(what: string, ref: string): OdooWriterException {
  return new OdooWriterException(OdooWriterErrorCode.MissingRecord, `${what} ${ref} does not exist in Odoo`);
}

export function invalidState(what: string, ref: string, state: unknown, wanted: string): OdooWriterException {
  return new OdooWriterException(
    OdooWriterErrorCode.InvalidState,
    `${what} ${ref} is ${String(state)}: it cannot be ${wanted}`,
  );
}

/** Per command: settled already (missing, done, wrong state), or waiting for the action on `act`. */
export type PlannedAction<O> = { settled: O } | { act: number };

/** Turns the action verdicts into one settlement per planned command. */
export function settlePlan<O>(
  plan: readonly PlannedAction<O>[],
  verdicts: ReadonlyMap<number, ActionSettlement>,
  toSettled: (id: number, verdict: ActionSettlement) => O,
): O[] {
  return plan.map((entry) => {
    if ('settled' in entry) return entry.settled;
    const verdict = verdicts.get(entry.act);
    if (!verdict)
      throw new OdooWriterException(
        OdooWriterErrorCode.UnexpectedAnswer,
        `no verdict for record ${entry.act}`,
      );
    return toSettled(entry.act, verdict);
  });
}

/** A record's `state` selection value ('' when absent). */
export function stateOf(row: Record<string, unknown> | undefined): string {
  const state = row?.state;
  return typeof state === 'string' ? state : '';
}
