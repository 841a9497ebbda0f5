// The partner catalog as configured in config/partners (catalog.yaml + xref/<set>.yaml).
import type {
  CsvField,
  CsvItemIdType,
  DocumentFormat,
  DocumentPolicy,
  ItemIdQualifier,
  JsonLineField,
  JsonOrderField,
} from '@tradewind/partner-documents';

import type { InventoryTerms } from './inventory-terms';
import type { InvoiceMatchingTerms } from './invoice-matching';
import type { PurchasingSettings } from './purchasing-settings';
import type { MilestoneMapping, ShipmentNoticeSubscription } from './shipment-config';

export enum PartnerStatus {
  Active = 'active',
  Suspended = 'suspended',
}

export enum PartnerKind {
  Portal = 'portal',
  Marketplace = 'marketplace',
  Edi = 'edi',
  Internal = 'internal',
  /** A warehouse management system (ours or a 3PL's): the source of physical stock. */
  Wms = 'wms',
  /** A parcel or freight carrier: reports where the shipments it carries are. */
  Carrier = 'carrier',
  /** A third-party logistics provider: ships our orders from its warehouse and reports them. */
  Logistics = '3pl',
  /** A supplier or contract manufacturer we send purchase orders to (its `purchasing` section). */
  Supplier = 'supplier',
  /** A bank that holds our accounts: sends statements (camt.053, CSV) of the money received. */
  Bank = 'bank',
  /** A card or wallet payment gateway: sends payouts (charges, refunds, fees) it settled to our bank. */
  PaymentGateway = 'payment-gateway',
}

/**
 * The data domains whose truth has one owner (the catalog's `systemsOfRecord`). An update of a domain from
 * a party that does not own it is a business exception, never a write.
 */
export enum DataDomain {
  /** Units physically on hand per SKU and warehouse. */
  StockOnHand = 'stock-on-hand',
  /** Reservations of stock for orders and channel holds. */
  StockReservations = 'stock-reservations',
  /** What each channel may sell (allocation of available stock). */
  ChannelAvailability = 'channel-availability',
  Products = 'products',
  Customers = 'customers',
  Prices = 'prices',
  /** What left a warehouse for whom (ship notices): the 3PL that shipped it. */
  ShippedGoods = 'shipped-goods',
  /** Where a shipment is (carrier and 3PL status events): every party that carries or ships it. */
  ShipmentTracking = 'shipment-tracking',
  /** Money received and paid out on our accounts (bank statements, gateway payouts): the bank or gateway. */
  Settlements = 'settlements',
  /** What a supplier bills us for goods we bought (its invoices): the suppliers themselves. */
  SupplierInvoices = 'supplier-invoices',
  /** Odoo's own stock records (stock.quant), which reconciliation compares with the ledger: Odoo. */
  OdooStock = 'odoo-stock',
}

/** The owner naming Tradewind itself (its ledger), for domains no partner owns. */
export const PLATFORM_SYSTEM_OF_RECORD = 'tradewind';

/**
 * How much of the available stock a channel partner is offered (applied in this order): nothing when
 * available is below `zeroBelow`; `safetyBuffer` units held back; `percentOfAvailable` of the rest,
 * rounded down; at least `min` (never more than the rest); at most `max`.
 */
export interface AllocationRule {
  /** Whole percent (0-100) of available stock after the safety buffer. */
  readonly percentOfAvailable: number;
  /** Units held back from this channel before the percentage. Default 0. */
  readonly safetyBuffer?: number;
  /** Available below this publishes 0 (the last units are not worth an oversell). Default 0. */
  readonly zeroBelow?: number;
  /** Lower bound, capped by what is left after the buffer. Default 0. */
  readonly min?: number;
  /** Upper bound. Default: none. */
  readonly max?: number;
  /** Warehouse codes whose stock feeds the channel. Default: every warehouse. */
  readonly warehouses?: readonly string[];
}

export enum CredentialStatus {
  Active = 'active',
  Retired = 'retired',
}

export interface PartnerContact {
  readonly role: 'business' | 'technical' | 'escalation';
  readonly name: string;
  readonly email: string;
  readonly phone?: string;
}

