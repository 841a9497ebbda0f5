import type { OdooCommand } from '@tradewind/contracts';

/** The writes odoo.commands carries (its `type` field). */
export enum CommandType {
  UpsertSaleOrder = 'upsert-sale-order',
  ConfirmSaleOrder = 'confirm-sale-order',
  SetStockLevel = 'set-stock-level',
  UpsertPurchaseOrder = 'upsert-purchase-order',
  ValidatePicking = 'validate-picking',
  PostInvoice = 'post-invoice',
  RegisterPayment = 'register-payment',
}

const ALL = new Set<string>(Object.values(CommandType));

export function parseCommandType(text: string): CommandType | undefined {
  return ALL.has(text) ? (text as CommandType) : undefined;
}

/** The typed body fields of OdooCommand; exactly the one `type` names is set. */
export type CommandBodyField = Exclude<
  keyof OdooCommand,
  'commandId' | 'externalId' | 'type' | 'issuedBy' | 'issuedAt'
>;

export function bodyFieldOf(type: CommandType): CommandBodyField {
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
  }
}

export const BODY_FIELDS: readonly CommandBodyField[] = Object.values(CommandType).map(bodyFieldOf);
