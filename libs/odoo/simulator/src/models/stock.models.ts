// stock.warehouse, stock.location, stock.quant, stock.picking and stock.move, with the picking flow:
// confirm → reserve (assigned) → button_validate (done, quants moved, delivered/received quantities), and
// inventory adjustments the way Odoo 17/18 makes them: a counted `inventory_quantity` on the quant (set in
// inventory mode), then `action_apply_inventory`, which validates a move from or to the inventory loss
// location for the difference (addons/stock/models/stock_quant.py).
import { Env } from '../orm/env';
import { pad } from '../orm/env';
import { asText, type ModelDef } from '../orm/model.types';
import { userError } from '../orm/python-error';
import {
  always,
  boolean,
  char,
  date,
  datetime,
  float,
  many2one,
  one2many,
  selection,
} from './field.builders';
import { uomRatio } from './uom.models';

const MOVE_STATES = [
  ['draft', 'New'],
  ['waiting', 'Waiting Another Move'],
  ['confirmed', 'Waiting Availability'],
  ['partially_available', 'Partially Available'],
  ['assigned', 'Available'],
  ['done', 'Done'],
  ['cancel', 'Cancelled'],
] as const;

export const stockWarehouse: ModelDef = {
  name: 'stock.warehouse',
  description: 'Warehouse',
  order: 'sequence, id',
  fields: {
    name: char('Warehouse', { required: true }),
    code: char('Short Name', { required: true }),
    sequence: { type: 'integer', string: 'Sequence', default: always(10) },
    active: boolean('Active', { default: always(true) }),
    view_location_id: many2one('stock.location', 'View Location'),
    lot_stock_id: many2one('stock.location', 'Location Stock'),
  },
  // As Odoo's warehouse create: a view location named by the code, and its `Stock` location under it.
  createOne: (env, vals, create) => {
    if (vals.view_location_id !== undefined && vals.lot_stock_id !== undefined) return create(vals);
    const view =
      typeof vals.view_location_id === 'number'
        ? vals.view_location_id
        : env.create('stock.location', [{ name: vals.code, usage: 'view' }])[0];
    const stock =
      typeof vals.lot_stock_id === 'number'
        ? vals.lot_stock_id
        : env.create('stock.location', [{ name: 'Stock', usage: 'internal', location_id: view }])[0];
    return create({ ...vals, view_location_id: view, lot_stock_id: stock });
  },
};

export const stockLocation: ModelDef = {
  name: 'stock.location',
  description: 'Inventory Locations',
  order: 'complete_name, id',
  fields: {
    name: char('Location Name', { required: true }),
    complete_name: {
      type: 'char',
      string: 'Full Location Name',
      compute: (row, env) => {
        const parent =
          typeof row.location_id === 'number' ? env.store.get('stock.location', row.location_id) : undefined;
        return parent
          ? `${asText(env.valueOf('stock.location', parent, 'complete_name'))}/${asText(row.name)}`
          : row.name;
      },
    },
    location_id: many2one('stock.location', 'Parent Location', { ondelete: 'cascade' }),
    usage: selection(
      'Location Type',
      [
        ['supplier', 'Vendor'],
        ['view', 'Virtual'],
        ['internal', 'Internal'],
        ['customer', 'Customer'],
        ['inventory', 'Inventory Loss'],
        ['production', 'Production'],
        ['transit', 'Transit'],
      ],
      { default: always('internal'), required: true },
    ),
    barcode: char('Barcode'),
    active: boolean('Active', { default: always(true) }),
    warehouse_id: {
      type: 'many2one',
      string: 'Warehouse',
      relation: 'stock.warehouse',
      compute: (row, env) => warehouseOfLocation(env, row.id),
    },
    last_inventory_date: date('Last Inventory'),
  },
  displayName: (row, env) => asText(env.valueOf('stock.location', row, 'complete_name')),
};

/** Fields a quant takes in inventory mode (Odoo's `_get_inventory_fields_write`); others are refused. */
const INVENTORY_FIELDS = new Set([
  'inventory_quantity',
  'inventory_quantity_set',
  'inventory_date',
  'inventory_diff_quantity',
  'user_id',
]);

/** Odoo's `_is_inventory_mode`: the context asks for it and the user may manage stock. */
function inventoryMode(env: Env): boolean {
  return env.context.inventory_mode === true && !env.user.readOnly;
}

