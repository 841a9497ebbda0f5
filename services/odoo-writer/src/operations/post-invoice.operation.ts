import type { PostInvoiceCommand } from '../commands/post-invoice.command';
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
import { alreadyDone, refused, type WriteOperation, type WriteOutcome, written } from './write-operation';

export const ACCOUNT_MOVE = 'account.move';

/** Reads the invoices' states, then posts the drafts among them in one action_post call. */
export class PostInvoiceOperation implements WriteOperation<PostInvoiceCommand> {
  batchKey(): string {
    return ACCOUNT_MOVE;
  }

  async run(commands: readonly PostInvoiceCommand[], odoo: OdooGateway): Promise<Settled<WriteOutcome>[]> {
    const refs = await resolveRefs(
      odoo,
      ACCOUNT_MOVE,
      commands.map((c) => c.invoice),
    );
    const states = await readStates(
      odoo,
      ACCOUNT_MOVE,
      [...refs.values()].map((ref) => ref.id),
    );
    const plan = commands.map((command): PlannedAction<Settled<WriteOutcome>> => {
      const id = refs.get(command.invoice.text)?.id;
      const row = id === undefined ? undefined : states.get(id);
      const state = stateOf(row);
      if (id === undefined || row === undefined)
        return { settled: refused(missing('invoice', command.invoice.text)) };
      if (state === 'posted') return { settled: alreadyDone(ACCOUNT_MOVE, id) };
      if (state !== 'draft')
        return { settled: refused(invalidState('invoice', command.invoice.text, state, 'posted')) };
      return { act: id };
    });
    const ids = plan.flatMap((entry) => ('act' in entry ? [entry.act] : []));
    const verdicts = await runRecordAction(
      odoo,
      { model: ACCOUNT_MOVE, method: 'action_post', doneStates: ['posted'] },
      ids,
    );
    return settlePlan(plan, verdicts, (id, verdict) =>
      verdict.ok
        ? verdict.outcome === 'written'
          ? written(ACCOUNT_MOVE, id)
          : alreadyDone(ACCOUNT_MOVE, id)
        : refused(verdict.error),
    );
  }
}
