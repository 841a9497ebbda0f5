// JSON Schema (draft 2020-12 subset understood by ajv 8) of the B2B portal's sales order, API v1.
// Strict on purpose (additionalProperties: false): a misspelt field is reported, not silently dropped.
// Lengths and ranges come from the canonical field rules (canonical-fields.ts), which every format meets.
import { COUNT_LIMITS, NUMBER_LIMITS, TEXT_FIELDS } from './canonical-fields';

const line = {
  type: 'object',
  additionalProperties: false,
  required: ['lineNumber', 'quantity', 'uom', 'unitPrice'],
  anyOf: [{ required: ['sku'] }, { required: ['gtin'] }],
  properties: {
    lineNumber: { type: 'integer', minimum: 1, maximum: 999999 },
    sku: { type: 'string', minLength: 1, maxLength: TEXT_FIELDS.itemId.maxLength, pattern: '^\\S(.*\\S)?$' },
    gtin: { type: 'string', format: 'gtin' },
    quantity: { type: 'number', ...NUMBER_LIMITS.quantity },
    uom: { type: 'string', pattern: '^[A-Za-z0-9]{1,10}$' },
    unitPrice: { type: 'number', ...NUMBER_LIMITS.unitPrice },
    description: { type: 'string', maxLength: TEXT_FIELDS.description.maxLength },
  },
} as const;

export const JSON_SALES_ORDER_SCHEMA = {
  $id: 'https://schemas.tradewind.example/partner/sales-order.v1.json',
  title: 'Sales order (B2B portal, v1)',
  type: 'object',
  additionalProperties: false,
  required: ['poNumber', 'orderDate', 'buyerCode', 'currency', 'lines'],
  properties: {
    poNumber: {
      type: 'string',
      minLength: 1,
      maxLength: TEXT_FIELDS.poNumber.maxLength,
      pattern: '^\\S(.*\\S)?$',
    },
    orderDate: { type: 'string', format: 'date' },
    buyerCode: { type: 'string', minLength: 1, maxLength: TEXT_FIELDS.customerCode.maxLength },
    shipToCode: { type: 'string', minLength: 1, maxLength: TEXT_FIELDS.shipToCode.maxLength },
    currency: { type: 'string', pattern: '^[A-Z]{3}$' },
    lines: { type: 'array', minItems: 1, maxItems: COUNT_LIMITS.linesPerOrder, items: line },
  },
} as const;

export const JSON_SALES_ORDER_BATCH_SCHEMA = {
  $id: 'https://schemas.tradewind.example/partner/sales-order-batch.v1.json',
  title: 'Sales orders batch (B2B portal, v1)',
  type: 'object',
  additionalProperties: false,
  required: ['orders'],
  properties: {
    orders: {
      type: 'array',
      minItems: 1,
      maxItems: COUNT_LIMITS.ordersPerDocument,
      items: { $ref: 'sales-order.v1.json' },
    },
  },
} as const;

/** A JSON order as the portal sends it (valid against JSON_SALES_ORDER_SCHEMA). */
export interface JsonSalesOrderLine {
  readonly lineNumber: number;
  readonly sku?: string;
  readonly gtin?: string;
  readonly quantity: number;
  readonly uom: string;
  readonly unitPrice: number;
  readonly description?: string;
}

export interface JsonSalesOrder {
  readonly poNumber: string;
  readonly orderDate: string;
  readonly buyerCode: string;
  readonly shipToCode?: string;
  readonly currency: string;
  readonly lines: readonly JsonSalesOrderLine[];
}
