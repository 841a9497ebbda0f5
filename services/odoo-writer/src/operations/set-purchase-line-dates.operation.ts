import type { SetPurchaseLineDatesCommand } from '../commands/set-purchase-line-dates.command';
import { loadIsolating } from '../odoo/load-isolation';
import type { OdooGateway } from '../odoo/odoo-gateway';
import { many2oneId, toOdooDatetime } from '../odoo/odoo-values';
import { resolveRefs } from '../odoo/ref-resolver';
import type { Settled } from '../resilience/micro-batcher';
import { invalidState, missing } from './record-actions';
import { PURCHASE_ORDER } from './upsert-purchase-order.operation';
import { alreadyDone, refused, type WriteOperation, type WriteOutcome, written } from './write-operation';

export const PURCHASE_ORDER_LINE = 'purchase.order.line';
/** Odoo lets a buyer move the dates of an order that is confirmed, not of one locked or cancelled. */
const WRITABLE_STATES = ['purchase'];

/**
 * Reads the order and its lines first: a line of another order is refused, dates already set are
 * `already_done` (a replay writes nothing), the rest are loaded by database id in one `load` per order.
 */
export class SetPurchaseLineDatesOperation implements WriteOperation<SetPurchaseLineDatesCommand> {
  batchKey(): string {
    return PURCHASE_ORDER_LINE;
  }

  async run(
    commands: readonly SetPurchaseLineDatesCommand[],
    odoo: OdooGateway,
  ): Promise<Settled<WriteOutcome>[]> {
    const orders = await resolveRefs(
      odoo,
      PURCHASE_ORDER,
      commands.map((c) => c.order),
    );
    const orderIds = [...new Set([...orders.values()].map((o) => o.id))];
    const orderRows = await odoo.searchRead(PURCHASE_ORDER, [['id', 'in', orderIds]], ['state']);
    const lineRows = await odoo.searchRead(
      PURCHASE_ORDER_LINE,
      [['order_id', 'in', orderIds]],
      ['order_id', 'date_planned'],
    );
    const results: Settled<WriteOutcome>[] = [];
    for (const command of commands) {
      const orderId = orders.get(command.order.text)?.id;
      const order = orderRows.find((row) => row.id === orderId);
      if (orderId === undefined || order === undefined) {
        results.push(refused(missing('purchase order', command.order.text)));
        continue;
      }
      if (!WRITABLE_STATES.includes(String(order.state))) {
        results.push(refused(invalidState('purchase order', command.order.text, order.state, 'purchase')));
        continue;
      }
      const mine = new Map(
        lineRows.filter((row) => many2oneId(row.order_id) === orderId).map((row) => [row.id, row]),
      );
      const unknown = command.lines.find((l) => l.line.kind !== 'id' || !mine.has(l.line.id));
      if (unknown !== undefined) {
        results.push(refused(missing(`line of purchase order ${command.order.text}`, unknown.line.text)));
        continue;
      }
      const changes = command.lines
        .map((l) => ({ id: (l.line as { id: number }).id, date: toOdooDatetime(l.datePlanned) }))
        .filter((l) => mine.get(l.id)?.date_planned !== l.date);
      if (changes.length === 0) {
        results.push(alreadyDone(PURCHASE_ORDER, orderId));
        continue;
      }
      // One load record per line (each row of a record after its first would be a one2many sub-row).
      const settled = await loadIsolating(
        odoo,
        PURCHASE_ORDER_LINE,
        ['.id', 'date_planned'],
        changes.map((c) => ({ rows: [[String(c.id), c.date]] })),
      );
      const failed = settled.find((s) => !s.ok);
      results.push(failed && !failed.ok ? refused(failed.error) : written(PURCHASE_ORDER, orderId));
    }
    return results;
  }
}
