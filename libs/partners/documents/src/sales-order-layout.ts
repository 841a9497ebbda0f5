// How a partner lays out its sales orders: which CSV column (or X12 N1 qualifier) carries each canonical
// field. Layouts are data, configured per mapping set in config/partners/xref and validated when the
// catalog loads; the parsers read every document through one. The STANDARD_* layouts are Tradewind's
// own published formats, used where a mapping set configures none.
import { deepFreeze, ItemIdQualifier } from './partner-sales-order';

/** The canonical order fields a CSV row can carry; each has one fixed type (see CSV_FIELD_TYPES). */
export enum CsvField {
  PoNumber = 'poNumber',
  OrderDate = 'orderDate',
  CustomerCode = 'customerCode',
  ShipToCode = 'shipToCode',
  Currency = 'currency',
  LineNumber = 'lineNumber',
  Item = 'item',
  ItemQualifier = 'itemQualifier',
  Quantity = 'quantity',
  Uom = 'uom',
  UnitPrice = 'unitPrice',
  Description = 'description',
}

export enum CsvFieldType {
  Text = 'text',
  /** ISO date, YYYY-MM-DD. */
  Date = 'date',
  /** ISO 4217 code. */
  Currency = 'currency',
  /** A whole number from 1. */
  PositiveInteger = 'positive-integer',
  Decimal = 'decimal',
  /** A unit of measure code, letters and digits. */
  UnitCode = 'unit-code',
  /** `sku` or `gtin`. */
  ItemQualifier = 'item-qualifier',
}

export const CSV_FIELD_TYPES: Readonly<Record<CsvField, CsvFieldType>> = Object.freeze({
  [CsvField.PoNumber]: CsvFieldType.Text,
  [CsvField.OrderDate]: CsvFieldType.Date,
  [CsvField.CustomerCode]: CsvFieldType.Text,
  [CsvField.ShipToCode]: CsvFieldType.Text,
  [CsvField.Currency]: CsvFieldType.Currency,
  [CsvField.LineNumber]: CsvFieldType.PositiveInteger,
  [CsvField.Item]: CsvFieldType.Text,
  [CsvField.ItemQualifier]: CsvFieldType.ItemQualifier,
  [CsvField.Quantity]: CsvFieldType.Decimal,
  [CsvField.Uom]: CsvFieldType.UnitCode,
  [CsvField.UnitPrice]: CsvFieldType.Decimal,
  [CsvField.Description]: CsvFieldType.Text,
});

/**
 * Fields an order cannot do without: each needs a column or a default. The PO number groups rows and
 * the item and quantity differ per row, so those three need a column.
 */
export const CSV_MANDATORY_FIELDS: readonly CsvField[] = Object.freeze([
  CsvField.PoNumber,
  CsvField.OrderDate,
  CsvField.CustomerCode,
  CsvField.Item,
  CsvField.Quantity,
  CsvField.Uom,
]);
export const CSV_COLUMN_ONLY_FIELDS: readonly CsvField[] = Object.freeze([
  CsvField.PoNumber,
  CsvField.Item,
  CsvField.Quantity,
]);

/** Fields whose value must be the same on every row of one order. */
export const CSV_ORDER_FIELDS: readonly CsvField[] = Object.freeze([
  CsvField.OrderDate,
  CsvField.CustomerCode,
  CsvField.Currency,
  CsvField.ShipToCode,
]);

/** What kind of item id the item column holds. */
export enum CsvItemIdType {
  /** A GTIN when it passes the check digit (unless itemQualifier says otherwise), and always a partner SKU. */
  SkuOrGtin = 'sku-or-gtin',
  PartnerSku = 'partner-sku',
  VendorSku = 'vendor-sku',
  Gtin = 'gtin',
}

export interface CsvColumnSpec {
  /** The partner's header name (matched case-insensitively); absent when the field is never sent. */
  readonly column?: string;
  /** A required column must be in the header and non-empty on every row. */
  readonly required: boolean;
  /** Used when the column is absent or its cell empty (the field's type applies to it). */
  readonly default?: string;
  /** Item column only. */
  readonly idType?: CsvItemIdType;
}

export interface CsvLayout {
  readonly columns: Readonly<Partial<Record<CsvField, CsvColumnSpec>>>;
}

