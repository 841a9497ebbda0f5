import { refColumn } from '../commands/odoo-ref';
import type { UpsertPurchaseOrderCommand } from '../commands/upsert-purchase-order.command';
import { loadIsolating } from '../odoo/load-isolation';
import type { OdooGateway } from '../odoo/odoo-gateway';
import { numberCell, RecordRows, toOdooDatetime } from '../odoo/odoo-values';
import type { Settled } from '../resilience/micro-batcher';
import { lineExternalId } from './upsert-sale-order.operation';
import { refused, type WriteOperation, type WriteOutcome, written } from './write-operation';

export const PURCHASE_ORDER = 'purchase.order';

export function purchaseOrderRows(command: UpsertPurchaseOrderCommand): RecordRows {
  const { body } = command;
  const rows = new RecordRows().set('id', command.externalId);
  rows.set(...refColumn('partner_id', command.partner));
  if (body.vendorReference !== null) rows.set('partner_ref', body.vendorReference);
  if (body.origin !== null) rows.set('origin', body.origin);
  if (body.dateOrder !== null) rows.set('date_order', toOdooDatetime(body.dateOrder));
  if (body.datePlanned !== null) rows.set('date_planned', toOdooDatetime(body.datePlanned));
  const described = command.lines.some((line) => line.description !== null);
  command.lines.forEach((line, index) => {
    rows.line([
      ['order_line/id', lineExternalId(command.externalId, index + 1)],
      refColumn('order_line/product_id', line.product),
      ['order_line/product_qty', numberCell(line.quantity)],
      ['order_line/price_unit', numberCell(line.priceUnit)],
      ...(described ? [['order_line/name', line.description ?? line.product.text] as [string, string]] : []),
    ]);
  });
  return rows;
}

/** Create-or-update of purchase orders (RFQs) by external id, many per `load` call. */
export class UpsertPurchaseOrderOperation implements WriteOperation<UpsertPurchaseOrderCommand> {
  batchKey(command: UpsertPurchaseOrderCommand): string {
    return `${PURCHASE_ORDER}:${purchaseOrderRows(command).columns().join(',')}`;
  }

  async run(
    commands: readonly UpsertPurchaseOrderCommand[],
    odoo: OdooGateway,
  ): Promise<Settled<WriteOutcome>[]> {
    const built = commands.map((command) => purchaseOrderRows(command));
    const fields = built[0].columns();
    const settled = await loadIsolating(
      odoo,
      PURCHASE_ORDER,
      fields,
      built.map((rows) => ({ rows: rows.rows(fields) })),
    );
    return settled.map((result) => (result.ok ? written(PURCHASE_ORDER, result.id) : refused(result.error)));
  }
}
