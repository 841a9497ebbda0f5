// An odoo.commands value carries exactly the one typed body its type names; every other body is null.
// The empty bodies live here once: a body added to schemas/avro/odoo.commands.avsc is added to this
// constant (the type check names it), not to every service that issues commands.
import type { OdooCommand } from './generated';

/** The odoo.commands fields that are not typed bodies. */
type CommandHead = 'commandId' | 'externalId' | 'type' | 'issuedBy' | 'issuedAt';

/** Every typed body null: spread it, then set the one body the command's type names. */
export const NO_COMMAND_BODY: { readonly [K in keyof Omit<OdooCommand, CommandHead>]: null } = Object.freeze({
  upsertSaleOrder: null,
  confirmSaleOrder: null,
  setStockLevel: null,
  upsertPurchaseOrder: null,
  validatePicking: null,
  postInvoice: null,
  registerPayment: null,
  setPurchaseLineDates: null,
  createVendorBill: null,
});