export const stockQuant: ModelDef = {
  name: 'stock.quant',
  description: 'Quants',
  fields: {
    product_id: many2one('product.product', 'Product', { required: true, ondelete: 'restrict' }),
    location_id: many2one('stock.location', 'Location', { required: true, ondelete: 'restrict' }),
    quantity: float('Quantity', { default: always(0) }),
    reserved_quantity: float('Reserved Quantity', { default: always(0) }),
    available_quantity: {
      type: 'float',
      string: 'Available Quantity',
      compute: (row) => Number(row.quantity ?? 0) - Number(row.reserved_quantity ?? 0),
    },
    in_date: datetime('Incoming Date'),
    warehouse_id: {
      type: 'many2one',
      string: 'Warehouse',
      relation: 'stock.warehouse',
      compute: (row, env) =>
        typeof row.location_id === 'number' ? warehouseOfLocation(env, row.location_id) : null,
    },
    inventory_quantity: float('Counted Quantity', { default: always(0) }),
    inventory_quantity_set: boolean('Inventory Quantity Set', { default: always(false) }),
    inventory_diff_quantity: {
      type: 'float',
      string: 'Difference',
      // Counted minus on hand while a count is set; an unset count changes nothing when applied.
      compute: (row) =>
        row.inventory_quantity_set === true
          ? Number(row.inventory_quantity ?? 0) - Number(row.quantity ?? 0)
          : 0,
    },
    inventory_date: date('Scheduled Date'),
    user_id: many2one('res.users', 'Assigned To'),
  },
  displayName: (row, env) =>
    `${env.displayName('stock.location', row.location_id as number)} - ${env.displayName('product.product', row.product_id as number)}`,
  // In inventory mode a count lands on the existing quant of its product and location, never a second one.
  createOne: (env, vals, create) => {
    if (!inventoryMode(env) || !('inventory_quantity' in vals)) return create(vals);
    const existing = env.store
      .referencing('stock.quant', 'product_id', Number(vals.product_id))
      .find((id) => env.store.get('stock.quant', id)!.location_id === vals.location_id);
    const counted = { inventory_quantity: vals.inventory_quantity, inventory_quantity_set: true };
    if (existing === undefined) return create({ ...vals, ...counted });
    env.sudo().write('stock.quant', [existing], counted);
    return existing;
  },
  beforeWrite: (env, _ids, vals) => {
    if (inventoryMode(env) && Object.keys(vals).some((field) => !INVENTORY_FIELDS.has(field))) {
      throw userError("Quant's editing is restricted, you can't do this operation.");
    }
    return 'inventory_quantity' in vals && !('inventory_quantity_set' in vals)
      ? { ...vals, inventory_quantity_set: true }
      : vals;
  },
  actions: {
    action_apply_inventory: (env, ids) => {
      env.checkAccess('stock.quant', 'write');
      applyInventory(env, ids);
      return null;
    },
    action_set_inventory_quantity_to_zero: (env, ids) => {
      env.checkAccess('stock.quant', 'write');
      env.sudo().write('stock.quant', ids, { inventory_quantity: 0, inventory_quantity_set: false });
      return null;
    },
  },
};

/**
 * Validates, per quant with a count, a move of the difference between the inventory loss location and the
 * quant's location (name: the context's `inventory_name`, else "Product Quantity Updated"), then clears the
 * count and dates the location's last inventory.
 */
function applyInventory(caller: Env, ids: number[]): void {
  // As Odoo's `_apply_inventory`: the moves are made and done outside inventory mode.
  const env = new Env(caller.store, caller.registry, caller.user, {
    ...caller.context,
    inventory_mode: false,
  });
  const sudo = env.sudo();
  const loss = locationFor(env, 'stock.stock_location_inventory', 'inventory');
  const name =
    typeof env.context.inventory_name === 'string' ? env.context.inventory_name : 'Product Quantity Updated';
  for (const id of ids) {
    const quant = env.row('stock.quant', id);
    const diff = Number(env.valueOf('stock.quant', quant, 'inventory_diff_quantity'));
    if (quant.inventory_quantity_set === true && diff !== 0) {
      const location = quant.location_id as number;
      const [moveId] = sudo.create('stock.move', [
        {
          name,
          product_id: quant.product_id,
          product_uom_qty: Math.abs(diff),
          quantity: Math.abs(diff),
          location_id: diff > 0 ? loss : location,
          location_dest_id: diff > 0 ? location : loss,
          is_inventory: true,
          origin: name,
        },
      ]);
      doneMove(env, moveId);
    }
    sudo.write('stock.location', [quant.location_id as number], { last_inventory_date: env.today() });
  }
  sudo.write('stock.quant', ids, { inventory_quantity: 0, inventory_quantity_set: false, user_id: false });
}

