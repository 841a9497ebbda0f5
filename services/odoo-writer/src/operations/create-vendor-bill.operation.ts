import type { CreateVendorBillCommand } from '../commands/create-vendor-bill.command';
import { refColumn } from '../commands/odoo-ref';
import { loadIsolating } from '../odoo/load-isolation';
import type { OdooGateway } from '../odoo/odoo-gateway';
import { numberCell, RecordRows } from '../odoo/odoo-values';
import { resolveRefs } from '../odoo/ref-resolver';
import { OdooWriterErrorCode, OdooWriterException } from '../odoo-writer.exception';
import type { Settled } from '../resilience/micro-batcher';
import { ACCOUNT_MOVE } from './post-invoice.operation';
import { invalidState, missing, readStates, runRecordAction, stateOf } from './record-actions';
import { lineExternalId } from './upsert-sale-order.operation';
import { alreadyDone, refused, type WriteOperation, type WriteOutcome, written } from './write-operation';

/** The load rows of a vendor bill: the bill by its external id, its lines linked to the order lines. */
export function vendorBillRows(command: CreateVendorBillCommand, currencyId: number | undefined): RecordRows {
  const { body } = command;
  const rows = new RecordRows().set('id', command.externalId).set('move_type', 'in_invoice');
  rows.set(...refColumn('partner_id', command.vendor));
  rows.set('ref', body.vendorInvoiceNumber);
  rows.set('invoice_date', body.invoiceDate);
  if (body.dueDate !== null) rows.set('invoice_date_due', body.dueDate);
  if (body.purchaseOrderName !== null) rows.set('invoice_origin', body.purchaseOrderName);
  if (currencyId !== undefined) rows.set('currency_id/.id', String(currencyId));
  const described = command.lines.some((line) => line.description !== null);
  command.lines.forEach((line, index) => {
    rows.line([
      ['invoice_line_ids/id', lineExternalId(command.externalId, index + 1)],
      refColumn('invoice_line_ids/product_id', line.product),
      refColumn('invoice_line_ids/purchase_line_id', line.purchaseLine),
      ['invoice_line_ids/quantity', numberCell(line.quantity)],
      ['invoice_line_ids/price_unit', numberCell(line.priceUnit)],
      ...(described
        ? [['invoice_line_ids/name', line.description ?? line.product.text] as [string, string]]
        : []),
    ]);
  });
  return rows;
}

/**
 * A vendor bill, exactly once: the bill is created by `load` with the command's external id (the record
 * and its ir.model.data row in one Odoo transaction), so a retried or replayed command finds it and
 * only posts it if it is still a draft; a posted bill is never loaded again.
 */
export class CreateVendorBillOperation implements WriteOperation<CreateVendorBillCommand> {
  batchKey(): string {
    return `${ACCOUNT_MOVE}:vendor-bill`;
  }

  async run(
    commands: readonly CreateVendorBillCommand[],
    odoo: OdooGateway,
  ): Promise<Settled<WriteOutcome>[]> {
    const existing = await resolveRefs(
      odoo,
      ACCOUNT_MOVE,
      commands.map((c) => ({ kind: 'xid', xid: c.externalId, text: c.externalId })),
    );
    const codes = [...new Set(commands.flatMap((c) => (c.body.currency === null ? [] : [c.body.currency])))];
    const currencies = new Map(
      codes.length === 0
        ? []
        : (await odoo.searchRead('res.currency', [['name', 'in', codes]], ['id', 'name'])).map((row) => [
            String(row.name),
            row.id,
          ]),
    );
    const ids = new Map<number, number>();
    const results: (Settled<WriteOutcome> | undefined)[] = commands.map(() => undefined);
    const toLoad: number[] = [];
    commands.forEach((command, index) => {
      const found = existing.get(command.externalId);
      if (found !== undefined) ids.set(index, found.id);
      else if (command.body.currency !== null && !currencies.has(command.body.currency)) {
        results[index] = refused(missing('currency', command.body.currency));
      } else toLoad.push(index);
    });
    // Loads of the same columns share a call (a bill with descriptions or a currency has more columns).
    const groups = new Map<string, { index: number; rows: RecordRows }[]>();
    for (const index of toLoad) {
      const command = commands[index];
      const rows = vendorBillRows(
        command,
        command.body.currency === null ? undefined : currencies.get(command.body.currency),
      );
      const key = rows.columns().join(',');
      groups.set(key, [...(groups.get(key) ?? []), { index, rows }]);
    }
    const created = new Set<number>();
    for (const group of groups.values()) {
      const fields = group[0].rows.columns();
      const settled = await loadIsolating(
        odoo,
        ACCOUNT_MOVE,
        fields,
        group.map((g) => ({ rows: g.rows.rows(fields) })),
      );
      settled.forEach((result, i) => {
        const index = group[i].index;
        if (result.ok) {
          ids.set(index, result.id);
          created.add(index);
        } else results[index] = refused(result.error);
      });
    }
    const states = await readStates(odoo, ACCOUNT_MOVE, [...ids.values()]);
    const toPost: number[] = [];
    for (const [index, id] of ids) {
      const state = stateOf(states.get(id));
      const command = commands[index];
      if (state === 'posted' || (!command.body.post && state === 'draft')) {
        results[index] = created.has(index) ? written(ACCOUNT_MOVE, id) : alreadyDone(ACCOUNT_MOVE, id);
      } else if (state === 'draft') toPost.push(index);
      else results[index] = refused(invalidState('vendor bill', command.externalId, state, 'posted'));
    }
    const verdicts = await runRecordAction(
      odoo,
      { model: ACCOUNT_MOVE, method: 'action_post', doneStates: ['posted'] },
      toPost.map((index) => ids.get(index)!),
    );
    for (const index of toPost) {
      const id = ids.get(index)!;
      const verdict = verdicts.get(id);
      if (verdict === undefined || !verdict.ok) {
        results[index] = refused(
          verdict?.error ?? invalidState('vendor bill', commands[index].externalId, 'draft', 'posted'),
        );
      } else results[index] = written(ACCOUNT_MOVE, id);
    }
    return results.map(
      (result, index) =>
        result ??
        refused(
          new OdooWriterException(
            OdooWriterErrorCode.UnexpectedAnswer,
            `vendor bill ${commands[index].externalId}: Odoo gave no outcome`,
          ),
        ),
    );
  }
}
