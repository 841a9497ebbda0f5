// The two odoo.commands an accepted order becomes: upsert_sale_order, then confirm_sale_order, both keyed
// by the order's external id so the odoo-writer sees them in that order.
import { CommandType, NO_COMMAND_BODY, type OdooCommand } from '@tradewind/contracts';
import type { CanonicalSalesOrder } from '@tradewind/partner-catalog';

import type { PricedLine } from '../intake/sales-order.evaluator';
import { commandIdOf } from '../orders/order-identity';

export interface SaleOrderCommandInput {
  readonly orderId: string;
  readonly externalId: string;
  /** The order version that accepted it: part of the command ids. */
  readonly version: number;
  readonly order: CanonicalSalesOrder;
  readonly lines: readonly PricedLine[];
  readonly partnerName: string;
  readonly pricelistRef: string | null;
  readonly warehouseRef: string | null;
  readonly issuedBy: string;
  readonly issuedAt: number;
}

export function saleOrderCommands(input: SaleOrderCommandInput): [upsert: OdooCommand, confirm: OdooCommand] {
  const { order } = input;
  // The writer wants one kind of product reference for all lines: external ids when every product has
  // one, else Odoo ids.
  const byExternalId = input.lines.every((line) => line.productExternalId !== undefined);
  const envelope = { externalId: input.externalId, issuedBy: input.issuedBy, issuedAt: input.issuedAt };
  const upsert: OdooCommand = {
    ...NO_COMMAND_BODY,
    ...envelope,
    commandId: commandIdOf(input.orderId, CommandType.UpsertSaleOrder, input.version),
    type: CommandType.UpsertSaleOrder,
    upsertSaleOrder: {
      partnerRef: order.customer.odooExternalId,
      clientOrderRef: order.poNumber,
      dateOrder: order.orderDate,
      pricelistRef: input.pricelistRef,
      warehouseRef: input.warehouseRef,
      note: `${input.partnerName} PO ${order.poNumber}${order.shipToCode === undefined ? '' : `, ship to ${order.shipToCode}`}`,
      lines: input.lines.map((line) => ({
        productRef: byExternalId ? line.productExternalId! : String(line.productId),
        quantity: line.quantity,
        priceUnit: line.priceUnit,
        description: line.description,
      })),
    },
  };
  const confirm: OdooCommand = {
    ...NO_COMMAND_BODY,
    ...envelope,
    commandId: commandIdOf(input.orderId, CommandType.ConfirmSaleOrder, input.version),
    type: CommandType.ConfirmSaleOrder,
    confirmSaleOrder: { orderExternalId: input.externalId },
  };
  return [upsert, confirm];
}
