// Which data domain an inbound document type writes (so the platform can refuse it from a non-owner), and
// the allocation of available stock to a channel under its catalog rule. Pure: no I/O, no clock.
import {
  InvoicingDocumentType,
  SettlementDocumentType,
  ShipmentDocumentType,
  StockDocumentType,
} from '@tradewind/partner-documents';

import { type AllocationRule, DataDomain } from './catalog.types';

/** The outbound document a channel partner receives its stock levels in (JSON push or CSV feed). */
export const STOCK_FEED_DOCUMENT_TYPE = 'stock-feed';

/** Inbound document types that write a data domain; a type not listed writes none on its own. */
export const DOCUMENT_DATA_DOMAINS: Readonly<Record<string, DataDomain>> = Object.freeze({
  [StockDocumentType.StockEvent]: DataDomain.StockOnHand,
  [StockDocumentType.StockSnapshot]: DataDomain.StockOnHand,
  [StockDocumentType.StockQuantEvent]: DataDomain.OdooStock,
  [ShipmentDocumentType.ShipNotice]: DataDomain.ShippedGoods,
  [ShipmentDocumentType.TrackingEvent]: DataDomain.ShipmentTracking,
  [ShipmentDocumentType.ShipmentStatus]: DataDomain.ShipmentTracking,
  [SettlementDocumentType.BankStatement]: DataDomain.Settlements,
  [SettlementDocumentType.GatewayPayout]: DataDomain.Settlements,
  [InvoicingDocumentType.SupplierInvoice]: DataDomain.SupplierInvoices,
});

/** The owners of a domain as the catalog lists them (one, or several). */
export function ownersOf(owner: string | readonly string[]): readonly string[] {
  return typeof owner === 'string' ? [owner] : owner;
}

/** The domain an inbound document of this type writes, if any. */
export function dataDomainOfDocument(documentType: string): DataDomain | undefined {
  return Object.hasOwn(DOCUMENT_DATA_DOMAINS, documentType) ? DOCUMENT_DATA_DOMAINS[documentType] : undefined;
}

/**
 * Units offered to a channel out of `available` (on hand − reserved − safety stock, for the rule's
 * warehouses), in the rule's order: 0 below `zeroBelow`; minus `safetyBuffer`; `percentOfAvailable`
 * rounded down; raised to `min` but never above what is left; lowered to `max`. Whole units, never negative.
 */
export function allocateToChannel(rule: AllocationRule, available: number): number {
  const units = Math.max(0, Math.floor(available));
  if (units < (rule.zeroBelow ?? 0)) return 0;
  const rest = Math.max(0, units - (rule.safetyBuffer ?? 0));
  // Integers throughout: the percentage is whole, so the product is exact below 2^53.
  const share = Math.floor((rest * rule.percentOfAvailable) / 100);
  const atLeast = Math.min(rest, Math.max(rule.min ?? 0, share));
  return rule.max === undefined ? atLeast : Math.min(rule.max, atLeast);
}
