import { ResultOutcome } from '@tradewind/contracts';

import type { WriterCommand } from '../commands/writer-command';
import type { OdooGateway } from '../odoo/odoo-gateway';
import type { Settled } from '../resilience/micro-batcher';

export type WriteOutcomeKind = Extract<ResultOutcome, 'written' | 'already_done'>;

/** What Odoo holds after a command: the record and whether this command changed it. */
export interface WriteOutcome {
  outcome: WriteOutcomeKind;
  odooModel: string;
  odooId: number | null;
}

/**
 * How one command type is written. Commands with the same batch key share each Odoo call of `run`.
 * `run` must be safe to repeat (it is retried after a technical failure, and replayed after a crash):
 * loads go by external id, actions read the state first.
 */
export interface WriteOperation<C extends WriterCommand> {
  batchKey(command: C): string;
  /** One settlement per command, in order; business refusals are settlements, technical failures throw. */
  run(commands: readonly C[], odoo: OdooGateway): Promise<Settled<WriteOutcome>[]>;
}

export const written = (odooModel: string, odooId: number | null): Settled<WriteOutcome> => ({
  ok: true,
  value: { outcome: ResultOutcome.Written, odooModel, odooId },
});

export const alreadyDone = (odooModel: string, odooId: number | null): Settled<WriteOutcome> => ({
  ok: true,
  value: { outcome: ResultOutcome.AlreadyDone, odooModel, odooId },
});

export const refused = (error: unknown): Settled<WriteOutcome> => ({ ok: false, error });
