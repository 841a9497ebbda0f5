// What every reader of Odoo shares: many2one values and Odoo's datetimes, batches run with a bounded
// number of requests in flight, and external ids (`module.name`, ir.model.data) to record ids, per
// module, since (module, name) is ir.model.data's unique index. An external id that names nothing is
// absent from the answer.
import type { CallOptions, OdooClient } from '@tradewind/odoo-client';

/** A many2one value: a bare id (read with `load: false`) or `[id, name]`. */
export const idOf = (value: unknown): number | null =>
  typeof value === 'number' ? value : Array.isArray(value) && typeof value[0] === 'number' ? value[0] : null;
export const textOf = (value: unknown): string | null =>
  typeof value === 'string' && value !== '' ? value : null;

/** Odoo's datetime format, UTC, whole seconds. */
export function odooDatetime(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 19).replace('T', ' ');
}

export function chunks<T>(values: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < values.length; i += size) out.push(values.slice(i, i + size));
  return out;
}

/** Runs `run` over `items` with at most `concurrency` running at once; rejects on the first failure. */
export async function eachBounded<T>(
  items: readonly T[],
  concurrency: number,
  run: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const item = items[next++];
      try {
        await run(item);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
}

/** Record ids of one model by external id, in batches of `size` with at most `concurrency` in flight. */
export async function recordIdsOf(
  client: OdooClient,
  model: string,
  externalIds: Iterable<string>,
  batch: { readonly size: number; readonly concurrency?: number; readonly options?: CallOptions },
): Promise<Map<string, number>> {
  const byModule = new Map<string, string[]>();
  for (const xid of new Set(externalIds)) {
    const dot = xid.indexOf('.');
    const names = byModule.get(xid.slice(0, dot)) ?? [];
    names.push(xid.slice(dot + 1));
    byModule.set(xid.slice(0, dot), names);
  }
  const batches = [...byModule].flatMap(([module, names]) =>
    chunks(names, batch.size).map((names) => ({ module, names })),
  );
  const ids = new Map<string, number>();
  await eachBounded(batches, batch.concurrency ?? 1, async ({ module, names }) => {
    const rows = await client.searchRead(
      'ir.model.data',
      [
        ['model', '=', model],
        ['module', '=', module],
        ['name', 'in', names],
      ],
      { ...batch.options, fields: ['name', 'res_id'], order: 'id' },
    );
    for (const row of rows)
      if (typeof row.res_id === 'number') ids.set(`${module}.${String(row.name)}`, row.res_id);
  });
  return ids;
}
