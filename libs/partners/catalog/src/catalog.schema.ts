// JSON Schemas of config/partners/catalog.yaml and config/partners/xref/<set>.yaml.
import { DataDomain } from './catalog.types';
import { INVENTORY_TERMS_SCHEMA } from './inventory-terms';
import { INVOICE_MATCHING_SCHEMA } from './invoice-matching';
import { PURCHASING_SETTINGS_SCHEMA } from './purchasing-settings';
import { MILESTONE_MAPPING_SCHEMA, SHIPMENT_NOTICES_SCHEMA } from './shipment-config';

const id = '^[a-z][a-z0-9-]{1,62}$';
const isoDate = { type: 'string', format: 'date' } as const;
/** A secret by reference: an environment variable or a mounted file, never a value. */
const secretRef = '^(env:[A-Z][A-Z0-9_]{2,127}|file:/[^\\s]+)$';
const x12Identity = {
  type: 'object',
  additionalProperties: false,
  required: ['qualifier', 'id'],
  properties: {
    qualifier: { type: 'string', pattern: '^[A-Z0-9]{2}$' },
    id: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9 ._-]{0,14}$' },
    applicationId: { type: 'string', minLength: 2, maxLength: 15 },
    version: { type: 'string', pattern: '^\\d{6}$' },
    usage: { enum: ['P', 'T'] },
    versions: {
      type: 'array',
      minItems: 1,
      uniqueItems: true,
      items: { type: 'string', pattern: '^\\d{6}$' },
    },
    duplicateInterchange: {
      type: 'object',
      additionalProperties: false,
      properties: {
        windowDays: { type: 'integer', minimum: 1, maximum: 3650 },
        answer: { enum: ['x12-ta1', 'x12-997'] },
      },
    },
  },
} as const;
const uom = {
  type: 'object',
  additionalProperties: false,
  required: ['code', 'factor'],
  properties: {
    code: { type: 'string', pattern: '^[A-Za-z0-9]{1,10}$' },
    factor: { type: 'number', exclusiveMinimum: 0 },
    doc: { type: 'string' },
  },
} as const;

const units = { type: 'integer', minimum: 0, maximum: 1_000_000_000 } as const;
const allocation = {
  type: 'object',
  additionalProperties: false,
  required: ['percentOfAvailable'],
  properties: {
    percentOfAvailable: { type: 'integer', minimum: 0, maximum: 100 },
    safetyBuffer: units,
    zeroBelow: units,
    min: units,
    max: units,
    warehouses: {
      type: 'array',
      minItems: 1,
      uniqueItems: true,
      items: { type: 'string', pattern: '^[A-Z0-9][A-Z0-9_-]{0,15}$' },
    },
  },
} as const;

