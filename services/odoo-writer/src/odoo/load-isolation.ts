// `load` is all-or-nothing: one bad record (an unknown product) and `ids` is false for all of them. The
// messages say which record failed (`record`, or its `rows`): those are refused and the rest loaded
// again; when no message names a record, the batch is bisected until the culprit is alone. A call that
// fails on its records (a record rule, a server error one record causes, a timeout of the whole batch)
// is bisected the same way, and the record that still fails alone is a technical failure of its own.
// A record that lost a race with a concurrent load of its external id is loaded again: the id now
// resolves to the twin's record, which is updated.
import type { LoadMessage } from '@tradewind/odoo-client';

import { OdooWriterErrorCode, OdooWriterException } from '../odoo-writer.exception';
import { isOdooBusinessError, isSplittable, type OdooGateway } from './odoo-gateway';

/** Loads again of a record that keeps losing races before it counts as failed. */
const CONFLICT_RELOADS = 3;

/**
 * Messages of a record another transaction wrote at the same time: the unique index of external ids
 * (two loads creating one id) or a serialization failure. Nothing is wrong with the record itself.
 */
const CONCURRENT_WRITE =
  /duplicate key value violates unique constraint "ir_model_data_|could not serialize access due to concurrent update|deadlock detected/;

export function isConcurrentWrite(message: LoadMessage): boolean {
  return CONCURRENT_WRITE.test(message.message);
}

/** One record's rows: the first carries its fields, the next ones only one2many sub-rows (lines). */
export interface LoadRecord {
  rows: string[][];
}

export type LoadSettlement = { ok: true; id: number } | { ok: false; error: OdooWriterException };

export async function loadIsolating(
  odoo: Pick<OdooGateway, 'load'>,
  model: string,
  fields: readonly string[],
  records: readonly LoadRecord[],
): Promise<LoadSettlement[]> {
  const results: LoadSettlement[] = new Array<LoadSettlement>(records.length);

  const conflicts = new Map<number, number>();

  /** `part`: a half of a split batch, whose failures are its own (its neighbours keep their results). */
  const attempt = async (indices: number[], part: boolean): Promise<void> => {
    let pending = indices;
    while (pending.length > 0) {
      const rows = pending.flatMap((index) => records[index].rows);
      let answer;
      try {
        answer = await odoo.load(model, fields, rows, pending.length);
      } catch (error) {
        // Odoo raised instead of reporting a message: split until the record that raises is alone.
        const business = isOdooBusinessError(error);
        if (!business && !isSplittable(error, pending.length)) {
          if (!part) throw error;
          const failure = odooFailed(`${model}.load failed: ${errorMessage(error)}`, error);
          for (const index of pending) results[index] = { ok: false, error: failure };
          return;
        }
        if (pending.length === 1) {
          const message = error.odooMessage ?? error.message;
          results[pending[0]] = {
            ok: false,
            error: business
              ? rejected(model, message, [], error.odooName, error)
              : failedAlone(`${model}.load failed on this record: ${message}`, error),
          };
          return;
        }
        await bisect(pending);
        return;
      }
      if (answer.ids !== false) {
        if (answer.ids.length !== pending.length) {
          throw new OdooWriterException(
            OdooWriterErrorCode.UnexpectedAnswer,
            `${model}.load returned ${answer.ids.length} ids for ${pending.length} records`,
          );
        }
        const ids = answer.ids;
        pending.forEach((index, position) => (results[index] = { ok: true, id: ids[position] }));
        return;
      }
      const failing = failingPositions(
        answer.messages,
        pending.map((index) => records[index].rows.length),
      );
      if (failing.size === 0) {
        if (pending.length === 1) {
          const errors = answer.messages.filter((m) => m.type === 'error');
          results[pending[0]] = {
            ok: false,
            error: rejected(
              model,
              describe(errors) || `${model}.load refused the record without a message`,
              errors,
            ),
          };
          return;
        }
        await bisect(pending);
        return;
      }
      const settled = new Set<number>();
      for (const [position, messages] of failing) {
        const index = pending[position];
        if (messages.every(isConcurrentWrite)) {
          const reloads = (conflicts.get(index) ?? 0) + 1;
          conflicts.set(index, reloads);
          if (reloads <= CONFLICT_RELOADS) continue;
          results[index] = {
            ok: false,
            error: failedAlone(
              `${model}.load kept conflicting with concurrent writes: ${describe(messages)}`,
            ),
          };
        } else {
          results[index] = { ok: false, error: rejected(model, describe(messages), messages) };
        }
        settled.add(position);
      }
      pending = pending.filter((_, position) => !settled.has(position));
    }
  };

  const bisect = async (pending: number[]): Promise<void> => {
    const half = Math.ceil(pending.length / 2);
    await attempt(pending.slice(0, half), true);
    await attempt(pending.slice(half), true);
  };

  await attempt(
    records.map((_, index) => index),
    false,
  );
  return results;
}

/** Positions (in the loaded list) of the records the error messages name, by `record` or by `rows`. */
export function failingPositions(
  messages: readonly LoadMessage[],
  rowCounts: readonly number[],
): Map<number, LoadMessage[]> {
  const starts: number[] = [];
  rowCounts.reduce((row, count) => (starts.push(row), row + count), 0);
  const byRow = (row: number): number | undefined => {
    for (let position = starts.length - 1; position >= 0; position--) {
      if (row >= starts[position]) return row < starts[position] + rowCounts[position] ? position : undefined;
    }
    return undefined;
  };
  const failing = new Map<number, LoadMessage[]>();
  for (const message of messages) {
    if (message.type !== 'error') continue;
    const position =
      typeof message.record === 'number' && message.record >= 0 && message.record < rowCounts.length
        ? message.record
        : message.rows
          ? byRow(message.rows.from)
          : undefined;
    if (position === undefined) continue;
    failing.set(position, [...(failing.get(position) ?? []), message]);
  }
  return failing;
}

/** Odoo's failure (an outage, a record timing out alone) met by a part of a split batch. */
function odooFailed(message: string, cause: unknown): OdooWriterException {
  return new OdooWriterException(OdooWriterErrorCode.OdooFailed, message, { cause });
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function failedAlone(message: string, cause?: unknown): OdooWriterException {
  return new OdooWriterException(OdooWriterErrorCode.CommandFailed, message, { cause });
}

function describe(messages: readonly LoadMessage[]): string {
  return [...new Set(messages.map((m) => m.message))].join('; ');
}

function rejected(
  model: string,
  message: string,
  messages: readonly LoadMessage[],
  odooName = 'odoo.load',
  cause?: unknown,
): OdooWriterException {
  return new OdooWriterException(OdooWriterErrorCode.OdooRejected, message, {
    odooName,
    cause,
    details: messages.map((m) => ({
      code: OdooWriterErrorCode.OdooRejected,
      message: m.message,
      location: m.field ? `${model}.${m.field}` : null,
    })),
  });
}
