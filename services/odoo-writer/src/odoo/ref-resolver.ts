import type { OdooRef } from '../commands/odoo-ref';
import { splitExternalId } from '../commands/odoo-ref';
import type { OdooGateway } from './odoo-gateway';

export interface ResolvedRef {
  model: string;
  id: number;
}

interface ModelData {
  id: number;
  module: string;
  name: string;
  model: string;
  res_id: number;
}

/**
 * Database ids for references (by `ref.text`): decimal ids as they are (their existence is checked by
 * the read that follows), external ids through one ir.model.data read for the whole batch. A reference
 * missing from the map does not exist (or names a record of another model).
 */
export async function resolveRefs(
  odoo: Pick<OdooGateway, 'searchRead'>,
  model: string | readonly string[],
  refs: readonly OdooRef[],
): Promise<Map<string, ResolvedRef>> {
  const models = typeof model === 'string' ? [model] : model;
  const resolved = new Map<string, ResolvedRef>();
  const xids = new Set<string>();
  for (const ref of refs) {
    if (ref.kind === 'id') resolved.set(ref.text, { model: models[0], id: ref.id });
    else xids.add(ref.xid);
  }
  if (xids.size === 0) return resolved;
  const names = [...new Set([...xids].map((xid) => splitExternalId(xid).name))];
  const rows = await odoo.searchRead<ModelData & { [key: string]: unknown }>(
    'ir.model.data',
    [
      ['model', 'in', [...models]],
      ['name', 'in', names],
    ],
    ['module', 'name', 'model', 'res_id'],
  );
  for (const row of rows) {
    const xid = `${row.module}.${row.name}`;
    if (xids.has(xid) && typeof row.res_id === 'number' && row.res_id > 0)
      resolved.set(xid, { model: row.model, id: row.res_id });
  }
  return resolved;
}
