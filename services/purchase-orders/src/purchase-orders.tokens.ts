export const PURCHASE_ORDERS_CONFIG = Symbol('purchase-orders:config');
export const PARTNER_CATALOG = Symbol('purchase-orders:partner-catalog');
export const PURCHASE_ORDERS_READER = Symbol('purchase-orders:odoo-reader');
export const PURCHASING_CLOCK = Symbol('purchase-orders:clock');
