// Deterministic ids for outbox messages and commands: replaying the same business change (a crash, a
// redelivery, a re-drive) yields the same id, so the outbox and the consumers downstream recognise it.
import { createHash } from 'node:crypto';

/** A UUID-shaped id from a hash of `seed` (RFC 9562 version 8, "custom"): stable for the same seed. */
export function uuidFromSeed(seed: string): string {
  const hex = createHash('sha256').update(seed, 'utf8').digest('hex').slice(0, 32).split('');
  hex[12] = '8';
  hex[16] = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
