export const OPS_CONSOLE_CONFIG = Symbol('ops-console:config');
export const PARTNER_CATALOG = Symbol('ops-console:partner-catalog');
