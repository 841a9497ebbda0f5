import { refColumn } from '../commands/odoo-ref';
import type { UpsertSaleOrderCommand } from '../commands/upsert-sale-order.command';
import { loadIsolating } from '../odoo/load-isolation';
import type { OdooGateway } from '../odoo/odoo-gateway';
import { numberCell, RecordRows, toOdooDatetime } from '../odoo/odoo-values';
import type { Settled } from '../resilience/micro-batcher';
import { refused, type WriteOperation, type WriteOutcome, written } from './write-operation';

export const SALE_ORDER = 'sale.order';

/**
 * The external id of an order's n-th line (1-based). Deterministic, so a re-load updates the lines it
 * created instead of adding new ones: Odoo's import links and updates a one2many sub-row whose
 * `order_line/id` exists and creates (and registers) it otherwise (ir.fields.converter._str_to_one2many).
 */
export function lineExternalId(orderExternalId: string, lineNumber: number): string {
  return `${orderExternalId}_line_${lineNumber}`;
}

export function saleOrderRows(command: UpsertSaleOrderCommand): RecordRows {
  const { body } = command;
  const rows = new RecordRows().set('id', command.externalId);
  rows.set(...refColumn('partner_id', command.partner));
  rows.set('client_order_ref', body.clientOrderRef);
  if (body.dateOrder !== null) rows.set('date_order', toOdooDatetime(body.dateOrder));
  if (command.pricelist) rows.set(...refColumn('pricelist_id', command.pricelist));
  if (command.warehouse) rows.set(...refColumn('warehouse_id', command.warehouse));
  if (body.note !== null) rows.set('note', body.note);
  // Odoo requires a line description; a column left empty would blank it, so the column only appears
  // when some line brings one (the others then show their product reference).
  const described = command.lines.some((line) => line.description !== null);
  command.lines.forEach((line, index) => {
    rows.line([
      ['order_line/id', lineExternalId(command.externalId, index + 1)],
      refColumn('order_line/product_id', line.product),
      ['order_line/product_uom_qty', numberCell(line.quantity)],
      ['order_line/price_unit', numberCell(line.priceUnit)],
      ...(described ? [['order_line/name', line.description ?? line.product.text] as [string, string]] : []),
    ]);
  });
  return rows;
}

/** Create-or-update by external id, many orders per `load` call. */
export class UpsertSaleOrderOperation implements WriteOperation<UpsertSaleOrderCommand> {
  batchKey(command: UpsertSaleOrderCommand): string {
    // Rows of one load share its columns: orders with other optional fields go in another batch.
    return `${SALE_ORDER}:${saleOrderRows(command).columns().join(',')}`;
  }

  async run(
    commands: readonly UpsertSaleOrderCommand[],
    odoo: OdooGateway,
  ): Promise<Settled<WriteOutcome>[]> {
    const built = commands.map((command) => saleOrderRows(command));
    const fields = built[0].columns();
    const settled = await loadIsolating(
      odoo,
      SALE_ORDER,
      fields,
      built.map((rows) => ({ rows: rows.rows(fields) })),
    );
    return settled.map((result) => (result.ok ? written(SALE_ORDER, result.id) : refused(result.error)));
  }
}
