// Injection tokens for the gateway's collaborators that are interfaces or plain values.
export const GATEWAY_CONFIG = Symbol('tradewind:gateway-config');
export const PARTNER_CATALOG = Symbol('tradewind:partner-catalog');
export const NONCE_STORE = Symbol('tradewind:nonce-store');
export const RATE_LIMITER = Symbol('tradewind:rate-limiter');
export const GATEWAY_METRICS = Symbol('tradewind:gateway-metrics');
