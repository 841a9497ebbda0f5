// product.product's stock quantities computed as Odoo 17/18 computes them (addons/stock/models/product.py,
// `_compute_quantities_dict` and `_get_domain_locations`): the locations come from the context
// (`warehouse`, `location`: ids, names or lists of them; `strict` for those locations without their
// children), else every warehouse's view location; then
//   qty_available     = Σ quant.quantity in those locations (and their children)
//   free_qty          = qty_available − Σ quant.reserved_quantity
//   incoming_qty      = Σ demand of open moves into them from elsewhere
//   outgoing_qty      = Σ demand of open moves out of them to elsewhere
//   virtual_available = qty_available + incoming_qty − outgoing_qty
// Services have 0 everywhere.
import type { Env } from '../orm/env';
import type { Row } from '../orm/model.types';

export interface StockQuantities {
  qty_available: number;
  free_qty: number;
  incoming_qty: number;
  outgoing_qty: number;
  virtual_available: number;
}

/** Moves counted in incoming/outgoing (Odoo: waiting, confirmed, partially available, assigned). */
const OPEN_MOVE_STATES = new Set(['waiting', 'confirmed', 'partially_available', 'assigned']);

const ZERO: StockQuantities = {
  qty_available: 0,
  free_qty: 0,
  incoming_qty: 0,
  outgoing_qty: 0,
  virtual_available: 0,
};

/** Odoo's `_search_ids`: ids as given, names matched with ilike. */
function searchIds(env: Env, model: string, given: unknown): number[] {
  const values = Array.isArray(given) ? (given as unknown[]) : [given];
  const ids = values.filter((v): v is number => typeof v === 'number');
  const names = values.filter((v): v is string => typeof v === 'string');
  const sudo = env.sudo();
  for (const name of names) ids.push(...sudo.search(model, [['name', 'ilike', name]]));
  return [...new Set(ids)];
}

function isSet(value: unknown): boolean {
  return (
    value !== undefined && value !== null && value !== false && !(Array.isArray(value) && value.length === 0)
  );
}

/** The locations the context names (Odoo's `_get_domain_locations`), before children are added. */
function contextLocations(env: Env): number[] {
  const warehouseCtx = env.context.warehouse ?? env.context.warehouse_id;
  const locationCtx = env.context.location ?? env.context.location_id;
  const sudo = env.sudo();
  const viewsOf = (warehouses: number[]): number[] =>
    warehouses
      .map((id) => env.store.get('stock.warehouse', id)?.view_location_id)
      .filter((id): id is number => typeof id === 'number');
  if (isSet(warehouseCtx)) {
    const views = viewsOf(searchIds(env, 'stock.warehouse', warehouseCtx));
    if (!isSet(locationCtx)) return views;
    // Both: the named locations that lie in one of the warehouses.
    return searchIds(env, 'stock.location', locationCtx).filter((id) =>
      views.some((view) => isWithin(env, id, view)),
    );
  }
  if (isSet(locationCtx)) return searchIds(env, 'stock.location', locationCtx);
  return viewsOf(sudo.search('stock.warehouse', []));
}

function isWithin(env: Env, locationId: number, ancestor: number): boolean {
  for (let current: number | null = locationId; current !== null;) {
    if (current === ancestor) return true;
    const parent: unknown = env.store.get('stock.location', current)?.location_id;
    current = typeof parent === 'number' ? parent : null;
  }
  return false;
}

/** Whether a location is counted: one of the roots, or (unless `strict`) below one. */
function locationFilter(env: Env): (locationId: unknown) => boolean {
  const roots = contextLocations(env);
  const strict = env.context.strict === true;
  const cache = new Map<number, boolean>();
  return (locationId) => {
    if (typeof locationId !== 'number') return false;
    let known = cache.get(locationId);
    if (known === undefined) {
      known = strict ? roots.includes(locationId) : roots.some((root) => isWithin(env, locationId, root));
      cache.set(locationId, known);
    }
    return known;
  };
}

const round = (value: number): number => Math.round(value * 100) / 100;

export function stockQuantities(env: Env, product: Row): StockQuantities {
  if (product.type === 'service') return ZERO;
  const counted = locationFilter(env);
  let quantity = 0;
  let reserved = 0;
  for (const id of env.store.referencing('stock.quant', 'product_id', product.id)) {
    const quant = env.store.get('stock.quant', id)!;
    if (!counted(quant.location_id)) continue;
    quantity += Number(quant.quantity ?? 0);
    reserved += Number(quant.reserved_quantity ?? 0);
  }
  let incoming = 0;
  let outgoing = 0;
  for (const id of env.store.referencing('stock.move', 'product_id', product.id)) {
    const move = env.store.get('stock.move', id)!;
    if (!OPEN_MOVE_STATES.has(String(move.state))) continue;
    const from = counted(move.location_id);
    const to = counted(move.location_dest_id);
    if (to && !from) incoming += Number(move.product_uom_qty ?? 0);
    if (from && !to) outgoing += Number(move.product_uom_qty ?? 0);
  }
  return {
    qty_available: round(quantity),
    free_qty: round(quantity - reserved),
    incoming_qty: round(incoming),
    outgoing_qty: round(outgoing),
    virtual_available: round(quantity + incoming - outgoing),
  };
}
