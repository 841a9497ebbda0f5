import { CommandType, type OdooCommand, type PostInvoice } from '@tradewind/contracts';

import { BaseWriterCommand, type CommandEnvelope, CommandProblems } from './base.command';
import type { OdooRef } from './odoo-ref';

/** Posts a draft invoice (account.move action_post); a posted invoice counts as done. */
export class PostInvoiceCommand extends BaseWriterCommand<typeof CommandType.PostInvoice, PostInvoice> {
  readonly type = CommandType.PostInvoice;

  private constructor(
    envelope: CommandEnvelope,
    body: PostInvoice,
    readonly invoice: OdooRef,
  ) {
    super(envelope, body);
  }

  static create(value: OdooCommand): PostInvoiceCommand {
    const problems = new CommandProblems();
    const { envelope, body } = this.envelopeAndBody<'postInvoice'>(value, CommandType.PostInvoice, problems);
    if (!body) return this.reject(problems, value);
    const invoice = problems.ref('postInvoice.invoiceRef', body.invoiceRef);
    this.throwIfAny(problems, value);
    return new PostInvoiceCommand(envelope, body, invoice);
  }
}