/** The warehouse whose view location holds the location (itself included), as Odoo's `warehouse_id`. */
export function warehouseOfLocation(env: Env, locationId: number): number | null {
  for (let current: number | null = locationId; current !== null;) {
    const owner = env.store.referencing('stock.warehouse', 'view_location_id', current)[0];
    if (owner !== undefined) return owner;
    const parent: unknown = env.store.get('stock.location', current)?.location_id;
    current = typeof parent === 'number' ? parent : null;
  }
  return null;
}

export const stockPicking: ModelDef = {
  name: 'stock.picking',
  description: 'Transfer',
  order: 'priority desc, scheduled_date asc, id desc',
  fields: {
    name: char('Reference', { default: always('/') }),
    origin: char('Source Document'),
    priority: selection(
      'Priority',
      [
        ['0', 'Normal'],
        ['1', 'Urgent'],
      ],
      { default: always('0') },
    ),
    partner_id: many2one('res.partner', 'Contact'),
    // Odoo has picking_type_id (stock.picking.type); the simulator keeps its code only.
    picking_type_code: selection(
      'Type of Operation',
      [
        ['incoming', 'Receipt'],
        ['outgoing', 'Delivery'],
        ['internal', 'Internal Transfer'],
      ],
      { required: true, default: always('internal') },
    ),
    location_id: many2one('stock.location', 'Source Location', { required: true }),
    location_dest_id: many2one('stock.location', 'Destination Location', { required: true }),
    state: selection(
      'Status',
      [
        ['draft', 'Draft'],
        ['waiting', 'Waiting Another Operation'],
        ['confirmed', 'Waiting'],
        ['assigned', 'Ready'],
        ['done', 'Done'],
        ['cancel', 'Cancelled'],
      ],
      { default: always('draft') },
    ),
    scheduled_date: datetime('Scheduled Date', { default: ({ env }) => env.now() }),
    date_done: datetime('Date of Transfer'),
    move_ids: one2many('stock.move', 'picking_id', 'Stock Moves'),
    sale_id: many2one('sale.order', 'Sales Order'),
    purchase_id: many2one('purchase.order', 'Purchase Order'),
    carrier_tracking_ref: char('Tracking Reference'),
    backorder_id: many2one('stock.picking', 'Back Order of', { ondelete: 'set null' }),
    backorder_ids: one2many('stock.picking', 'backorder_id', 'Back Orders'),
  },
  afterCreate: (env, ids) => {
    const sudo = env.sudo();
    for (const id of ids) {
      const row = env.store.get('stock.picking', id)!;
      if (row.name !== '/' && row.name) continue;
      const code = { incoming: 'IN', outgoing: 'OUT', internal: 'INT' }[
        asText(row.picking_type_code) as 'incoming'
      ];
      const warehouse = sudo.search('stock.warehouse', [], { limit: 1 })[0];
      const prefix = warehouse ? asText(env.store.get('stock.warehouse', warehouse)!.code) : 'WH';
      const name = `${prefix}/${code}/${pad(env.store.nextNumber(`picking.${code}`), 5)}`;
      env.store.put('stock.picking', { ...row, name });
    }
  },
  actions: {
    action_confirm: (env, ids) => {
      env.write(
        'stock.picking',
        ids.filter((id) => env.row('stock.picking', id).state === 'draft'),
        { state: 'confirmed' },
      );
      for (const id of ids) {
        for (const move of env.store.referencing('stock.move', 'picking_id', id)) {
          if (env.store.get('stock.move', move)!.state === 'draft')
            env.write('stock.move', [move], { state: 'confirmed' });
        }
      }
      reserve(env, ids);
      return true;
    },
    action_assign: (env, ids) => {
      reserve(env, ids);
      return true;
    },
    // As Odoo 17/18's button_validate: a draft transfer is confirmed; when no move is picked every move is
    // taken at its reserved quantity; a move below its demand makes it answer the backorder wizard's action
    // (stock.backorder.confirmation) instead of validating, unless the context says skip_backorder (the
    // wizard's process) or lists the pickings not to backorder (process_cancel_backorder). Validation then
    // splits each short move: the done part stays, the rest goes to a backorder (backorder_id), reserved.
    button_validate: (env, ids) => {
      env.checkAccess('stock.picking', 'write');
      const open: number[] = [];
      for (const id of ids) {
        const picking = env.row('stock.picking', id);
        const moves = env.store.referencing('stock.move', 'picking_id', id);
        if (moves.length === 0) throw userError('Please add some items to move.');
        if (picking.state === 'done' || picking.state === 'cancel') continue;
        if (picking.state === 'draft') stockPicking.actions!.action_confirm(env, [id]);
        const live = moves.filter(
          (m) => !['done', 'cancel'].includes(asText(env.store.get('stock.move', m)!.state)),
        );
        if (!live.some((m) => env.store.get('stock.move', m)!.picked === true)) {
          for (const m of live) {
            const move = env.store.get('stock.move', m)!;
            const quantity = Number(move.quantity ?? 0) || Number(move.product_uom_qty ?? 0);
            env.sudo().write('stock.move', [m], { picked: true, quantity });
          }
        }
        if (!live.some((m) => Number(env.store.get('stock.move', m)!.quantity ?? 0) > 0))
          throw userError('You cannot validate a transfer if no quantities are reserved nor done.');
        open.push(id);
      }
      const noBackorder = new Set(
        Array.isArray(env.context.picking_ids_not_to_backorder)
          ? (env.context.picking_ids_not_to_backorder as unknown[]).map(Number)
          : [],
      );
      if (env.context.skip_backorder !== true) {
        const short = open.filter((id) => !noBackorder.has(id) && shortMoves(env, id).length > 0);
        if (short.length > 0) {
          return {
            name: 'Create Backorder?',
            type: 'ir.actions.act_window',
            view_mode: 'form',
            res_model: 'stock.backorder.confirmation',
            views: [[false, 'form']],
            target: 'new',
            context: {
              ...env.context,
              button_validate_picking_ids: open,
              default_show_transfers: false,
              default_pick_ids: short.map((id) => [4, id]),
            },
          };
        }
      }
      for (const id of open) {
        if (!noBackorder.has(id)) createBackorder(env, id);
        for (const moveId of env.store.referencing('stock.move', 'picking_id', id)) {
          const move = env.store.get('stock.move', moveId)!;
          if (move.state === 'done' || move.state === 'cancel') continue;
          if (Number(move.quantity ?? 0) > 0) {
            env.sudo().write('stock.move', [moveId], { product_uom_qty: Number(move.quantity) });
            doneMove(env, moveId);
          } else {
            cancelMove(env, moveId);
          }
        }
        env.write('stock.picking', [id], { state: 'done', date_done: env.now() });
      }
      return true;
    },
    action_cancel: (env, ids) => {
      for (const id of ids) cancelPicking(env, id);
      return true;
    },
  },
};

