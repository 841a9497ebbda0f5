export const INVENTORY_SYNC_CONFIG = Symbol('INVENTORY_SYNC_CONFIG');
export const PARTNER_CATALOG = Symbol('PARTNER_CATALOG');
export const ODOO_CLIENT = Symbol('inventory-sync:odoo-client');
