// `load` is all-or-nothing: one bad record (an unknown product) and `ids` is false for all of them. The
// messages say which record failed (`record`, or its `rows`): those are refused and the rest loaded
// again; when no message names a record, the batch is bisected until the culprit is alone.
import type { LoadMessage } from '@tradewind/odoo-client';

import { OdooWriterErrorCode, OdooWriterException } from '../odoo-writer.exception';
import { isOdooBusinessError, type OdooGateway } from './odoo-gateway';

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

  const attempt = async (indices: number[]): Promise<void> => {
    let pending = indices;
    while (pending.length > 0) {
      const rows = pending.flatMap((index) => records[index].rows);
      let answer;
      try {
        answer = await odoo.load(model, fields, rows);
      } catch (error) {
        // Odoo raised instead of reporting a message: split until the record that raises is alone.
        if (!isOdooBusinessError(error)) throw error;
        if (pending.length === 1) {
          results[pending[0]] = {
            ok: false,
            error: rejected(model, error.odooMessage ?? error.message, [], error.odooName, error),
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
      for (const [position, messages] of failing) {
        results[pending[position]] = { ok: false, error: rejected(model, describe(messages), messages) };
      }
      pending = pending.filter((_, position) => !failing.has(position));
    }
  };

  const bisect = async (pending: number[]): Promise<void> => {
    const half = Math.ceil(pending.length / 2);
    await attempt(pending.slice(0, half));
    await attempt(pending.slice(half));
  };

  await attempt(records.map((_, index) => index));
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
