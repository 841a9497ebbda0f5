// Which X-Forwarded-For hops the gateway believes. The client writes the left of that header, so trusting
// every hop lets any caller choose the address the audit trail and the logs record. Express walks the
// header from the right and stops at the first hop it does not trust: trust exactly the proxies in front
// of the gateway, by count or by address.
import { isIP } from 'node:net';

/** `false`: the socket's peer is the client; a number: that many proxies; a list: proxies by address. */
export type TrustProxy = false | number | readonly string[];

const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function isAddressOrRange(item: string): boolean {
  if (NAMED_RANGES.has(item)) return true;
  const [address, prefix, ...rest] = item.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  const bits = Number(prefix);
  return /^\d{1,3}$/.test(prefix) && bits <= (family === 4 ? 32 : 128);
}

/**
 * GATEWAY_TRUST_PROXY: `false` (or `0`), a hop count (`1` behind one load balancer), or a comma-separated
 * list of proxy addresses and ranges (`10.0.0.0/8, loopback`). `true` is refused: it trusts every hop.
 */
export function parseTrustProxy(input: string): TrustProxy {
  const value = input.trim().toLowerCase();
  if (['false', 'off', 'no', '0'].includes(value)) return false;
  if (['true', 'on', 'yes'].includes(value)) {
    throw new Error(
      'would trust every X-Forwarded-For hop, so any client could choose its address: give the number of proxies in front of the gateway (1 behind one load balancer) or their addresses/ranges',
    );
  }
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (hops > 10) throw new Error('is more proxy hops than any deployment has (at most 10)');
    return hops;
  }
  const items = value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  const bad = items.filter((item) => !isAddressOrRange(item));
  if (items.length === 0 || bad.length > 0) {
    throw new Error(
      `is not a hop count or a list of addresses/CIDR ranges (loopback, linklocal, uniquelocal allowed)${bad.length > 0 ? `: ${bad.join(', ')}` : ''}`,
    );
  }
  return items;
}

/** Express's `trust proxy` setting for it (a copy: Express keeps what it is given). */
export function expressTrustProxy(setting: TrustProxy): boolean | number | string[] {
  return typeof setting === 'object' ? [...setting] : setting;
}
