import { CommandType, type OdooCommand, type RegisterPayment } from '@tradewind/contracts';

import { BaseWriterCommand, type CommandEnvelope, CommandProblems } from './base.command';
import type { OdooRef } from './odoo-ref';

/**
 * A payment of one or several posted invoices of a partner (partial, or closing a difference as a
 * write-off), made once under the command's external id.
 */
export class RegisterPaymentCommand extends BaseWriterCommand<
  typeof CommandType.RegisterPayment,
  RegisterPayment
> {
  readonly type = CommandType.RegisterPayment;

  private constructor(
    envelope: CommandEnvelope,
    body: RegisterPayment,
    readonly invoice: OdooRef,
    /** Every invoice the one payment covers, invoiceRef first. */
    readonly invoices: readonly OdooRef[],
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
    const further = (body.invoiceRefs ?? []).map((ref, index) =>
      problems.ref(`registerPayment.invoiceRefs[${index}]`, ref),
    );
    const texts = [invoice, ...further].map((ref) => ref.text);
    problems.check(
      new Set(texts).size === texts.length,
      'registerPayment.invoiceRefs: an invoice is named twice',
    );
    problems.quantity('registerPayment.amount', body.amount, { positive: true });
    if (body.writeoffAmount !== null && body.writeoffAmount !== undefined) {
      problems.quantity('registerPayment.writeoffAmount', body.writeoffAmount, { positive: true });
    }
    problems.text('registerPayment.writeoffLabel', body.writeoffLabel ?? null, { max: 128 });
    problems.isoDate('registerPayment.paymentDate', body.paymentDate, { dateOnly: true });
    problems.text('registerPayment.memo', body.memo, { max: 255 });
    this.throwIfAny(problems, value);
    return new RegisterPaymentCommand(envelope, body, invoice, [invoice, ...further]);
  }
}