export interface PartnerSla {
  /** Business acknowledgement (855 / JSON ack) within this many minutes of receipt. */
  readonly acknowledgeWithinMinutes: number;
  /** X12 997 within this many minutes. */
  readonly functionalAckWithinMinutes?: number;
  readonly supportHours?: string;
}

export interface PartnerChannel {
  readonly type: 'https' | 'sftp' | 'as2' | 'webhook';
  readonly direction: 'inbound' | 'outbound';
  readonly url?: string;
  readonly path?: string;
}

export interface DocumentPermission {
  /** Business document type, kebab-case: sales-order, order-ack, functional-ack, ... */
  readonly type: string;
  readonly direction: 'inbound' | 'outbound';
  readonly formats: readonly DocumentFormat[];
}

export interface CredentialRef {
  /** Public id of the key; the gateway's principal. Unique across partners. */
  readonly keyId: string;
  /**
   * Where the hex SHA-256 of the key's API key lives (`env:NAME` or `file:/path`). The gateway never
   * holds the API key itself: what it stores cannot authenticate.
   */
  readonly apiKeyHashRef: string;
  /**
   * Where the key's signing secret (the HMAC key, never sent) lives: `env:NAME` or `file:/path`, kept
   * apart from the hash (docs/partner-authentication.md).
   */
  readonly signingSecretRef: string;
  readonly status: CredentialStatus;
  /** Last day (UTC, inclusive) the key may be used. */
  readonly notAfter: string;
}

export interface ApiVersionInfo {
  readonly version: string;
  readonly deprecation?: {
    readonly announcedAt: string;
    readonly sunsetAt: string;
    readonly successor?: string;
    readonly notice?: string;
  };
}

export interface PartnerX12Identity {
  /** ISA05/ISA07 interchange id qualifier. */
  readonly qualifier: string;
  /** ISA06/ISA08 interchange id (unpadded). */
  readonly id: string;
  /** GS02/GS03 application code; defaults to id. */
  readonly applicationId?: string;
  /** GS08 version we write to the partner. */
  readonly version?: string;
  readonly usage?: 'P' | 'T';
  /** GS08 versions the partner may send; default [version]. */
  readonly versions?: readonly string[];
  /** A repeated ISA13 within the window is a duplicate interchange, answered by a TA1 or a 997. */
  readonly duplicateInterchange?: {
    readonly windowDays?: number;
    readonly answer?: 'x12-ta1' | 'x12-997';
  };
}

/** How a customer's posted invoices and credit notes are exported to it (the invoices service). */
export interface InvoicingRule {
  readonly format: 'x12-810' | 'json' | 'csv';
  /** The export runs once per window of this many minutes (aligned on the epoch). */
  readonly batchWindowMinutes: number;
}

export interface PartnerConfig {
  readonly id: string;
  readonly name: string;
  readonly kind: PartnerKind;
  readonly status: PartnerStatus;
  readonly contacts: readonly PartnerContact[];
  readonly sla: PartnerSla;
  readonly channels: readonly PartnerChannel[];
  readonly documents: readonly DocumentPermission[];
  /** `<resource>:<action>:<object>`, e.g. documents:submit:sales-order, transactions:read:own. */
  readonly scopes: readonly string[];
  readonly rateLimit: { readonly requestsPerSecond: number; readonly burst: number };
  readonly maxBodyBytes: number;
  /** Allowed deviation of the partner's unit price from ours, in percent. */
  readonly priceTolerancePct: number;
  readonly mappingSet?: string;
  readonly defaultCurrency: string;
  readonly acknowledgements?: { readonly functional?: 'x12-997'; readonly order?: 'x12-855' | 'json' };
  /** How much of an upload with a bad order is accepted; default per-order. */
  readonly documentPolicy?: DocumentPolicy;
  readonly x12?: PartnerX12Identity;
  /** Channel partners only (an outbound stock-feed): what share of the stock they are offered. */
  readonly allocation?: AllocationRule;
  /** Shortage policy, hold TTL and (channels) stock-feed cadence: inventory-terms.ts. */
  readonly inventory?: InventoryTerms;
  /** Carriers and 3PLs: their status codes → canonical milestones (shipment-config.ts). */
  readonly milestones?: MilestoneMapping;
  /** Customers: the shipment milestones they are told about, and how (shipment-config.ts). */
  readonly shipmentNotices?: ShipmentNoticeSubscription;
  /** Suppliers only: how purchase orders are sent to it. */
  readonly purchasing?: PurchasingSettings;
  /** Customers that receive their invoices from us: the format and the batch window of the export. */
  readonly invoicing?: InvoicingRule;
  /** Suppliers that bill us: the price tolerance of the three-way match (invoice-matching.ts). */
  readonly invoiceMatching?: InvoiceMatchingTerms;
  readonly credentials: readonly CredentialRef[];
  readonly api: ApiVersionInfo;
}

