import type { OdooRef } from '../commands/odoo-ref';
import type { ValidatePickingCommand } from '../commands/validate-picking.command';
import type { OdooGateway } from '../odoo/odoo-gateway';
import { many2oneId } from '../odoo/odoo-values';
import { type ResolvedRef, resolveRefs } from '../odoo/ref-resolver';
import type { Settled } from '../resilience/micro-batcher';
import { invalidState, missing, runRecordAction, stateOf } from './record-actions';
import { shipPicking } from './ship-picking';
import { PURCHASE_ORDER } from './upsert-purchase-order.operation';
import { SALE_ORDER } from './upsert-sale-order.operation';
import { alreadyDone, refused, type WriteOperation, type WriteOutcome, written } from './write-operation';

export const STOCK_PICKING = 'stock.picking';
const CLOSED = ['done', 'cancel'];

/** Finds the transfers (by reference, or an order's), then validates the open ones in one call. */
export class ValidatePickingOperation implements WriteOperation<ValidatePickingCommand> {
  batchKey(): string {
    return STOCK_PICKING;
  }

  async run(
    commands: readonly ValidatePickingCommand[],
    odoo: OdooGateway,
  ): Promise<Settled<WriteOutcome>[]> {
    // Shipped quantities validate one transfer each, in order (a later shipment validates the backorder).
    if (commands.some((c) => c.body.moves !== null)) {
      const settled: Settled<WriteOutcome>[] = [];
      for (const command of commands) {
        settled.push(
          ...(command.body.moves === null
            ? await this.run([command], odoo)
            : [await shipPicking(command, odoo)]),
        );
      }
      return settled;
    }
    const pickingRefs = commands.flatMap((c) => ('picking' in c.target ? [c.target.picking] : []));
    const orderRefs = commands.flatMap((c): OdooRef[] =>
      'orderExternalId' in c.target
        ? [{ kind: 'xid', xid: c.target.orderExternalId, text: c.target.orderExternalId }]
        : [],
    );
    const pickings = await resolveRefs(odoo, STOCK_PICKING, pickingRefs);
    const orders =
      orderRefs.length > 0
        ? await resolveRefs(odoo, [SALE_ORDER, PURCHASE_ORDER], orderRefs)
        : new Map<string, ResolvedRef>();
    const idsOf = (model: string) => [...orders.values()].filter((o) => o.model === model).map((o) => o.id);
    const rows = await odoo.searchRead(
      STOCK_PICKING,
      [
        '|',
        '|',
        ['id', 'in', [...pickings.values()].map((p) => p.id)],
        ['sale_id', 'in', idsOf(SALE_ORDER)],
        ['purchase_id', 'in', idsOf(PURCHASE_ORDER)],
      ],
      ['state', 'sale_id', 'purchase_id'],
    );
    const targets = commands.map((command) => {
      if ('picking' in command.target) {
        const id = pickings.get(command.target.picking.text)?.id;
        return { ref: command.target.picking.text, rows: rows.filter((row) => row.id === id) };
      }
      const order = orders.get(command.target.orderExternalId);
      const field = order?.model === PURCHASE_ORDER ? 'purchase_id' : 'sale_id';
      return {
        ref: command.target.orderExternalId,
        rows: order ? rows.filter((row) => many2oneId(row[field]) === order.id) : [],
      };
    });
    const open = targets.flatMap((t) =>
      t.rows.filter((row) => !CLOSED.includes(stateOf(row))).map((row) => row.id),
    );
    const verdicts = await runRecordAction(
      odoo,
      { model: STOCK_PICKING, method: 'button_validate', doneStates: ['done'] },
      open,
    );
    return targets.map(({ ref, rows: mine }) => {
      if (mine.length === 0) return refused(missing('transfer (or order with transfers)', ref));
      const firstId = Math.min(...mine.map((row) => row.id));
      const toValidate = mine.filter((row) => !CLOSED.includes(stateOf(row)));
      if (toValidate.length === 0) {
        return mine.some((row) => row.state === 'done')
          ? alreadyDone(STOCK_PICKING, firstId)
          : refused(invalidState('transfer of', ref, 'cancelled', 'validated'));
      }
      const failed = toValidate.map((row) => verdicts.get(row.id)).find((verdict) => !verdict || !verdict.ok);
      if (failed && !failed.ok) return refused(failed.error);
      const anyWritten = toValidate.some((row) => {
        const verdict = verdicts.get(row.id);
        return verdict?.ok === true && verdict.outcome === 'written';
      });
      return anyWritten ? written(STOCK_PICKING, firstId) : alreadyDone(STOCK_PICKING, firstId);
    });
  }
}
