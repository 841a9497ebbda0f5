/** Nest injection tokens of the reconciler's plain objects. */
export const RECONCILER_CONFIG = Symbol('reconciler:config');
export const ODOO_SALE_ORDERS = Symbol('reconciler:odoo-sale-orders');
export const RECONCILIATION_RUNS = Symbol('reconciler:reconciliation-runs');
export const REDRIVE_STORE = Symbol('reconciler:redrive-store');
export const WRITER_BREAKER = Symbol('reconciler:writer-breaker');
export const PARTNER_CATALOG = Symbol('reconciler:partner-catalog');
export const GATEWAY_LEG = Symbol('reconciler:gateway-leg');
export const ODOO_PURCHASE_ORDERS = Symbol('reconciler:odoo-purchase-orders');
export const PURCHASE_ORDER_VIEWS = Symbol('reconciler:purchase-order-views');
export const ODOO_DELIVERIES = Symbol('reconciler:odoo-deliveries');
export const SHIPMENT_VIEWS = Symbol('reconciler:shipment-views');
export const ODOO_CLIENT = Symbol('reconciler:odoo-client');
export const FINANCE_VIEWS = Symbol('reconciler:finance-views');
export const ODOO_ACCOUNT_MOVES = Symbol('reconciler:odoo-account-moves');
