import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { type LoadResult, OdooError, OdooErrorCode } from '@tradewind/odoo-client';

import { OdooWriterErrorCode } from '../odoo-writer.exception';
import { failingPositions, loadIsolating, type LoadRecord } from './load-isolation';

/** A fake `load`: records whose first cell is in `bad` fail with a message naming them (or not). */
function fakeOdoo(bad: Set<string>, options: { namesRecord?: boolean; raises?: boolean } = {}) {
  const calls: string[][] = [];
  return {
    calls,
    load: (
      _model: string,
      _fields: readonly string[],
      rows: readonly (readonly string[])[],
    ): Promise<LoadResult> => {
      const records = rows.filter((row) => row[0] !== '').map((row) => row[0]);
      calls.push(records);
      const failing = records.flatMap((xid, index) => (bad.has(xid) ? [index] : []));
      if (failing.length === 0)
        return Promise.resolve({ ids: records.map((_, i) => 100 + i), messages: [], nextrow: 0 });
      if (options.raises) {
        return Promise.reject(
          new OdooError({
            code: OdooErrorCode.VALIDATION,
            message: 'x',
            odooMessage: 'The quantity is negative',
            odooName: 'odoo.exceptions.ValidationError',
          }),
        );
      }
      return Promise.resolve({
        ids: false,
        nextrow: 0,
        messages: failing.map((index) => ({
          type: 'error' as const,
          message: `No matching record found for ${records[index]}`,
          field: 'partner_id',
          ...(options.namesRecord === false ? {} : { record: index }),
        })),
      });
    },
  };
}

const records = (...xids: string[]): LoadRecord[] =>
  xids.map((xid) => ({
    rows: [
      [xid, 'x'],
      ['', 'line'],
    ],
  }));

