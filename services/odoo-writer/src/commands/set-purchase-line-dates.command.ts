import { CommandType, type OdooCommand, type SetPurchaseLineDates } from '@tradewind/contracts';

import { BaseWriterCommand, type CommandEnvelope, CommandProblems } from './base.command';
import type { OdooRef } from './odoo-ref';

export interface PurchaseLineDateSpec {
  readonly line: OdooRef;
  readonly datePlanned: string;
}

/** Sets the expected arrival of lines of a confirmed purchase order (a date the supplier promised). */
export class SetPurchaseLineDatesCommand extends BaseWriterCommand<
  typeof CommandType.SetPurchaseLineDates,
  SetPurchaseLineDates
> {
  readonly type = CommandType.SetPurchaseLineDates;

  private constructor(
    envelope: CommandEnvelope,
    body: SetPurchaseLineDates,
    readonly order: OdooRef,
    readonly lines: readonly PurchaseLineDateSpec[],
  ) {
    super(envelope, body);
  }

  static create(value: OdooCommand): SetPurchaseLineDatesCommand {
    const problems = new CommandProblems();
    const { envelope, body } = this.envelopeAndBody<'setPurchaseLineDates'>(
      value,
      CommandType.SetPurchaseLineDates,
      problems,
    );
    if (!body) return this.reject(problems, value);
    const order = problems.ref('setPurchaseLineDates.orderRef', body.orderRef);
    problems.check(body.lines.length > 0, 'setPurchaseLineDates.lines: at least one line');
    problems.check(body.lines.length <= 1000, 'setPurchaseLineDates.lines: more than 1000 lines');
    const lines = body.lines.map((line, index) => {
      const path = `setPurchaseLineDates.lines[${index}]`;
      problems.isoDate(`${path}.datePlanned`, line.datePlanned);
      const ref = problems.ref(`${path}.lineRef`, line.lineRef);
      problems.check(ref.kind === 'id', `${path}.lineRef: an Odoo id (lines have no external ids)`);
      return { line: ref, datePlanned: line.datePlanned };
    });
    this.throwIfAny(problems, value);
    return new SetPurchaseLineDatesCommand(envelope, body, order, lines);
  }
}
