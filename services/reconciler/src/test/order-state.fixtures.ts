// orders.state values as order-intake publishes them, for the reconciler's tests.
import { OrderStatus } from '@tradewind/contracts';

import type { OrdersStateValue } from '../views/orders-state.consumer';

export function orderState(
  partnerId: string,
  poNumber: string,
  overrides: Partial<OrdersStateValue> = {},
): OrdersStateValue {
  return {
    orderId: `${partnerId}/${poNumber}`,
    partnerId,
    poNumber,
    status: OrderStatus.Acknowledged,
    version: 5,
    documentIds: [`doc-${poNumber}`],
    customerRef: 'CUST-ACME',
    odooPartnerId: null,
    currency: 'USD',
    lines: [
      { lineNo: 1, partnerSku: 'P-1001', sku: 'SKU-1001', quantity: 100, uom: 'Units', unitPrice: 0.45 },
      { lineNo: 2, partnerSku: 'P-1002', sku: 'SKU-1002', quantity: 50, uom: 'Units', unitPrice: 0.12 },
    ],
    rejectionReasons: [],
    odooExternalId: null,
    odooOrderId: null,
    updatedAt: Date.now(),
    duplicateDocumentIds: [],
    ...overrides,
  };
}