export const CATALOG_SCHEMA = {
  $id: 'https://schemas.tradewind.example/config/partner-catalog.json',
  type: 'object',
  additionalProperties: false,
  required: ['version', 'company', 'systemsOfRecord', 'partners'],
  properties: {
    version: { const: 1 },
    company: {
      type: 'object',
      additionalProperties: false,
      properties: { x12: x12Identity },
    },
    systemsOfRecord: {
      type: 'object',
      additionalProperties: false,
      required: Object.values(DataDomain),
      properties: Object.fromEntries(
        Object.values(DataDomain).map((domain) => [
          domain,
          {
            oneOf: [
              { type: 'string', pattern: id },
              { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', pattern: id } },
            ],
          },
        ]),
      ),
    },
    partners: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: [
          'id',
          'name',
          'kind',
          'status',
          'contacts',
          'sla',
          'channels',
          'documents',
          'scopes',
          'rateLimit',
          'maxBodyBytes',
          'priceTolerancePct',
          'defaultCurrency',
          'credentials',
          'api',
        ],
        properties: {
          id: { type: 'string', pattern: id },
          name: { type: 'string', minLength: 1 },
          kind: {
            enum: [
              'portal',
              'marketplace',
              'edi',
              'internal',
              'wms',
              'carrier',
              '3pl',
              'supplier',
              'bank',
              'payment-gateway',
            ],
          },
          status: { enum: ['active', 'suspended'] },
          contacts: {
            type: 'array',
            minItems: 1,
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['role', 'name', 'email'],
              properties: {
                role: { enum: ['business', 'technical', 'escalation'] },
                name: { type: 'string', minLength: 1 },
                email: { type: 'string', format: 'email' },
                phone: { type: 'string', pattern: '^\\+?[0-9 ()-]{5,20}$' },
              },
            },
          },
          sla: {
            type: 'object',
            additionalProperties: false,
            required: ['acknowledgeWithinMinutes'],
            properties: {
              acknowledgeWithinMinutes: { type: 'integer', minimum: 1 },
              functionalAckWithinMinutes: { type: 'integer', minimum: 1 },
              supportHours: { type: 'string' },
            },
          },
          channels: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['type', 'direction'],
              properties: {
                type: { enum: ['https', 'sftp', 'as2', 'webhook'] },
                direction: { enum: ['inbound', 'outbound'] },
                url: { type: 'string', format: 'uri', pattern: '^https://' },
                path: { type: 'string', pattern: '^/' },
              },
            },
          },
          documents: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['type', 'direction', 'formats'],
              properties: {
                type: { type: 'string', pattern: '^[a-z][a-z0-9-]*$' },
                direction: { enum: ['inbound', 'outbound'] },
                formats: {
                  type: 'array',
                  minItems: 1,
                  uniqueItems: true,
                  items: { enum: ['json', 'csv', 'x12', 'xml'] },
                },
              },
            },
          },
          scopes: {
            type: 'array',
            uniqueItems: true,
            items: { type: 'string', pattern: '^[a-z]+:[a-z]+:[a-z0-9-]+$' },
          },
          rateLimit: {
            type: 'object',
            additionalProperties: false,
            required: ['requestsPerSecond', 'burst'],
            properties: {
              requestsPerSecond: { type: 'number', exclusiveMinimum: 0 },
              burst: { type: 'integer', minimum: 1 },
            },
          },
          maxBodyBytes: { type: 'integer', minimum: 1024, maximum: 104857600 },
          priceTolerancePct: { type: 'number', minimum: 0, maximum: 100 },
          mappingSet: { type: 'string', pattern: id },
          defaultCurrency: { type: 'string', pattern: '^[A-Z]{3}$' },
          acknowledgements: {
            type: 'object',
            additionalProperties: false,
            properties: {
              functional: { enum: ['x12-997'] },
              order: { enum: ['x12-855', 'json'] },
            },
          },
          documentPolicy: { enum: ['per-order', 'whole-document'] },
          x12: x12Identity,
          allocation,
          inventory: INVENTORY_TERMS_SCHEMA,
          milestones: MILESTONE_MAPPING_SCHEMA,
          shipmentNotices: SHIPMENT_NOTICES_SCHEMA,
          purchasing: PURCHASING_SETTINGS_SCHEMA,
          invoiceMatching: INVOICE_MATCHING_SCHEMA,
          invoicing: {
            type: 'object',
            additionalProperties: false,
            required: ['format', 'batchWindowMinutes'],
            properties: {
              format: { enum: ['x12-810', 'json', 'csv'] },
              batchWindowMinutes: { type: 'integer', minimum: 1, maximum: 10080 },
            },
          },
          credentials: {
            type: 'array',
            minItems: 1,
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['keyId', 'apiKeyHashRef', 'signingSecretRef', 'status', 'notAfter'],
              properties: {
                keyId: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{2,63}$' },
                apiKeyHashRef: { type: 'string', pattern: secretRef },
                signingSecretRef: { type: 'string', pattern: secretRef },
                status: { enum: ['active', 'retired'] },
                notAfter: isoDate,
              },
            },
          },
          api: {
            type: 'object',
            additionalProperties: false,
            required: ['version'],
            properties: {
              version: { type: 'string', pattern: '^v\\d+$' },
              deprecation: {
                type: 'object',
                additionalProperties: false,
                required: ['announcedAt', 'sunsetAt'],
                properties: {
                  announcedAt: isoDate,
                  sunsetAt: isoDate,
                  successor: { type: 'string', pattern: '^v\\d+$' },
                  notice: { type: 'string' },
                },
              },
            },
          },
        },
      },
    },
  },
} as const;

