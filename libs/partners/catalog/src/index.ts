// Partner catalog and cross-references loaded from reviewed configuration (config/partners), and the
// pure mapping of partner sales orders to canonical ones.
export {
  CATALOG_FILE,
  type CatalogLoadOptions,
  loadPartnerCatalog,
  validateCatalogDir,
  XREF_DIR,
} from './catalog.loader';
export { CATALOG_SCHEMA, XREF_SCHEMA } from './catalog.schema';
export {
  type AllocationRule,
  type ApiVersionInfo,
  CANONICAL_UOM,
  type CatalogFile,
  type CredentialRef,
  CredentialStatus,
  type CsvColumnConfig,
  type CustomerXref,
  DataDomain,
  type DocumentPermission,
  type InvoicingRule,
  type ItemXref,
  type LayoutConfig,
  type MappingSetFile,
  type PartnerChannel,
  type PartnerConfig,
  type PartnerContact,
  PartnerKind,
  type PartnerSla,
  PartnerStatus,
  type PartnerX12Identity,
  PLATFORM_SYSTEM_OF_RECORD,
  type ShipToXref,
  type UomConversion,
} from './catalog.types';
export { type CatalogProblem, CatalogProblemCode, formatCatalogProblem } from './catalog-problem';
export { DeliveryChannels, documentTypeMatches } from './delivery-channels';
export {
  DELIVERY_DEFAULTS,
  DELIVERY_FILE,
  type DeliveryBreakerPolicy,
  type DeliveryChannelsFile,
  type DeliveryEndpoint,
  type DeliveryEndpointConfig,
  type DeliveryRetryPolicy,
  type SftpChannelConfig,
  type WebhookChannelConfig,
} from './delivery-channels.types';
export {
  type CatalogShortagePolicy,
  type FeedTerms,
  feedTermsOf,
  INVENTORY_TERMS_DEFAULTS,
  type InventoryTerms,
  type ReservationTerms,
  reservationTermsOf,
} from './inventory-terms';
export {
  INVOICE_MATCHING_SCHEMA,
  type InvoiceMatchingTerms,
  type InvoiceTolerance,
  invoiceToleranceOf,
} from './invoice-matching';
export { EXTERNAL_ID_MODULE, SALE_ORDER_XID_PREFIX, saleOrderExternalId } from './order-external-id';
export {
  type CanonicalSalesOrder,
  type CanonicalSalesOrderLine,
  checkPrices,
  mapSalesOrder,
  type OrderMappingResult,
  type OrderProblem,
  OrderProblemCode,
} from './order-mapping';
export {
  type ConvertedQuantity,
  PartnerCatalog,
  type ResolvedCustomer,
  type ResolvedItem,
  type ResolvedShipTo,
} from './partner-catalog';
export { PartnerCatalogErrorCode, PartnerCatalogException } from './partner-catalog.exception';
export {
  type PurchasingSettings,
  SupplierChangePolicy,
  type SupplierPack,
  supplierUnitOf,
} from './purchasing-settings';
export { isSecretReference, secretSuspicion } from './secret-detection';
export { type ResolvedSecret, resolveSecretReferences, type SecretSources } from './secret-references';
export {
  MAPPABLE_MILESTONES,
  type MilestoneMapping,
  SHIPMENT_NOTICE_DOCUMENT_TYPE,
  type ShipmentNoticeSubscription,
} from './shipment-config';
export {
  allocateToChannel,
  dataDomainOfDocument,
  DOCUMENT_DATA_DOMAINS,
  STOCK_FEED_DOCUMENT_TYPE,
} from './system-of-record';
