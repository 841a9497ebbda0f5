import Decimal from 'decimal.js';

import { splitExternalId } from '../commands/odoo-ref';
import type { RegisterPaymentCommand } from '../commands/register-payment.command';
import type { OdooGateway } from '../odoo/odoo-gateway';
import { isOdooBusinessError } from '../odoo/odoo-gateway';
import { many2oneId } from '../odoo/odoo-values';
import { resolveRefs } from '../odoo/ref-resolver';
import { OdooWriterErrorCode, OdooWriterException } from '../odoo-writer.exception';
import type { Settled } from '../resilience/micro-batcher';
import { ACCOUNT_MOVE } from './post-invoice.operation';
import { invalidState, missing, readStates } from './record-actions';
import { alreadyDone, refused, type WriteOperation, type WriteOutcome, written } from './write-operation';

export const ACCOUNT_PAYMENT = 'account.payment';
const PAYMENT_REGISTER = 'account.payment.register';

/** The deterministic reference a payment carries in its memo: found again after a crash. */
export const paymentMarker = (externalId: string): string => `[${externalId}]`;

/**
 * A payment goes through Odoo's own "Register Payment" wizard (account.payment.register, opened on the
 * invoices), so Odoo reconciles it: partial payments, one payment for several invoices (group_payment),
 * a difference closed as a write-off. Exactly once: the payment carries the command's external id in
 * ir.model.data and a marker in its memo; before writing, both are looked up in Odoo, so a retried or
 * replayed command (even one interrupted between the wizard and the external id) never pays twice.
 */
export class RegisterPaymentOperation implements WriteOperation<RegisterPaymentCommand> {
  batchKey(): string {
    return ACCOUNT_PAYMENT;
  }

  async run(
    commands: readonly RegisterPaymentCommand[],
    odoo: OdooGateway,
  ): Promise<Settled<WriteOutcome>[]> {
    const invoiceRefs = await resolveRefs(
      odoo,
      ACCOUNT_MOVE,
      commands.flatMap((c) => c.invoices),
    );
    const paymentRefs = await resolveRefs(
      odoo,
      ACCOUNT_PAYMENT,
      commands.map((c) => ({ kind: 'xid', xid: c.externalId, text: c.externalId })),
    );
    const payments = await readStates(
      odoo,
      ACCOUNT_PAYMENT,
      [...paymentRefs.values()].map((r) => r.id),
    );
    const results: Settled<WriteOutcome>[] = [];
    for (const command of commands) {
      const existing = paymentRefs.get(command.externalId);
      if (existing && payments.get(existing.id)?.state === 'posted') {
        results.push(alreadyDone(ACCOUNT_PAYMENT, existing.id));
        continue;
      }
      results.push(await this.pay(command, invoiceRefs, odoo));
    }
    return results;
  }

  private async pay(
    command: RegisterPaymentCommand,
    invoiceRefs: Map<string, { id: number }>,
    odoo: OdooGateway,
  ): Promise<Settled<WriteOutcome>> {
    const marker = paymentMarker(command.externalId);
    const found = await this.findByMarker(odoo, marker);
    if (found !== undefined) {
      await this.nameExternally(odoo, command.externalId, found);
      return alreadyDone(ACCOUNT_PAYMENT, found);
    }
    const ids: number[] = [];
    for (const ref of command.invoices) {
      const id = invoiceRefs.get(ref.text)?.id;
      if (id === undefined) return refused(missing('invoice', ref.text));
      ids.push(id);
    }
    const invoices = await readStates(odoo, ACCOUNT_MOVE, ids, [
      'state',
      'partner_id',
      'move_type',
      'amount_residual',
    ]);
    let residual = new Decimal(0);
    const partners = new Set<number | undefined>();
    for (const [index, id] of ids.entries()) {
      const invoice = invoices.get(id);
      const text = command.invoices[index].text;
      if (!invoice) return refused(missing('invoice', text));
      if (invoice.state !== 'posted')
        return refused(invalidState('invoice', text, invoice.state, 'paid before it is posted'));
      partners.add(many2oneId(invoice.partner_id));
      residual = residual.plus(Number(invoice.amount_residual ?? 0));
    }
    if (partners.size > 1) {
      return refused(
        new OdooWriterException(
          OdooWriterErrorCode.InvalidState,
          `invoices ${command.invoices.map((r) => r.text).join(', ')} belong to different partners: one payment cannot cover them`,
        ),
      );
    }
    const amount = new Decimal(command.body.amount);
    const writeoff = command.body.writeoffAmount;
    const difference = residual.minus(amount);
    if (difference.lt(0)) {
      return refused(
        new OdooWriterException(
          OdooWriterErrorCode.InvalidState,
          `payment of ${amount.toFixed(2)} is more than the ${residual.toFixed(2)} still due on ${command.invoices.map((r) => r.text).join(', ')}`,
        ),
      );
    }
    if (writeoff !== null && writeoff !== undefined && difference.minus(writeoff).abs().gt(0.005)) {
      return refused(
        new OdooWriterException(
          OdooWriterErrorCode.InvalidState,
          `write-off of ${new Decimal(writeoff).toFixed(2)} asked, but ${difference.toFixed(2)} is left open by the payment`,
        ),
      );
    }
    const context = { active_model: ACCOUNT_MOVE, active_ids: ids, dont_redirect_to_payments: true };
    try {
      const [wizard] = await odoo.create(
        PAYMENT_REGISTER,
        [
          {
            amount: command.body.amount,
            payment_date: command.body.paymentDate ?? new Date().toISOString().slice(0, 10),
            communication: [command.body.memo, marker].filter(Boolean).join(' '),
            group_payment: true,
            payment_difference_handling: writeoff ? 'reconcile' : 'open',
            ...(writeoff && command.body.writeoffLabel ? { writeoff_label: command.body.writeoffLabel } : {}),
          },
        ],
        context,
      );
      await odoo.actionWithContext(PAYMENT_REGISTER, 'action_create_payments', [wizard], context);
    } catch (error) {
      if (!isOdooBusinessError(error)) throw error;
      return refused(
        new OdooWriterException(OdooWriterErrorCode.OdooRejected, error.odooMessage ?? error.message, {
          odooName: error.odooName,
          cause: error,
        }),
      );
    }
    const paymentId = await this.findByMarker(odoo, marker);
    if (paymentId === undefined) {
      throw new OdooWriterException(
        OdooWriterErrorCode.UnexpectedAnswer,
        `Odoo registered the payment ${command.externalId} but no posted payment carries ${marker}`,
      );
    }
    await this.nameExternally(odoo, command.externalId, paymentId);
    return written(ACCOUNT_PAYMENT, paymentId);
  }

  private async findByMarker(odoo: OdooGateway, marker: string): Promise<number | undefined> {
    const rows = await odoo.searchRead(
      ACCOUNT_PAYMENT,
      [
        ['memo', 'like', marker],
        ['state', '=', 'posted'],
      ],
      ['id', 'memo'],
    );
    // `like` takes `_` as a wildcard: the marker itself must be in the memo
    return rows.find((row) => typeof row.memo === 'string' && row.memo.includes(marker))?.id;
  }

  private async nameExternally(odoo: OdooGateway, externalId: string, paymentId: number): Promise<void> {
    const { module, name } = splitExternalId(externalId);
    await odoo.create('ir.model.data', [{ module, name, model: ACCOUNT_PAYMENT, res_id: paymentId }]);
  }
}