export const stockMove: ModelDef = {
  name: 'stock.move',
  description: 'Stock Move',
  order: 'sequence, id',
  fields: {
    name: char('Description', {
      default: ({ env, vals }) =>
        typeof vals.product_id === 'number' ? env.displayName('product.product', vals.product_id) : '/',
    }),
    sequence: { type: 'integer', string: 'Sequence', default: always(10) },
    product_id: many2one('product.product', 'Product', { required: true }),
    product_uom_qty: float('Demand', { default: always(0) }),
    quantity: float('Quantity', { default: always(0) }),
    location_id: many2one('stock.location', 'Source Location', {
      required: true,
      default: ({ env, vals }) =>
        typeof vals.picking_id === 'number'
          ? env.store.get('stock.picking', vals.picking_id)?.location_id
          : null,
    }),
    location_dest_id: many2one('stock.location', 'Destination Location', {
      required: true,
      default: ({ env, vals }) =>
        typeof vals.picking_id === 'number'
          ? env.store.get('stock.picking', vals.picking_id)?.location_dest_id
          : null,
    }),
    picking_id: many2one('stock.picking', 'Transfer', { ondelete: 'cascade' }),
    state: selection('Status', MOVE_STATES, { default: always('draft') }),
    origin: char('Source Document'),
    date: datetime('Date Scheduled', { default: ({ env }) => env.now() }),
    sale_line_id: many2one('sale.order.line', 'Sale Line'),
    purchase_line_id: many2one('purchase.order.line', 'Purchase Order Line'),
    is_inventory: boolean('Inventory', { default: always(false) }),
    // Odoo 17+: the operator (or the import) marked the quantity as picked; validation takes picked moves.
    picked: boolean('Picked', { default: always(false) }),
  },
};

