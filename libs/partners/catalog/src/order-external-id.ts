// The Odoo external id of a partner's sales order, derived from its business key: order-intake writes the
// order under it, and whoever acts on that order later (shipments validating its delivery) names it the same.
import { createHash } from 'node:crypto';

/** Odoo module of every external id the platform creates; odoo.results are filtered on it. */
export const EXTERNAL_ID_MODULE = 'tradewind';
/** Prefix of sale order external ids: `tradewind.so_<partner>_<po>`. */
export const SALE_ORDER_XID_PREFIX = `${EXTERNAL_ID_MODULE}.so_`;

// ir.model.data names keep these characters as they are (the odoo-writer accepts [A-Za-z0-9_.-]).
const UNSAFE = /[^A-Za-z0-9.-]/g;
const MAX_PO_PART = 48;

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
  const hash = createHash('sha256').update(`${partnerId}/${poNumber}`, 'utf8').digest('hex');
  return `${readable}_${hash.slice(0, 10)}`;
}
