// Identifiers derived from the business key, never drawn at random: replaying the same order (after a
// crash, a redelivery, a re-drive) issues the same external id, the same command ids and the same
// outbox message ids, so nothing downstream can tell a replay from the original.
import { createHash } from 'node:crypto';

/** Odoo module of every external id order-intake creates; odoo.results are filtered on it. */
export const EXTERNAL_ID_MODULE = 'tradewind';
/** Prefix of sale order external ids: `tradewind.so_<partner>_<po>`. */
export const SALE_ORDER_XID_PREFIX = `${EXTERNAL_ID_MODULE}.so_`;

// ir.model.data names keep these characters as they are (the odoo-writer accepts [A-Za-z0-9_.-]).
const UNSAFE = /[^A-Za-z0-9.-]/g;
const MAX_PO_PART = 48;

/** `<partnerId>/<poNumber>`: the business key, the orders.state key. */
export function orderIdOf(partnerId: string, poNumber: string): string {
  return `${partnerId}/${poNumber}`;
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function part(text: string, max: number): { text: string; lossless: boolean } {
  const replaced = text.replace(UNSAFE, '_');
  // `_` separates partner from PO, so a `_` in the input is as ambiguous as any other replaced character.
  const lossless = replaced === text && !text.includes('_') && text.length <= max;
  return { text: replaced.slice(0, max), lossless };
}

/**
 * The Odoo external id of a partner's sales order: `tradewind.so_<partner>_<po>`. Case and `-` `.` are
 * kept (they are legal in external ids); anything else becomes `_`, and whenever the readable form could
 * stand for two POs (a character was replaced, or the PO was cut) a hash of the business key is appended,
 * so two orders never share an external id.
 */
export function saleOrderExternalId(partnerId: string, poNumber: string): string {
  const partner = part(partnerId, 40);
  const po = part(poNumber, MAX_PO_PART);
  const readable = `${SALE_ORDER_XID_PREFIX}${partner.text}_${po.text}`;
  if (partner.lossless && po.lossless) return readable;
  return `${readable}_${sha256Hex(orderIdOf(partnerId, poNumber)).slice(0, 10)}`;
}

/** A UUID-shaped id from a hash of `seed` (RFC 9562 version 8, "custom"): stable for the same seed. */
export function uuidFromSeed(seed: string): string {
  const hex = sha256Hex(seed).slice(0, 32).split('');
  hex[12] = '8';
  hex[16] = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * The id of a command order-intake issues for an order: a hash of the order id, the command type and
 * the order version that caused it. A replay of the same decision yields the same id, so the
 * odoo-writer's ledger recognises it; a later decision (another version) would yield a new one.
 */
export function commandIdOf(orderId: string, commandType: string, version: number): string {
  return uuidFromSeed(`command|${orderId}|${commandType}|${version}`);
}

/** Outbox message id of the orders.state record of one order version. */
export function stateMessageIdOf(orderId: string, version: number): string {
  return uuidFromSeed(`state|${orderId}|${version}`);
}

/** Outbox message id of an acknowledgement (the outboundId is itself deterministic). */
export function outboundMessageIdOf(outboundId: string): string {
  return uuidFromSeed(`outbound|${outboundId}`);
}