/** Moves of the picking whose quantity is below their demand. */
function shortMoves(env: Env, pickingId: number): number[] {
  return env.store.referencing('stock.move', 'picking_id', pickingId).filter((moveId) => {
    const move = env.store.get('stock.move', moveId)!;
    if (move.state === 'done' || move.state === 'cancel') return false;
    return Number(move.quantity ?? 0) < Number(move.product_uom_qty ?? 0);
  });
}

/**
 * Odoo's `_create_backorder`: a copy of the picking (backorder_id = it) holding, per short move, a new move
 * for the remaining demand (same sale line); the backorder is confirmed and reserved.
 */
function createBackorder(env: Env, pickingId: number): number | undefined {
  const short = shortMoves(env, pickingId);
  if (short.length === 0) return undefined;
  const sudo = env.sudo();
  const picking = env.row('stock.picking', pickingId);
  const [backorderId] = sudo.create('stock.picking', [
    {
      origin: picking.origin,
      partner_id: picking.partner_id,
      picking_type_code: picking.picking_type_code,
      location_id: picking.location_id,
      location_dest_id: picking.location_dest_id,
      sale_id: picking.sale_id,
      purchase_id: picking.purchase_id,
      backorder_id: pickingId,
    },
  ]);
  for (const moveId of short) {
    const move = env.store.get('stock.move', moveId)!;
    const remaining = Number(move.product_uom_qty ?? 0) - Number(move.quantity ?? 0);
    // The original move's whole reservation is released when it is done; the backorder reserves anew.
    sudo.create('stock.move', [
      {
        name: move.name,
        product_id: move.product_id,
        product_uom_qty: remaining,
        location_id: move.location_id,
        location_dest_id: move.location_dest_id,
        picking_id: backorderId,
        origin: move.origin,
        sale_line_id: move.sale_line_id,
        purchase_line_id: move.purchase_line_id,
        state: 'draft',
      },
    ]);
  }
  stockPicking.actions!.action_confirm(env, [backorderId]);
  return backorderId;
}

/** A move cancelled with its reservation released (a move without quantity at validation). */
function cancelMove(env: Env, moveId: number): void {
  const move = env.store.get('stock.move', moveId)!;
  if (isInternal(env, move.location_id) && reservedBy(move) > 0) {
    adjustQuant(env, move.product_id as number, move.location_id as number, 0, -reservedBy(move));
  }
  env.write('stock.move', [moveId], { state: 'cancel', quantity: 0 });
}

/** Finds or creates the quant of a product in a location and adds to its quantity / reservation. */
export function adjustQuant(
  env: Env,
  productId: number,
  locationId: number,
  quantity: number,
  reserved = 0,
): void {
  const sudo = env.sudo();
  const quantId = env.store
    .referencing('stock.quant', 'product_id', productId)
    .find((id) => env.store.get('stock.quant', id)!.location_id === locationId);
  if (quantId === undefined) {
    sudo.create('stock.quant', [
      {
        product_id: productId,
        location_id: locationId,
        quantity,
        reserved_quantity: reserved,
        in_date: env.now(),
      },
    ]);
    return;
  }
  const quant = env.store.get('stock.quant', quantId)!;
  sudo.write('stock.quant', [quantId], {
    quantity: Number(quant.quantity ?? 0) + quantity,
    reserved_quantity: Math.max(0, Number(quant.reserved_quantity ?? 0) + reserved),
  });
}

function isInternal(env: Env, locationId: unknown): boolean {
  return typeof locationId === 'number' && env.store.get('stock.location', locationId)?.usage === 'internal';
}

function freeAt(env: Env, productId: number, locationId: number): number {
  return env.store
    .referencing('stock.quant', 'product_id', productId)
    .map((id) => env.store.get('stock.quant', id)!)
    .filter((quant) => quant.location_id === locationId)
    .reduce((sum, quant) => sum + Number(quant.quantity ?? 0) - Number(quant.reserved_quantity ?? 0), 0);
}

