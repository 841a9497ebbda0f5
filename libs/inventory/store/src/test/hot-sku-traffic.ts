// The traffic of the crash test, the same in the test and in the worker it kills: N single-line orders
// from three partners for one SKU, each request with a fixed message id (a redelivery carries the same).
import { HEADER, type ReservationRequest, ShortagePolicy } from '@tradewind/contracts';

const PARTNERS = ['acme', 'globex', 'bazaarly'];

export interface HotSkuDelivery {
  request: ReservationRequest;
  headers: Record<string, string>;
}

export function hotSkuTraffic(prefix: string, sku: string, orders: number): HotSkuDelivery[] {
  return Array.from({ length: orders }, (_, i) => {
    const partnerId = PARTNERS[i % PARTNERS.length];
    const orderId = `${partnerId}/${prefix}-PO${i}`;
    return {
      request: {
        requestId: `${orderId}/${sku}`,
        orderId,
        partnerId,
        sku,
        orderLineCount: 1,
        lines: [{ lineNo: 1, quantity: 1 }],
        shortagePolicy: ShortagePolicy.Reject,
        holdExpiresAt: null,
        requestedAt: 0,
      },
      headers: { [HEADER.messageId]: `${prefix}-m${i}`, [HEADER.correlationId]: `${prefix}-c${i}` },
    };
  });
}

export const CONSUMER_GROUP = 'inventory-sync.inventory.reservation-requests';
