export const ORDER_INTAKE_CONFIG = Symbol('order-intake:config');
export const PARTNER_CATALOG = Symbol('order-intake:partner-catalog');
export const PRICE_BOOK = Symbol('order-intake:price-book');
export const ORDER_INTAKE_METRICS = Symbol('order-intake:metrics');
