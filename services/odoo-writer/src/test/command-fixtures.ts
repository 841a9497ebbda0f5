// odoo.commands values for tests and the benchmark.
import { createHash } from 'node:crypto';

import { NO_COMMAND_BODY, type OdooCommand } from '@tradewind/contracts';

/** Seeded master data (config/masterdata/seed.yaml). */
export const SEED = {
  customers: ['tradewind.customer_acme', 'tradewind.customer_bolt', 'tradewind.customer_globex'],
  products: [
    'tradewind.product_sku_1001',
    'tradewind.product_sku_1002',
    'tradewind.product_sku_1003',
    'tradewind.product_sku_2001',
    'tradewind.product_sku_3001',
  ],
  stockLocation: 'tradewind.loc_main_stock',
};

export const commandId = (...parts: (string | number)[]): string =>
  createHash('sha256').update(parts.join('|')).digest('hex').slice(0, 32);

/** A sale order upsert with `lines` lines; `variant` changes the payload (a new version of the order). */
export function upsertSaleOrder(
  externalId: string,
  options: {
    lines?: number;
    variant?: number;
    productRef?: (line: number) => string;
    customer?: string;
  } = {},
): OdooCommand {
  const lines = options.lines ?? 2;
  const variant = options.variant ?? 0;
  return {
    commandId: commandId(externalId, 'upsert', variant),
    externalId,
    type: 'upsert_sale_order',
    issuedBy: 'test',
    issuedAt: Date.now(),
    ...NO_COMMAND_BODY,
    upsertSaleOrder: {
      partnerRef: options.customer ?? SEED.customers[externalId.length % SEED.customers.length],
      clientOrderRef: `PO-${externalId.split('.')[1]}`,
      dateOrder: '2026-01-15T09:30:00Z',
      pricelistRef: null,
      warehouseRef: null,
      note: null,
      lines: Array.from({ length: lines }, (_, i) => ({
        productRef: options.productRef?.(i) ?? SEED.products[i % SEED.products.length],
        quantity: 1 + i + variant,
        priceUnit: 10 + i,
        description: null,
      })),
    },
  };
}

export function confirmSaleOrder(externalId: string): OdooCommand {
  return {
    commandId: commandId(externalId, 'confirm'),
    externalId,
    type: 'confirm_sale_order',
    issuedBy: 'test',
    issuedAt: Date.now(),
    ...NO_COMMAND_BODY,
    confirmSaleOrder: { orderExternalId: externalId },
  };
}

export function setStockLevel(externalId: string, productRef: string, quantity: number): OdooCommand {
  return {
    commandId: commandId(externalId, 'stock', quantity),
    externalId,
    type: 'set_stock_level',
    issuedBy: 'test',
    issuedAt: Date.now(),
    ...NO_COMMAND_BODY,
    setStockLevel: { productRef, locationRef: SEED.stockLocation, quantity },
  };
}

/** validate_picking with the quantities one shipment (tracking reference) carries per SKU. */
export function shipPicking(
  orderExternalId: string,
  trackingRef: string,
  moves: readonly { sku: string; quantity: number }[],
): OdooCommand {
  return {
    commandId: commandId(orderExternalId, 'ship', trackingRef),
    externalId: orderExternalId,
    type: 'validate_picking',
    issuedBy: 'test',
    issuedAt: Date.now(),
    ...NO_COMMAND_BODY,
    validatePicking: {
      pickingRef: null,
      orderExternalId,
      carrierTrackingRef: trackingRef,
      moves: [...moves],
    },
  };
}