export interface X12Layout {
  /** N1 entity identifier codes (N101) naming the customer, in order of preference (BY, BT, ...). */
  readonly customerQualifiers: readonly string[];
  /** N1 entity identifier codes naming the ship-to party, in order of preference (ST, ...). */
  readonly shipToQualifiers: readonly string[];
  /**
   * The customer code when no N1 of customerQualifiers is sent: the sender itself is the customer
   * (an 850 naming only N1*ST stores). Without it such an 850 is refused.
   */
  readonly senderCustomerCode?: string;
  /** PO1 product id qualifiers (PO106, PO108, ...) and what they are, over X12_ITEM_QUALIFIERS. */
  readonly itemQualifiers: Readonly<Record<string, ItemIdQualifier>>;
}

/** Fields of a JSON order, named as in the portal schema (JSON_SALES_ORDER_SCHEMA), which types them. */
export type JsonOrderField = 'poNumber' | 'orderDate' | 'buyerCode' | 'shipToCode' | 'currency' | 'lines';
export type JsonLineField = 'lineNumber' | 'sku' | 'gtin' | 'quantity' | 'uom' | 'unitPrice' | 'description';

export interface JsonLayout {
  /** Each order field → its JSON pointer within the partner's order object. */
  readonly order: Readonly<Record<JsonOrderField, string>>;
  /** Each line field → its JSON pointer within one element of the lines array. */
  readonly line: Readonly<Record<JsonLineField, string>>;
}

export interface SalesOrderLayout {
  readonly csv: CsvLayout;
  readonly x12: X12Layout;
  readonly json: JsonLayout;
}

/** Tradewind's own CSV template (the marketplace file format published since v1). */
export const STANDARD_CSV_LAYOUT: CsvLayout = deepFreeze({
  columns: {
    [CsvField.PoNumber]: { column: 'order_number', required: true },
    [CsvField.OrderDate]: { column: 'order_date', required: true },
    [CsvField.CustomerCode]: { column: 'buyer_code', required: true },
    [CsvField.Currency]: { column: 'currency', required: true },
    [CsvField.LineNumber]: { column: 'line_number', required: true },
    [CsvField.Item]: { column: 'item_sku_or_gtin', required: true, idType: CsvItemIdType.SkuOrGtin },
    [CsvField.Quantity]: { column: 'quantity', required: true },
    [CsvField.Uom]: { column: 'uom', required: true },
    [CsvField.UnitPrice]: { column: 'unit_price', required: true },
    [CsvField.ItemQualifier]: { column: 'item_qualifier', required: false },
    [CsvField.Description]: { column: 'description', required: false },
    [CsvField.ShipToCode]: { column: 'ship_to_code', required: false },
  },
});

/** X12 product/service id qualifiers (PO106, PO108, ...) and what they mean to us. */
export const X12_ITEM_QUALIFIERS: Readonly<Record<string, ItemIdQualifier>> = Object.freeze({
  VP: ItemIdQualifier.VendorSku,
  BP: ItemIdQualifier.PartnerSku,
  IN: ItemIdQualifier.PartnerSku,
  SK: ItemIdQualifier.PartnerSku,
  UP: ItemIdQualifier.Gtin,
  EN: ItemIdQualifier.Gtin,
  UK: ItemIdQualifier.Gtin,
});

/** The buyer (N1*BY), else the ship-to (N1*ST) as the customer. */
export const STANDARD_X12_LAYOUT: X12Layout = deepFreeze({
  customerQualifiers: ['BY', 'ST'],
  shipToQualifiers: ['ST'],
  itemQualifiers: X12_ITEM_QUALIFIERS,
});

/** The portal schema's own shape: every field under its own name. */
export const STANDARD_JSON_LAYOUT: JsonLayout = deepFreeze({
  order: {
    poNumber: '/poNumber',
    orderDate: '/orderDate',
    buyerCode: '/buyerCode',
    shipToCode: '/shipToCode',
    currency: '/currency',
    lines: '/lines',
  },
  line: {
    lineNumber: '/lineNumber',
    sku: '/sku',
    gtin: '/gtin',
    quantity: '/quantity',
    uom: '/uom',
    unitPrice: '/unitPrice',
    description: '/description',
  },
});

export const STANDARD_LAYOUT: SalesOrderLayout = deepFreeze({
  csv: STANDARD_CSV_LAYOUT,
  x12: STANDARD_X12_LAYOUT,
  json: STANDARD_JSON_LAYOUT,
});
