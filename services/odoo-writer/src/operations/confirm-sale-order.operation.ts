import type { ConfirmSaleOrderCommand } from '../commands/confirm-sale-order.command';
import type { OdooGateway } from '../odoo/odoo-gateway';
import { resolveRefs } from '../odoo/ref-resolver';
import type { Settled } from '../resilience/micro-batcher';
import {
  invalidState,
  missing,
  type PlannedAction,
  readStates,
  runRecordAction,
  settlePlan,
  stateOf,
} from './record-actions';
import { SALE_ORDER } from './upsert-sale-order.operation';
import { alreadyDone, refused, type WriteOperation, type WriteOutcome, written } from './write-operation';

const CONFIRMED = ['sale', 'done'];
const CONFIRMABLE = ['draft', 'sent'];

/** Reads the orders' states, then confirms the quotations among them in one action_confirm call. */
export class ConfirmSaleOrderOperation implements WriteOperation<ConfirmSaleOrderCommand> {
  batchKey(): string {
    return SALE_ORDER;
  }

  async run(
    commands: readonly ConfirmSaleOrderCommand[],
    odoo: OdooGateway,
  ): Promise<Settled<WriteOutcome>[]> {
    const refs = await resolveRefs(
      odoo,
      SALE_ORDER,
      commands.map((c) => c.order),
    );
    const states = await readStates(
      odoo,
      SALE_ORDER,
      [...refs.values()].map((ref) => ref.id),
    );
    const plan = commands.map((command): PlannedAction<Settled<WriteOutcome>> => {
      const id = refs.get(command.order.text)?.id;
      const row = id === undefined ? undefined : states.get(id);
      const state = stateOf(row);
      if (id === undefined || row === undefined)
        return { settled: refused(missing('sale order', command.order.text)) };
      if (CONFIRMED.includes(state)) return { settled: alreadyDone(SALE_ORDER, id) };
      if (!CONFIRMABLE.includes(state)) {
        return { settled: refused(invalidState('sale order', command.order.text, state, 'confirmed')) };
      }
      return { act: id };
    });
    const ids = plan.flatMap((entry) => ('act' in entry ? [entry.act] : []));
    const verdicts = await runRecordAction(
      odoo,
      { model: SALE_ORDER, method: 'action_confirm', doneStates: CONFIRMED },
      ids,
    );
    return settlePlan(plan, verdicts, (id, verdict) =>
      verdict.ok
        ? verdict.outcome === 'written'
          ? written(SALE_ORDER, id)
          : alreadyDone(SALE_ORDER, id)
        : refused(verdict.error),
    );
  }
}
