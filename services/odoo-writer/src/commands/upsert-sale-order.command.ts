import { CommandType, type OdooCommand, type UpsertSaleOrder } from '@tradewind/contracts';

import { BaseWriterCommand, type CommandEnvelope, CommandProblems } from './base.command';
import type { OdooRef } from './odoo-ref';

export interface OrderLineSpec {
  product: OdooRef;
  quantity: number;
  priceUnit: number;
  description: string | null;
}

/** Creates or updates a sale order and its lines by external id. */
export class UpsertSaleOrderCommand extends BaseWriterCommand<
  typeof CommandType.UpsertSaleOrder,
  UpsertSaleOrder
> {
  readonly type = CommandType.UpsertSaleOrder;

  private constructor(
    envelope: CommandEnvelope,
    body: UpsertSaleOrder,
    readonly partner: OdooRef,
    readonly pricelist: OdooRef | undefined,
    readonly warehouse: OdooRef | undefined,
    readonly lines: readonly OrderLineSpec[],
  ) {
    super(envelope, body);
  }

  static create(value: OdooCommand): UpsertSaleOrderCommand {
    const problems = new CommandProblems();
    const { envelope, body } = this.envelopeAndBody<'upsertSaleOrder'>(
      value,
      CommandType.UpsertSaleOrder,
      problems,
    );
    if (!body) return this.reject(problems, value);
    const partner = problems.ref('upsertSaleOrder.partnerRef', body.partnerRef);
    const pricelist =
      body.pricelistRef === null
        ? undefined
        : problems.ref('upsertSaleOrder.pricelistRef', body.pricelistRef);
    const warehouse =
      body.warehouseRef === null
        ? undefined
        : problems.ref('upsertSaleOrder.warehouseRef', body.warehouseRef);
    problems.text('upsertSaleOrder.clientOrderRef', body.clientOrderRef, { required: true, max: 255 });
    problems.isoDate('upsertSaleOrder.dateOrder', body.dateOrder);
    problems.check(body.lines.length <= 1000, 'upsertSaleOrder.lines: more than 1000 lines');
    const lines = body.lines.map((line, index) => {
      const path = `upsertSaleOrder.lines[${index}]`;
      problems.quantity(`${path}.quantity`, line.quantity);
      problems.quantity(`${path}.priceUnit`, line.priceUnit);
      problems.text(`${path}.description`, line.description, { max: 2000 });
      return {
        product: problems.ref(`${path}.productRef`, line.productRef),
        quantity: line.quantity,
        priceUnit: line.priceUnit,
        description: line.description,
      };
    });
    // One load column per field: Odoo's import refuses a sub-record with both `product_id/id` and
    // `product_id/.id` ("Ambiguous specification"), even when one of them is empty.
    problems.check(
      new Set(lines.map((line) => line.product.kind)).size <= 1,
      'upsertSaleOrder.lines: productRef must be an Odoo id on every line or an external id on every line',
    );
    this.throwIfAny(problems, value);
    return new UpsertSaleOrderCommand(envelope, body, partner, pricelist, warehouse, lines);
  }
}
