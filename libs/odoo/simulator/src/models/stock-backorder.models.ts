// stock.backorder.confirmation: the wizard button_validate answers with when a transfer's quantities are
// below its demand (Odoo's addons/stock/wizard/stock_backorder_confirmation.py). `process` validates the
// pickings and keeps the rest as backorders; `process_cancel_backorder` validates them without, cancelling
// the rest.
import { Env } from '../orm/env';
import type { ModelDef } from '../orm/model.types';
import { boolean, many2many } from './field.builders';
import { stockPicking } from './stock.models';

function pickingsOf(env: Env, ids: number[]): number[] {
  return ids.flatMap((id) => {
    const picks = env.row('stock.backorder.confirmation', id).pick_ids;
    return Array.isArray(picks) ? picks.map(Number) : [];
  });
}

function validate(env: Env, pickings: number[], context: Record<string, unknown>): unknown {
  const validating = Array.isArray(env.context.button_validate_picking_ids)
    ? (env.context.button_validate_picking_ids as unknown[]).map(Number)
    : pickings;
  const next = new Env(env.store, env.registry, env.user, { ...env.context, ...context });
  return stockPicking.actions!.button_validate(next, validating);
}

export const stockBackorderConfirmation: ModelDef = {
  name: 'stock.backorder.confirmation',
  description: 'Backorder Confirmation',
  fields: {
    pick_ids: many2many('stock.picking', 'Transfers'),
    show_transfers: boolean('Show Transfers'),
  },
  actions: {
    process: (env, ids) => validate(env, pickingsOf(env, ids), { skip_backorder: true }),
    process_cancel_backorder: (env, ids) => {
      const pickings = pickingsOf(env, ids);
      return validate(env, pickings, { skip_backorder: true, picking_ids_not_to_backorder: pickings });
    },
  },
};
