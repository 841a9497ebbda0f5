export const INVOICES_CONFIG = Symbol('invoices:config');
export const INVOICE_BOOK = Symbol('invoices:invoice-book');
export const ODOO_INVOICES = Symbol('invoices:odoo-invoices');
export const PARTNER_CATALOG = Symbol('invoices:partner-catalog');
