import { CommandType, type OdooCommand, type SetStockLevel } from '@tradewind/contracts';

import { BaseWriterCommand, type CommandEnvelope, CommandProblems } from './base.command';
import type { OdooRef } from './odoo-ref';

/** Sets a product's on-hand quantity in one location (its stock.quant) to an absolute value. */
export class SetStockLevelCommand extends BaseWriterCommand<typeof CommandType.SetStockLevel, SetStockLevel> {
  readonly type = CommandType.SetStockLevel;

  private constructor(
    envelope: CommandEnvelope,
    body: SetStockLevel,
    readonly product: OdooRef,
    readonly location: OdooRef,
  ) {
    super(envelope, body);
  }

  static create(value: OdooCommand): SetStockLevelCommand {
    const problems = new CommandProblems();
    const { envelope, body } = this.envelopeAndBody<'setStockLevel'>(
      value,
      CommandType.SetStockLevel,
      problems,
    );
    if (!body) return this.reject(problems, value);
    const product = problems.ref('setStockLevel.productRef', body.productRef);
    const location = problems.ref('setStockLevel.locationRef', body.locationRef);
    problems.quantity('setStockLevel.quantity', body.quantity);
    this.throwIfAny(problems, value);
    return new SetStockLevelCommand(envelope, body, product, location);
  }
}
