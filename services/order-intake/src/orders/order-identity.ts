// Identifiers derived from the business key, never drawn at random: replaying the same order (after a
// crash, a redelivery, a re-drive) issues the same external id, the same command ids and the same
// outbox message ids, so nothing downstream can tell a replay from the original.
import { uuidFromSeed } from '@tradewind/persistence';

export { EXTERNAL_ID_MODULE, SALE_ORDER_XID_PREFIX, saleOrderExternalId } from '@tradewind/partner-catalog';
export { uuidFromSeed };

/** `<partnerId>/<poNumber>`: the business key, the orders.state key. */
export function orderIdOf(partnerId: string, poNumber: string): string {
  return `${partnerId}/${poNumber}`;
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
