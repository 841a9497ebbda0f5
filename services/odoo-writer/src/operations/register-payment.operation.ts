import type { RegisterPaymentCommand } from '../commands/register-payment.command';
import { loadIsolating } from '../odoo/load-isolation';
import type { OdooGateway } from '../odoo/odoo-gateway';
import { many2oneId, numberCell } from '../odoo/odoo-values';
import { resolveRefs } from '../odoo/ref-resolver';
import type { Settled } from '../resilience/micro-batcher';
import { ACCOUNT_MOVE } from './post-invoice.operation';
import { invalidState, missing, readStates, runRecordAction } from './record-actions';
import { alreadyDone, refused, type WriteOperation, type WriteOutcome, written } from './write-operation';

export const ACCOUNT_PAYMENT = 'account.payment';
const FIELDS = [
  'id',
  'partner_id/.id',
  'amount',
  'payment_type',
  'partner_type',
  'date',
  'memo',
  'invoice_ids/.id',
];

/**
 * A payment is a record of its own (the command's external id): `load` creates it (or updates the draft
 * left by an interrupted attempt), then action_post posts the drafts. A posted payment counts as done.
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
      commands.map((c) => c.invoice),
    );
    const invoices = await readStates(
      odoo,
      ACCOUNT_MOVE,
      [...invoiceRefs.values()].map((r) => r.id),
      ['state', 'partner_id', 'move_type'],
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

    const results: (Settled<WriteOutcome> | undefined)[] = commands.map(() => undefined);
    const toLoad: { index: number; rows: string[][] }[] = [];
    commands.forEach((command, index) => {
      const existing = paymentRefs.get(command.externalId);
      if (existing && payments.get(existing.id)?.state === 'posted') {
        results[index] = alreadyDone(ACCOUNT_PAYMENT, existing.id);
        return;
      }
      const invoiceId = invoiceRefs.get(command.invoice.text)?.id;
      const invoice = invoiceId === undefined ? undefined : invoices.get(invoiceId);
      if (invoiceId === undefined || !invoice) {
        results[index] = refused(missing('invoice', command.invoice.text));
        return;
      }
      if (invoice.state !== 'posted') {
        results[index] = refused(
          invalidState('invoice', command.invoice.text, invoice.state, 'paid before it is posted'),
        );
        return;
      }
      const outbound = String(invoice.move_type).startsWith('in_');
      toLoad.push({
        index,
        rows: [
          [
            command.externalId,
            String(many2oneId(invoice.partner_id) ?? ''),
            numberCell(command.body.amount),
            outbound ? 'outbound' : 'inbound',
            outbound ? 'supplier' : 'customer',
            command.body.paymentDate ?? new Date().toISOString().slice(0, 10),
            command.body.memo ?? '',
            String(invoiceId),
          ],
        ],
      });
    });

    const loaded = await loadIsolating(
      odoo,
      ACCOUNT_PAYMENT,
      FIELDS,
      toLoad.map((entry) => ({ rows: entry.rows })),
    );
    const drafts: { index: number; id: number }[] = [];
    loaded.forEach((settlement, position) => {
      const { index } = toLoad[position];
      if (settlement.ok) drafts.push({ index, id: settlement.id });
      else results[index] = refused(settlement.error);
    });
    const verdicts = await runRecordAction(
      odoo,
      { model: ACCOUNT_PAYMENT, method: 'action_post', doneStates: ['posted'] },
      drafts.map((d) => d.id),
    );
    for (const { index, id } of drafts) {
      const verdict = verdicts.get(id);
      results[index] = !verdict
        ? refused(missing('payment', commands[index].externalId))
        : verdict.ok
          ? written(ACCOUNT_PAYMENT, id)
          : refused(verdict.error);
    }
    return results.map((settled) => settled ?? refused(new Error('unreachable: every payment is settled')));
  }
}
