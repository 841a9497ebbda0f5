import { CommandType, type OdooCommand, type RegisterPayment } from '@tradewind/contracts';

import { BaseWriterCommand, type CommandEnvelope, CommandProblems } from './base.command';
import type { OdooRef } from './odoo-ref';

/** Creates (by the command's external id) and posts a customer payment for a posted invoice. */
export class RegisterPaymentCommand extends BaseWriterCommand<
  typeof CommandType.RegisterPayment,
  RegisterPayment
> {
  readonly type = CommandType.RegisterPayment;

  private constructor(
    envelope: CommandEnvelope,
    body: RegisterPayment,
    readonly invoice: OdooRef,
  ) {
    super(envelope, body);
  }

  static create(value: OdooCommand): RegisterPaymentCommand {
    const problems = new CommandProblems();
    const { envelope, body } = this.envelopeAndBody<'registerPayment'>(
      value,
      CommandType.RegisterPayment,
      problems,
    );
    if (!body) return this.reject(problems, value);
    const invoice = problems.ref('registerPayment.invoiceRef', body.invoiceRef);
    problems.quantity('registerPayment.amount', body.amount, { positive: true });
    problems.isoDate('registerPayment.paymentDate', body.paymentDate, { dateOnly: true });
    problems.text('registerPayment.memo', body.memo, { max: 255 });
    this.throwIfAny(problems, value);
    return new RegisterPaymentCommand(envelope, body, invoice);
  }
}