const csvColumn = {
  column: { type: 'string', minLength: 1, maxLength: 64, pattern: '^\\S(.*\\S)?$' },
  required: { type: 'boolean' },
  default: { type: 'string', minLength: 1, maxLength: 64 },
} as const;
const csvField = { type: 'object', additionalProperties: false, properties: csvColumn } as const;
const n1Qualifiers = {
  type: 'array',
  uniqueItems: true,
  items: { type: 'string', pattern: '^[A-Z0-9]{2,3}$' },
} as const;
const jsonPath = { type: 'string', pattern: '^(/[^/~]+)+$', maxLength: 200 } as const;
const jsonPaths = (fields: readonly string[]) =>
  ({
    type: 'object',
    additionalProperties: false,
    properties: Object.fromEntries(fields.map((f) => [f, jsonPath])),
  }) as const;
const layout = {
  type: 'object',
  additionalProperties: false,
  properties: {
    json: {
      type: 'object',
      additionalProperties: false,
      properties: {
        order: jsonPaths(['poNumber', 'orderDate', 'buyerCode', 'shipToCode', 'currency', 'lines']),
        line: jsonPaths(['lineNumber', 'sku', 'gtin', 'quantity', 'uom', 'unitPrice', 'description']),
      },
    },
    csv: {
      type: 'object',
      additionalProperties: false,
      required: ['columns'],
      properties: {
        columns: {
          type: 'object',
          additionalProperties: false,
          properties: {
            poNumber: csvField,
            orderDate: csvField,
            customerCode: csvField,
            shipToCode: csvField,
            currency: csvField,
            lineNumber: csvField,
            item: {
              type: 'object',
              additionalProperties: false,
              properties: {
                ...csvColumn,
                idType: { enum: ['sku-or-gtin', 'partner-sku', 'vendor-sku', 'gtin'] },
              },
            },
            itemQualifier: csvField,
            quantity: csvField,
            uom: csvField,
            unitPrice: csvField,
            description: csvField,
          },
        },
      },
    },
    x12: {
      type: 'object',
      additionalProperties: false,
      properties: {
        customer: n1Qualifiers,
        shipTo: { ...n1Qualifiers, minItems: 1 },
        senderCustomerCode: { type: 'string', minLength: 1, maxLength: 80 },
        itemQualifiers: {
          type: 'object',
          propertyNames: { type: 'string', pattern: '^[A-Z0-9]{2}$' },
          additionalProperties: { enum: ['partner-sku', 'vendor-sku', 'gtin', 'other'] },
        },
      },
    },
  },
} as const;

// A partner's code for a customer (or a ship-to) and the canonical customer and Odoo record it maps to.
const customerMappings = {
  type: 'array',
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['partnerCode', 'customerId', 'odooExternalId'],
    properties: {
      partnerCode: { type: 'string', minLength: 1, maxLength: 80 },
      customerId: { type: 'string', pattern: '^[A-Z][A-Z0-9-]+$' },
      odooExternalId: { type: 'string', pattern: '^[a-z_][a-z0-9_]*\\.[a-z0-9_]+$' },
    },
  },
} as const;

export const XREF_SCHEMA = {
  $id: 'https://schemas.tradewind.example/config/partner-xref.json',
  type: 'object',
  additionalProperties: false,
  required: ['mappingSet', 'customers', 'items', 'uoms'],
  properties: {
    mappingSet: { type: 'string', pattern: id },
    layout,
    shipTos: customerMappings,
    customers: customerMappings,
    items: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['partnerItemId', 'qualifier', 'sku'],
        properties: {
          partnerItemId: { type: 'string', minLength: 1, maxLength: 80 },
          qualifier: { enum: ['partner-sku', 'vendor-sku', 'gtin'] },
          sku: { type: 'string', minLength: 1, maxLength: 64 },
          uomFactor: { type: 'number', exclusiveMinimum: 0 },
          uoms: { type: 'array', items: uom },
        },
      },
    },
    uoms: { type: 'array', minItems: 1, items: uom },
  },
} as const;