export interface CatalogFile {
  readonly version: 1;
  readonly company: { readonly x12?: PartnerX12Identity };
  /**
   * The owner of each data domain: a partner id, or `tradewind` for the platform's own ledger; a list when
   * several parties each own their part (the carriers and 3PLs that report the shipments they carry).
   */
  readonly systemsOfRecord: Readonly<Record<DataDomain, string | readonly string[]>>;
  readonly partners: readonly PartnerConfig[];
}

export interface CustomerXref {
  readonly partnerCode: string;
  /** Canonical customer id (masterdata canonicalId). */
  readonly customerId: string;
  /** Odoo `ir.model.data` name of the customer (module.name). */
  readonly odooExternalId: string;
}

export interface UomConversion {
  /** The partner's unit code as sent (X12 355 codes: EA, CA, BX, ...). */
  readonly code: string;
  /** Canonical Units per one partner unit. */
  readonly factor: number;
  readonly doc?: string;
}

export interface ItemXref {
  readonly partnerItemId: string;
  readonly qualifier: ItemIdQualifier.PartnerSku | ItemIdQualifier.VendorSku | ItemIdQualifier.Gtin;
  /** Canonical SKU (masterdata sku). */
  readonly sku: string;
  /** Canonical Units in one partner "each" of this item (a pack listing); default 1. */
  readonly uomFactor?: number;
  /** Unit conversions of this item that differ from the mapping set's (a case of drills is not 12). */
  readonly uoms?: readonly UomConversion[];
}

/** A ship-to code the partner sends → one of the customer's delivery addresses in Odoo. */
export interface ShipToXref {
  readonly partnerCode: string;
  /** The customer (canonical id) whose delivery address it is. */
  readonly customerId: string;
  /** Odoo `ir.model.data` name of the delivery address (a child res.partner of type delivery). */
  readonly odooExternalId: string;
}

/** One CSV field as configured: `required` defaults to true for a column without a default. */
export interface CsvColumnConfig {
  readonly column?: string;
  readonly required?: boolean;
  readonly default?: string;
  readonly idType?: CsvItemIdType;
}

/** How the partner lays out its orders (see @tradewind/partner-documents sales-order-layout.ts). */
export interface LayoutConfig {
  /** The whole CSV layout: canonical field → the partner's column. Without it, Tradewind's template. */
  readonly csv?: { readonly columns: Readonly<Partial<Record<CsvField, CsvColumnConfig>>> };
  readonly x12?: {
    /** N1 qualifiers naming the customer, in order of preference; default [BY, ST]. */
    readonly customer?: readonly string[];
    /** N1 qualifiers naming the ship-to, in order of preference; default [ST]. */
    readonly shipTo?: readonly string[];
    /** The customer code when no customer N1 is sent (the sender is the customer). */
    readonly senderCustomerCode?: string;
    /** PO1 id qualifiers added to (or overriding) the standard ones. */
    readonly itemQualifiers?: Readonly<Record<string, ItemIdQualifier>>;
  };
  /** JSON pointers of the portal schema's fields in the partner's order and line objects. */
  readonly json?: {
    readonly order?: Readonly<Partial<Record<JsonOrderField, string>>>;
    readonly line?: Readonly<Partial<Record<JsonLineField, string>>>;
  };
}

export interface MappingSetFile {
  readonly mappingSet: string;
  readonly layout?: LayoutConfig;
  readonly customers: readonly CustomerXref[];
  /** When given, every ship-to code an order sends must be listed here. */
  readonly shipTos?: readonly ShipToXref[];
  readonly items: readonly ItemXref[];
  readonly uoms: readonly UomConversion[];
}

/** The canonical unit of measure every quantity is converted to (masterdata uom `Units`). */
export const CANONICAL_UOM = 'Units';