describe('loadIsolating (load is all-or-nothing)', () => {
  it('loads a clean batch in one call, one id per record', async () => {
    const odoo = fakeOdoo(new Set());
    const settled = await loadIsolating(odoo, 'sale.order', ['id', 'f'], records('a', 'b', 'c'));
    assert.deepEqual(settled, [
      { ok: true, id: 100 },
      { ok: true, id: 101 },
      { ok: true, id: 102 },
    ]);
    assert.equal(odoo.calls.length, 1);
  });

  it('drops the records the messages name and loads the rest again', async () => {
    const odoo = fakeOdoo(new Set(['b', 'd']));
    const settled = await loadIsolating(odoo, 'sale.order', ['id', 'f'], records('a', 'b', 'c', 'd', 'e'));
    assert.deepEqual(odoo.calls, [
      ['a', 'b', 'c', 'd', 'e'],
      ['a', 'c', 'e'],
    ]);
    assert.deepEqual(
      settled.map((s) => (s.ok ? s.id : s.error.code)),
      [100, OdooWriterErrorCode.OdooRejected, 101, OdooWriterErrorCode.OdooRejected, 102],
    );
    const refused = settled[1];
    assert.ok(
      !refused.ok && refused.error.business && /No matching record found for b/.test(refused.error.message),
    );
    assert.equal(!refused.ok && refused.error.details[0].location, 'sale.order.partner_id');
  });

  it('bisects when no message names a record', async () => {
    const odoo = fakeOdoo(new Set(['c']), { namesRecord: false });
    const settled = await loadIsolating(odoo, 'sale.order', ['id', 'f'], records('a', 'b', 'c', 'd'));
    assert.deepEqual(
      settled.map((s) => s.ok),
      [true, true, false, true],
    );
    assert.deepEqual(odoo.calls[0], ['a', 'b', 'c', 'd']);
    assert.ok(odoo.calls.length <= 5, `${odoo.calls.length} calls`);
  });

  it('bisects when Odoo raises instead of reporting, and keeps its message', async () => {
    const odoo = fakeOdoo(new Set(['b']), { raises: true });
    const settled = await loadIsolating(odoo, 'sale.order', ['id', 'f'], records('a', 'b', 'c'));
    assert.deepEqual(
      settled.map((s) => s.ok),
      [true, false, true],
    );
    const refused = settled[1];
    assert.ok(!refused.ok && refused.error.message === 'The quantity is negative');
    assert.equal(!refused.ok && refused.error.odooName, 'odoo.exceptions.ValidationError');
  });

  it('lets a technical failure through (the batch is retried whole)', async () => {
    const odoo = {
      load: () => Promise.reject(new OdooError({ code: OdooErrorCode.TIMEOUT, message: 'no answer' })),
    };
    await assert.rejects(loadIsolating(odoo, 'sale.order', ['id'], records('a')), /no answer/);
  });

  it('maps messages to records by their rows when `record` is absent', () => {
    const failing = failingPositions(
      [
        { type: 'error', message: 'bad line', rows: { from: 3, to: 3 } },
        { type: 'warning', message: 'ignored', record: 0 },
      ],
      [2, 1, 2],
    );
    assert.deepEqual([...failing.keys()], [2]);
  });

  it('bisects a call that fails on its records (record rule, server error); the culprit fails alone, technically', async () => {
    const calls: string[][] = [];
    const odoo = {
      load: (
        _m: string,
        _f: readonly string[],
        rows: readonly (readonly string[])[],
      ): Promise<LoadResult> => {
        const xids = rows.filter((row) => row[0] !== '').map((row) => row[0]);
        calls.push(xids);
        return xids.includes('c')
          ? Promise.reject(
              new OdooError({
                code: OdooErrorCode.SERVER_ERROR,
                message: 'x',
                odooMessage: "'x_studio_margin_band'",
                odooName: 'builtins.KeyError',
              }),
            )
          : Promise.resolve({ ids: xids.map((_, i) => 200 + i), messages: [], nextrow: 0 });
      },
    };
    const settled = await loadIsolating(odoo, 'sale.order', ['id', 'f'], records('a', 'b', 'c', 'd'));
    assert.deepEqual(
      settled.map((s) => (s.ok ? 'ok' : s.error.code)),
      ['ok', 'ok', OdooWriterErrorCode.CommandFailed, 'ok'],
    );
    const failed = settled[2];
    assert.ok(!failed.ok && !failed.error.business && failed.error.cause instanceof OdooError);
    assert.deepEqual(calls, [['a', 'b', 'c', 'd'], ['a', 'b'], ['c', 'd'], ['c'], ['d']]);
  });

  it('splits a batch that times out; a record that times out alone fails alone, its neighbours are written', async () => {
    const sizes: number[] = [];
    const odoo = {
      load: (
        _m: string,
        _f: readonly string[],
        rows: readonly (readonly string[])[],
        records: number,
      ): Promise<LoadResult> => {
        sizes.push(records);
        const xids = rows.filter((r) => r[0] !== '').map((r) => r[0]);
        return records > 2 || xids.includes('c')
          ? Promise.reject(new OdooError({ code: OdooErrorCode.TIMEOUT, message: 'no answer' }))
          : Promise.resolve({ ids: xids.map((_, i) => i + 1), messages: [], nextrow: 0 });
      },
    };
    const settled = await loadIsolating(odoo, 'sale.order', ['id', 'f'], records('a', 'b', 'c', 'd', 'e'));
    assert.deepEqual(
      settled.map((s) => s.ok),
      [true, true, false, true, true],
    );
    const failed = settled[2];
    // Odoo's failure, not the command's: the service counts it as an outage while the breaker is open
    assert.ok(!failed.ok && failed.error.code === OdooWriterErrorCode.OdooFailed);
    assert.ok(!failed.ok && failed.error.cause instanceof OdooError);
    assert.deepEqual(sizes, [5, 3, 2, 1, 2]);
  });

  it('throws a whole batch that fails as Odoo fails (the service retries it)', async () => {
    const odoo = {
      load: () => Promise.reject(new OdooError({ code: OdooErrorCode.TRANSPORT, message: 'ECONNRESET' })),
    };
    await assert.rejects(loadIsolating(odoo, 'sale.order', ['id'], records('a', 'b')), /ECONNRESET/);
  });

  it('loads again a record that lost a race with a concurrent load of its external id (not a refusal)', async () => {
    let raced = false;
    const odoo = {
      load: (
        _m: string,
        _f: readonly string[],
        rows: readonly (readonly string[])[],
      ): Promise<LoadResult> => {
        const xids = rows.filter((row) => row[0] !== '').map((row) => row[0]);
        if (!raced && xids.includes('b')) {
          raced = true;
          return Promise.resolve({
            ids: false,
            nextrow: 0,
            messages: [
              {
                type: 'error' as const,
                record: xids.indexOf('b'),
                rows: { from: 2, to: 3 },
                message:
                  'duplicate key value violates unique constraint "ir_model_data_module_name_uniq_index"\n' +
                  'DETAIL:  Key (module, name)=(tradewind, b) already exists.\n',
              },
            ],
          });
        }
        return Promise.resolve({ ids: xids.map((_, i) => 300 + i), messages: [], nextrow: 0 });
      },
    };
    const settled = await loadIsolating(odoo, 'sale.order', ['id', 'f'], records('a', 'b', 'c'));
    assert.deepEqual(settled, [
      { ok: true, id: 300 },
      { ok: true, id: 301 },
      { ok: true, id: 302 },
    ]);
  });

  it('gives up on a record that keeps conflicting, as a technical failure', async () => {
    const odoo = {
      load: (): Promise<LoadResult> =>
        Promise.resolve({
          ids: false,
          nextrow: 0,
          messages: [
            {
              type: 'error' as const,
              record: 0,
              message: 'could not serialize access due to concurrent update',
            },
          ],
        }),
    };
    const [settled] = await loadIsolating(odoo, 'sale.order', ['id', 'f'], records('a'));
    assert.ok(!settled.ok && settled.error.code === OdooWriterErrorCode.CommandFailed);
  });
});
