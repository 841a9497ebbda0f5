import { CommandType, type ConfirmSaleOrder, type OdooCommand } from '@tradewind/contracts';

import { BaseWriterCommand, type CommandEnvelope, CommandProblems } from './base.command';
import type { OdooRef } from './odoo-ref';

/** Confirms a quotation (action_confirm); an order already confirmed counts as done. */
export class ConfirmSaleOrderCommand extends BaseWriterCommand<
  typeof CommandType.ConfirmSaleOrder,
  ConfirmSaleOrder
> {
  readonly type = CommandType.ConfirmSaleOrder;

  private constructor(
    envelope: CommandEnvelope,
    body: ConfirmSaleOrder,
    readonly order: OdooRef,
  ) {
    super(envelope, body);
  }

  static create(value: OdooCommand): ConfirmSaleOrderCommand {
    const problems = new CommandProblems();
    const { envelope, body } = this.envelopeAndBody<'confirmSaleOrder'>(
      value,
      CommandType.ConfirmSaleOrder,
      problems,
    );
    if (!body) return this.reject(problems, value);
    const order = problems.ref('confirmSaleOrder.orderExternalId', body.orderExternalId);
    this.throwIfAny(problems, value);
    return new ConfirmSaleOrderCommand(envelope, body, order);
  }
}
