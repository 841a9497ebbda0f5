// Partner document formats (JSON, CSV, X12): parse, split, locate errors, build acknowledgements.
// Pure functions over bytes: no I/O, no clock, no environment.
export { BANK_STATEMENT_COLUMNS, parseBankStatementCsv } from './bank-statement-csv.parser';
export { buildCamt053, type Camt053EntryFixture, type Camt053Fixture } from './camt053.builder';
export { parseCamt053 } from './camt053.parser';
export {
  checkCanonicalFields,
  COUNT_LIMITS,
  forbiddenCharacterAt,
  isAcceptableText,
  NUMBER_LIMITS,
  TEXT_FIELDS,
  TextRule,
  X12_ELEMENT_MAX_LENGTH,
} from './canonical-fields';
export { parseCsvSalesOrders } from './csv-sales-order.parser';
export {
  type CsvStockSnapshotRead,
  parseCsvStockSnapshot,
  readCsvStockSnapshot,
  STOCK_SNAPSHOT_COLUMNS,
} from './csv-stock-snapshot.parser';
export { CONTENT_TYPES, detectFormat, DocumentFormat } from './document-format';
export {
  type AnyDocumentProblem,
  type DocumentProblem,
  DocumentProblemCode,
  formatLocation,
  isDocumentProblemCode,
  jsonPointer,
  printable,
  problem,
  type ProblemLocation,
} from './document-problem';
export {
  DocumentPolicy,
  type DocumentSlice,
  type DocumentSplit,
  parseSalesOrders,
  selectSlices,
  type SliceSelection,
  type SplitDocument,
  splitDocument,
} from './document-split';
export {
  hasGs1CheckDigit,
  isIsoDate,
  isValidGtin,
  normalizeGtin,
  parseDecimal,
  x12DateToIso,
} from './field-values';
export { parseGatewayPayoutJson } from './gateway-payout-json.parser';
export type { OutboundInvoice, OutboundInvoiceLine } from './invoice-document';
export {
  buildCsvInvoice,
  buildJsonInvoice,
  CSV_INVOICE_COLUMNS,
  JSON_INVOICE_TYPE,
  JSON_INVOICE_VERSION,
} from './invoice-document.builder';
export { buildJsonOrderAck, JSON_ACK_TYPE, JSON_ACK_VERSION, type JsonAckContext } from './json-ack.builder';
export { parseJsonSalesOrders } from './json-sales-order.parser';
export {
  JSON_SALES_ORDER_BATCH_SCHEMA,
  JSON_SALES_ORDER_SCHEMA,
  type JsonSalesOrder,
  type JsonSalesOrderLine,
} from './json-sales-order.schema';
export {
  type JsonStockEventsRead,
  parseJsonStockEvents,
  readJsonStockEvents,
} from './json-stock-event.parser';
export { MAX_JSON_DEPTH, scanJsonStructure } from './json-structure';
export {
  type ProofDocumentForm,
  readJsonTrackingEvents,
  type ShipmentEntry,
  type ShipmentEventsRead,
} from './json-tracking-event.parser';
export {
  type OdooStockQuantEvent,
  type OdooWebhookEvent,
  readOdooWebhook,
  readStockQuantEvent,
} from './odoo-webhook.reader';
export {
  type AcknowledgementOptions,
  acknowledgeOrder,
  type AckReason,
  type LineAcknowledgement,
  LineAckStatus,
  type OrderAcknowledgement,
  OrderAckStatus,
} from './order-acknowledgement';
export { PartnerDocumentsErrorCode, PartnerDocumentsException } from './partner-documents.exception';
export {
  CustomerCodeRole,
  ItemIdQualifier,
  type ParsedSalesOrders,
  type PartnerItemId,
  type PartnerSalesOrder,
  type PartnerSalesOrderLine,
  type SalesOrderEntry,
  type X12EnvelopeRef,
} from './partner-sales-order';
export {
  purposeOf,
  type ReceivedFunctionalAck,
  type SupplierAckLine,
  type SupplierAcknowledgement,
  SupplierLineStatus,
  type SupplierOrder,
  type SupplierOrderLine,
  type SupplierOrderPurpose,
} from './purchase-order-document';
export {
  isPurchasingDocumentType,
  PURCHASING_DOCUMENT_FORMATS,
  type PurchasingDocumentSplit,
  PurchasingDocumentType,
  readPurchaseOrderEvent,
  splitPurchasingDocument,
} from './purchasing-document-split';
export {
  CSV_COLUMN_ONLY_FIELDS,
  CSV_FIELD_TYPES,
  CSV_MANDATORY_FIELDS,
  CSV_ORDER_FIELDS,
  type CsvColumnSpec,
  CsvField,
  CsvFieldType,
  CsvItemIdType,
  type CsvLayout,
  type JsonLayout,
  type JsonLineField,
  type JsonOrderField,
  type SalesOrderLayout,
  STANDARD_CSV_LAYOUT,
  STANDARD_JSON_LAYOUT,
  STANDARD_LAYOUT,
  STANDARD_X12_LAYOUT,
  X12_ITEM_QUALIFIERS,
  type X12Layout,
} from './sales-order-layout';
export {
  currencyExponent,
  fromMinorUnits,
  isSettlementDocumentType,
  type ParsedSettlement,
  SETTLEMENT_LIMITS,
  type SettlementDocument,
  SettlementDocumentType,
  type SettlementEntry,
  SettlementEntryKind,
  toMinorUnits,
} from './settlement-document';
export {
  SETTLEMENT_DOCUMENT_FORMATS,
  type SettlementDocumentSplit,
  splitSettlementDocument,
} from './settlement-document-split';
export {
  type CarrierEvent,
  digestEventId,
  isShipmentDocumentType,
  type ProofAttachment,
  type ProofOfDelivery,
  sha256Of,
  SHIPMENT_LIMITS,
  ShipmentDocumentType,
  TRACKING_STATUSES,
  type TrackingStatus,
} from './shipment-document';
export {
  SHIPMENT_DOCUMENT_FORMATS,
  type ShipmentDocumentSplit,
  splitShipmentDocument,
} from './shipment-document-split';
export {
  isStockDocumentType,
  type ParsedStockDocument,
  type ParsedStockEvents,
  type ParsedStockSnapshot,
  parseEventTime,
  STOCK_LIMITS,
  StockDocumentType,
  type StockEntry,
  type StockEvent,
  type StockSnapshot,
  type StockSnapshotLine,
} from './stock-document';
export {
  type ParsedStockQuantEvent,
  splitStockDocument,
  STOCK_DOCUMENT_FORMATS,
  type StockDocumentSplit,
} from './stock-document-split';
export {
  buildCsvStockFeed,
  buildJsonStockFeed,
  CSV_STOCK_FEED_HEADER,
  JSON_STOCK_FEED_TYPE,
  JSON_STOCK_FEED_VERSION,
  type StockFeed,
  type StockFeedItem,
} from './stock-feed.builder';
export {
  JSON_SUPPLIER_INVOICE_TYPE,
  readCsvSupplierInvoices,
  readJsonSupplierInvoice,
  readX12SupplierInvoices,
  SUPPLIER_INVOICE_CSV_COLUMNS,
} from './supplier-invoice.reader';
export {
  InvoicingDocumentType,
  isInvoicingDocumentType,
  type ParsedSupplierInvoices,
  SUPPLIER_INVOICE_LIMITS,
  type SupplierInvoice,
  type SupplierInvoiceLine,
} from './supplier-invoice-document';
export {
  INVOICING_DOCUMENT_FORMATS,
  readSupplierInvoices,
  splitInvoicingDocument,
} from './supplier-invoice-document-split';
export {
  buildCsvPurchaseOrder,
  buildJsonPurchaseOrder,
  JSON_PURCHASE_ORDER_TYPE,
} from './supplier-order.builders';
export {
  JSON_PURCHASE_ORDER_ACK_TYPE,
  readJsonPurchaseOrderAck,
  readX12FunctionalAcks,
  readX12PurchaseOrderAcks,
  type SupplierRead,
} from './supplier-responses.reader';
export { type DecodedText, decodeUtf8, firstInvalidUtf8Offset } from './text-decoding';
export {
  readX12ShipmentStatus,
  type ShipmentStatusMessage,
  X12_TIME_CODES,
  type X12ShipmentStatusRead,
} from './x12-214';
export { buildX12Invoice } from './x12-810.builder';
export { buildX12PurchaseOrder } from './x12-850.builder';
export { ackLineStatusCode, bakAcknowledgmentType, buildX12PurchaseOrderAck } from './x12-855.builder';
export {
  buildX12ShipNotice,
  readX12ShipNotices,
  SHIP_NOTICE_LIMITS,
  type ShipNotice,
  type ShipNoticeInput,
  type ShipNoticeItem,
  type ShipNoticeItemId,
  type ShipNoticeOrder,
  type ShipNoticePack,
  ssccOf,
  type X12ShipNoticesRead,
} from './x12-856';
export {
  buildX12PurchaseOrderCancellation,
  buildX12PurchaseOrderChange,
  type PoChangeCode,
  type PoLineChange,
} from './x12-860.builder';
export {
  buildX12FunctionalAck,
  type FunctionalAck,
  FunctionalAckCode,
  type FunctionalAckGroup,
  type FunctionalAckInput,
  functionalAckInput,
  type FunctionalAckSet,
  type FunctionalAckSource,
} from './x12-997.builder';
export {
  DEFAULT_X12_DELIMITERS,
  replyEnvelope,
  type X12Controls,
  type X12OutboundDelimiters,
  type X12OutboundEnvelope,
} from './x12-envelope';
export {
  checkX12Envelope,
  duplicateInterchangeProblem,
  hasEnvelopeFindings,
  NO_FINDINGS,
  type X12EnvelopeFindings,
  type X12EnvelopeRules,
} from './x12-envelope-rules';
export {
  readX12Interchange,
  type X12Delimiters,
  type X12GroupRead,
  type X12InterchangeHeader,
  type X12InterchangeRead,
  type X12ReadOutcome,
  type X12SegmentRef,
  type X12SetRead,
} from './x12-interchange.reader';
export { parseX12SalesOrders, readX12SalesOrders, type X12ReadResult } from './x12-sales-order.parser';
export {
  buildX12InterchangeAck,
  type InterchangeAck,
  InterchangeAckCode,
  interchangeNoteCode,
} from './x12-ta1.builder';
export {
  readX12Sets,
  reenvelopeSet,
  x12EnvelopeRef,
  x12Location,
  type X12SetEntry,
  type X12SetKind,
  X12SetReader,
  type X12SetsRead,
} from './x12-transaction-sets';
