import { CommandType, type OdooCommand, type UpsertPurchaseOrder } from '@tradewind/contracts';

import { BaseWriterCommand, type CommandEnvelope, CommandProblems } from './base.command';
import type { OdooRef } from './odoo-ref';
import type { OrderLineSpec } from './upsert-sale-order.command';

/** Creates or updates a purchase order (RFQ) and its lines by external id. */
export class UpsertPurchaseOrderCommand extends BaseWriterCommand<
  typeof CommandType.UpsertPurchaseOrder,
  UpsertPurchaseOrder
> {
  readonly type = CommandType.UpsertPurchaseOrder;

  private constructor(
    envelope: CommandEnvelope,
    body: UpsertPurchaseOrder,
    readonly partner: OdooRef,
    readonly lines: readonly OrderLineSpec[],
  ) {
    super(envelope, body);
  }

  static create(value: OdooCommand): UpsertPurchaseOrderCommand {
    const problems = new CommandProblems();
    const { envelope, body } = this.envelopeAndBody<'upsertPurchaseOrder'>(
      value,
      CommandType.UpsertPurchaseOrder,
      problems,
    );
    if (!body) return this.reject(problems, value);
    const partner = problems.ref('upsertPurchaseOrder.partnerRef', body.partnerRef);
    problems.text('upsertPurchaseOrder.vendorReference', body.vendorReference, { max: 255 });
    problems.text('upsertPurchaseOrder.origin', body.origin, { max: 255 });
    problems.isoDate('upsertPurchaseOrder.dateOrder', body.dateOrder);
    problems.isoDate('upsertPurchaseOrder.datePlanned', body.datePlanned);
    problems.check(body.lines.length <= 1000, 'upsertPurchaseOrder.lines: more than 1000 lines');
    const lines = body.lines.map((line, index) => {
      const path = `upsertPurchaseOrder.lines[${index}]`;
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
      'upsertPurchaseOrder.lines: productRef must be an Odoo id on every line or an external id on every line',
    );
    this.throwIfAny(problems, value);
    return new UpsertPurchaseOrderCommand(envelope, body, partner, lines);
  }
}
