export const PARTNER_CATALOG = Symbol('partner-delivery:catalog');
export const DELIVERY_ENDPOINTS = Symbol('partner-delivery:endpoints');
