import { assertUnreachable, CommandType, type OdooCommand } from '@tradewind/contracts';

import { OdooWriterErrorCode, OdooWriterException } from '../odoo-writer.exception';
import { WRITABLE_COMMAND_TYPES } from './command-type';
import { ConfirmSaleOrderCommand } from './confirm-sale-order.command';
import { CreateVendorBillCommand } from './create-vendor-bill.command';
import { PostInvoiceCommand } from './post-invoice.command';
import { RegisterPaymentCommand } from './register-payment.command';
import { SetPurchaseLineDatesCommand } from './set-purchase-line-dates.command';
import { SetStockLevelCommand } from './set-stock-level.command';
import { UpsertPurchaseOrderCommand } from './upsert-purchase-order.command';
import { UpsertSaleOrderCommand } from './upsert-sale-order.command';
import { ValidatePickingCommand } from './validate-picking.command';

/** Every validated command; `type` discriminates, and switches over it are exhaustive. */
export type WriterCommand =
  | UpsertSaleOrderCommand
  | ConfirmSaleOrderCommand
  | SetStockLevelCommand
  | UpsertPurchaseOrderCommand
  | ValidatePickingCommand
  | PostInvoiceCommand
  | RegisterPaymentCommand
  | SetPurchaseLineDatesCommand
  | CreateVendorBillCommand;

/** The consumer edge: an odoo.commands value becomes a validated command, or an InvalidCommand error. */
export function createWriterCommand(value: OdooCommand): WriterCommand {
  switch (value.type) {
    // The schema's default: the issuer wrote a symbol this writer's schema does not know yet.
    case CommandType.Unknown:
      throw new OdooWriterException(
        OdooWriterErrorCode.InvalidCommand,
        `invalid command ${value.commandId} for ${value.externalId}: unknown type (expected one of ${WRITABLE_COMMAND_TYPES.join(', ')})`,
      );
    case CommandType.UpsertSaleOrder:
      return UpsertSaleOrderCommand.create(value);
    case CommandType.ConfirmSaleOrder:
      return ConfirmSaleOrderCommand.create(value);
    case CommandType.SetStockLevel:
      return SetStockLevelCommand.create(value);
    case CommandType.UpsertPurchaseOrder:
      return UpsertPurchaseOrderCommand.create(value);
    case CommandType.ValidatePicking:
      return ValidatePickingCommand.create(value);
    case CommandType.PostInvoice:
      return PostInvoiceCommand.create(value);
    case CommandType.RegisterPayment:
      return RegisterPaymentCommand.create(value);
    case CommandType.SetPurchaseLineDates:
      return SetPurchaseLineDatesCommand.create(value);
    case CommandType.CreateVendorBill:
      return CreateVendorBillCommand.create(value);
    default:
      return assertUnreachable(value.type);
  }
}
