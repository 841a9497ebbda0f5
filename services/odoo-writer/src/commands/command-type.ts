import { CommandType, type OdooCommand } from '@tradewind/contracts';

/** The command types the writer performs: every symbol of the schema's enum but its default. */
export type WritableCommandType = Exclude<CommandType, typeof CommandType.Unknown>;

export const WRITABLE_COMMAND_TYPES: readonly WritableCommandType[] = Object.values(CommandType).filter(
  (type): type is WritableCommandType => type !== CommandType.Unknown,
);

/** The typed body fields of OdooCommand; exactly the one `type` names is set. */
export type CommandBodyField = Exclude<
  keyof OdooCommand,
  'commandId' | 'externalId' | 'type' | 'issuedBy' | 'issuedAt'
>;

export function bodyFieldOf(type: WritableCommandType): CommandBodyField {
  switch (type) {
    case CommandType.UpsertSaleOrder:
      return 'upsertSaleOrder';
    case CommandType.ConfirmSaleOrder:
      return 'confirmSaleOrder';
    case CommandType.SetStockLevel:
      return 'setStockLevel';
    case CommandType.UpsertPurchaseOrder:
      return 'upsertPurchaseOrder';
    case CommandType.ValidatePicking:
      return 'validatePicking';
    case CommandType.PostInvoice:
      return 'postInvoice';
    case CommandType.RegisterPayment:
      return 'registerPayment';
    case CommandType.SetPurchaseLineDates:
      return 'setPurchaseLineDates';
    case CommandType.CreateVendorBill:
      return 'createVendorBill';
  }
}

export const BODY_FIELDS: readonly CommandBodyField[] = WRITABLE_COMMAND_TYPES.map(bodyFieldOf);
