/**
 * A reference to an Odoo record as commands carry it: a database id written as a decimal string, or an
 * external id `module.name` (ir.model.data). `load` takes the first in a `field/.id` column and the
 * second in a `field/id` column.
 */
export type OdooRef = { kind: 'id'; id: number; text: string } | { kind: 'xid'; xid: string; text: string };

/** `module.name`, as Odoo's ir.model.data stores it (module without dots, name without spaces). */
export const EXTERNAL_ID_PATTERN = /^[A-Za-z0-9_]+\.[A-Za-z0-9_.-]+$/;

export function isExternalId(text: string): boolean {
  return EXTERNAL_ID_PATTERN.test(text) && text.length <= 255;
}

export function parseRef(text: string): OdooRef | undefined {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) {
    const id = Number(trimmed);
    return Number.isSafeInteger(id) && id > 0 ? { kind: 'id', id, text: trimmed } : undefined;
  }
  return isExternalId(trimmed) ? { kind: 'xid', xid: trimmed, text: trimmed } : undefined;
}

/** The `load` column and cell for a relational field given by reference. */
export function refColumn(path: string, ref: OdooRef): [column: string, cell: string] {
  return ref.kind === 'id' ? [`${path}/.id`, String(ref.id)] : [`${path}/id`, ref.xid];
}

/** `module.name` split in two. */
export function splitExternalId(xid: string): { module: string; name: string } {
  const dot = xid.indexOf('.');
  return { module: xid.slice(0, dot), name: xid.slice(dot + 1) };
}