/** Reserves stock for the pickings' open moves (Odoo's action_assign) and sets their states. */
export function reserve(env: Env, pickingIds: number[]): void {
  for (const pickingId of pickingIds) {
    const picking = env.row('stock.picking', pickingId);
    if (picking.state === 'done' || picking.state === 'cancel') continue;
    let allAssigned = true;
    for (const moveId of env.store.referencing('stock.move', 'picking_id', pickingId)) {
      const move = env.store.get('stock.move', moveId)!;
      if (move.state === 'done' || move.state === 'cancel' || move.state === 'assigned') continue;
      const demand = Number(move.product_uom_qty ?? 0);
      if (!isInternal(env, move.location_id)) {
        env.write('stock.move', [moveId], { state: 'assigned', quantity: demand });
        continue;
      }
      const already = Number(move.quantity ?? 0);
      const take = Math.min(
        demand - already,
        Math.max(0, freeAt(env, move.product_id as number, move.location_id as number)),
      );
      if (take > 0) adjustQuant(env, move.product_id as number, move.location_id as number, 0, take);
      const reserved = already + take;
      const state = reserved >= demand ? 'assigned' : reserved > 0 ? 'partially_available' : 'confirmed';
      if (state !== 'assigned') allAssigned = false;
      env.write('stock.move', [moveId], { state, quantity: reserved });
      holdReservation(env, moveId, reserved);
    }
    env.write('stock.picking', [pickingId], { state: allAssigned ? 'assigned' : 'confirmed' });
  }
}

/**
 * What a move holds reserved on its quants. Odoo keeps it on the move lines (stock.move.line); the simulator
 * keeps it beside the move, apart from `quantity`, which the user may set below it before validating.
 */
const RESERVED = '__reserved';

function holdReservation(env: Env, moveId: number, reserved: number): void {
  env.store.put('stock.move', { ...env.store.get('stock.move', moveId)!, [RESERVED]: reserved });
}

function reservedBy(move: Record<string, unknown>): number {
  if (move.state !== 'assigned' && move.state !== 'partially_available') return 0;
  return typeof move[RESERVED] === 'number' ? move[RESERVED] : Number(move.quantity ?? 0);
}

function doneMove(env: Env, moveId: number): void {
  const move = env.store.get('stock.move', moveId)!;
  if (move.state === 'done' || move.state === 'cancel') return;
  const reserved = reservedBy(move);
  const quantity = Number(move.quantity ?? 0) || Number(move.product_uom_qty ?? 0);
  const product = move.product_id as number;
  if (isInternal(env, move.location_id)) {
    adjustQuant(
      env,
      product,
      move.location_id as number,
      -quantity,
      isInternal(env, move.location_id) ? -reserved : 0,
    );
  }
  if (isInternal(env, move.location_dest_id))
    adjustQuant(env, product, move.location_dest_id as number, quantity);
  env.write('stock.move', [moveId], { state: 'done', quantity });
  const sudo = env.sudo();
  if (typeof move.sale_line_id === 'number') {
    const line = env.store.get('sale.order.line', move.sale_line_id);
    if (line)
      sudo.write('sale.order.line', [line.id], { qty_delivered: Number(line.qty_delivered ?? 0) + quantity });
  }
  if (typeof move.purchase_line_id === 'number') {
    const line = env.store.get('purchase.order.line', move.purchase_line_id);
    if (line)
      // qty_received is in the line's unit (the move's quantity is in the product's: Units).
      sudo.write('purchase.order.line', [line.id], {
        qty_received: Number(line.qty_received ?? 0) + quantity / uomRatio(env, line.product_uom),
      });
  }
}

export function cancelPicking(env: Env, pickingId: number): void {
  const picking = env.row('stock.picking', pickingId);
  if (picking.state === 'done' || picking.state === 'cancel') return;
  for (const moveId of env.store.referencing('stock.move', 'picking_id', pickingId)) {
    const move = env.store.get('stock.move', moveId)!;
    if (move.state === 'done' || move.state === 'cancel') continue;
    cancelMove(env, moveId);
  }
  env.write('stock.picking', [pickingId], { state: 'cancel' });
}

/** A location by external id, else the first of a usage (customers, vendors...). */
export function locationFor(env: Env, xmlid: string, usage: string): number {
  const target = env.store.resolveExternalId(xmlid);
  if (target && env.store.get('stock.location', target.resId)) return target.resId;
  const found = env.sudo().search('stock.location', [['usage', '=', usage]], { limit: 1 })[0];
  if (found !== undefined) return found;
  return env.sudo().create('stock.location', [{ name: usage, usage }])[0];
}

/** The main warehouse's stock location. */
export function warehouseStock(env: Env, warehouseId?: unknown): number {
  const sudo = env.sudo();
  const id =
    typeof warehouseId === 'number' ? warehouseId : sudo.search('stock.warehouse', [], { limit: 1 })[0];
  const stock = id !== undefined ? env.store.get('stock.warehouse', id)?.lot_stock_id : undefined;
  if (typeof stock === 'number') return stock;
  return locationFor(env, 'stock.stock_location_stock', 'internal');
}
