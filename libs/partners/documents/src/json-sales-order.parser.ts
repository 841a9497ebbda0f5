import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

import { DocumentFormat } from './document-format';
import {
  type DocumentProblem,
  DocumentProblemCode,
  jsonPointer,
  problem,
  type ProblemLocation,
} from './document-problem';
import { isValidGtin } from './field-values';
import { projectJsonOrder } from './json-layout';
import {
  JSON_SALES_ORDER_BATCH_SCHEMA,
  JSON_SALES_ORDER_SCHEMA,
  type JsonSalesOrder,
} from './json-sales-order.schema';
import { readJsonDocument } from './json-structure';
import {
  CustomerCodeRole,
  ItemIdQualifier,
  type ParsedSalesOrders,
  parsedSalesOrders,
  type PartnerItemId,
  type PartnerSalesOrder,
  type SalesOrderEntry,
} from './partner-sales-order';
import { type JsonLayout, STANDARD_JSON_LAYOUT } from './sales-order-layout';

/** The parse result plus, per entry, the order's own bytes (normalized JSON of that one order). */
export interface JsonReadResult {
  readonly parsed: ParsedSalesOrders;
  readonly slices: readonly Uint8Array[];
}

let validators: { order: ValidateFunction; batch: ValidateFunction } | undefined;

function compiled(): { order: ValidateFunction; batch: ValidateFunction } {
  if (validators === undefined) {
    const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false });
    addFormats(ajv, ['date']);
    ajv.addFormat('gtin', isValidGtin);
    ajv.addSchema(JSON_SALES_ORDER_SCHEMA);
    validators = {
      order: ajv.getSchema(JSON_SALES_ORDER_SCHEMA.$id) as ValidateFunction,
      batch: ajv.compile(JSON_SALES_ORDER_BATCH_SCHEMA),
    };
  }
  return validators;
}

/** Parses a B2B portal upload: one order object, or `{ "orders": [...] }`. */
export function parseJsonSalesOrders(
  bytes: Uint8Array,
  layout: JsonLayout = STANDARD_JSON_LAYOUT,
): ParsedSalesOrders {
  return readJsonSalesOrders(bytes, layout).parsed;
}

/** Each order's fields are read at the paths of the partner's layout, then checked by the portal schema. */
export function readJsonSalesOrders(
  bytes: Uint8Array,
  layout: JsonLayout = STANDARD_JSON_LAYOUT,
): JsonReadResult {
  // Depth is checked before parsing: JSON.parse and the validator recurse, and a deep enough document
  // overflows the stack.
  const read = readJsonDocument(bytes);
  if (!read.ok) return { parsed: parsedSalesOrders(DocumentFormat.Json, read.problems, []), slices: [] };
  const { value: data, duplicateKeys: structure } = read;

  const isBatch = data !== null && typeof data === 'object' && !Array.isArray(data) && 'orders' in data;
  const batchOrders = isBatch ? data.orders : undefined;
  const rawOrders: unknown[] = !isBatch ? [data] : Array.isArray(batchOrders) ? batchOrders : [];
  const base = (i: number): string => (isBatch ? jsonPointer('orders', i) : '');
  // The schema sees every order in the canonical shape; its pointers are mapped back to the partner's.
  const projected = rawOrders.map((raw) => projectJsonOrder(raw, layout));
  const canonical: unknown =
    !isBatch || !Array.isArray(batchOrders)
      ? (projected[0]?.canonical ?? data)
      : { ...(data as object), orders: projected.map((p) => p.canonical) };
  const toPartner = (pointer: string): string => {
    const match = isBatch ? /^\/orders\/(\d+)(\/.*)?$/.exec(pointer) : /^()(.*)$/.exec(pointer);
    const order = match === null ? undefined : projected[Number(match[1] || 0)];
    if (match === null || order === undefined) return pointer;
    return (isBatch ? jsonPointer('orders', Number(match[1])) : '') + order.toPartner(match[2] ?? '');
  };

  const validate = isBatch ? compiled().batch : compiled().order;
  const problems = [
    ...structure,
    ...(validate(canonical)
      ? []
      : (validate.errors ?? []).flatMap((e) => schemaProblem(e, canonical, toPartner))),
  ];

  // Each problem belongs to the order its pointer falls in, or to the document.
  const documentProblems: DocumentProblem[] = [];
  const byOrder = rawOrders.map((): DocumentProblem[] => []);
  for (const p of problems) {
    const owner = ownerOf(p, isBatch);
    if (owner === undefined || owner >= rawOrders.length) documentProblems.push(p);
    else byOrder[owner].push(p);
  }
  const entries: SalesOrderEntry[] = [];
  const slices: Uint8Array[] = [];
  rawOrders.forEach((raw, index) => {
    const own = byOrder[index];
    const { canonical: order0, toPartner: at } = projected[index];
    const poNumber = readPoNumber(order0);
    const order =
      own.length === 0
        ? toPartnerSalesOrder(order0 as JsonSalesOrder, (pointer) => base(index) + at(pointer))
        : undefined;
    entries.push({ index, businessRef: poNumber, order, problems: own });
    slices.push(Buffer.from(JSON.stringify(raw), 'utf8'));
  });
  if (rawOrders.length === 0 && documentProblems.length === 0) {
    documentProblems.push(
      problem(DocumentProblemCode.NoOrders, 'The document holds no orders.', { kind: 'document' }),
    );
  }
  return { parsed: parsedSalesOrders(DocumentFormat.Json, documentProblems, entries), slices };
}

function readPoNumber(raw: unknown): string | undefined {
  if (raw === null || typeof raw !== 'object') return undefined;
  const value = (raw as { poNumber?: unknown }).poNumber;
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/** Index of the order a problem belongs to, or undefined for a document-level problem. */
function ownerOf(p: DocumentProblem, isBatch: boolean): number | undefined {
  if (p.at.kind !== 'json') return undefined;
  if (!isBatch) return 0;
  const match = /^\/orders\/(\d+)(\/|$)/.exec(p.at.pointer);
  return match === null ? undefined : Number(match[1]);
}

function schemaProblem(
  error: ErrorObject,
  data: unknown,
  toPartner: (pointer: string) => string,
): DocumentProblem[] {
  // The anyOf alternatives only say "must have required property"; the anyOf error says it better.
  if (error.schemaPath.includes('/anyOf/')) return [];
  let pointer = error.instancePath;
  let message = error.message ?? 'is invalid';
  switch (error.keyword) {
    case 'required':
      pointer += jsonPointer((error.params as { missingProperty: string }).missingProperty);
      message = 'is required';
      break;
    case 'additionalProperties':
      pointer += jsonPointer((error.params as { additionalProperty: string }).additionalProperty);
      message = 'is not a known field';
      break;
    case 'anyOf':
      message = 'must identify the item with "sku" or "gtin"';
      break;
    case 'format': {
      const format = (error.params as { format: string }).format;
      message =
        format === 'gtin'
          ? 'must be a GTIN-8/12/13/14 with a valid check digit'
          : `must be a valid ${format}`;
      break;
    }
    default:
      break;
  }
  const code =
    error.keyword === 'format' && pointer.endsWith('/orderDate')
      ? DocumentProblemCode.InvalidDate
      : DocumentProblemCode.SchemaViolation;
  const sent = toPartner(pointer);
  return [
    problem(
      code,
      `${sent === '' ? 'The document' : sent} ${message}.`,
      { kind: 'json', pointer: sent },
      lineNumberAt(data, pointer),
    ),
  ];
}

/** The partner's line number of the line a pointer falls in, when that line has a usable lineNumber. */
function lineNumberAt(data: unknown, pointer: string): string | undefined {
  const match = /^(.*\/lines\/\d+)(\/|$)/.exec(pointer);
  if (match === null) return undefined;
  const line = resolvePointer(data, match[1]);
  const value =
    line !== null && typeof line === 'object' ? (line as { lineNumber?: unknown }).lineNumber : undefined;
  return typeof value === 'number' || (typeof value === 'string' && value !== '') ? String(value) : undefined;
}

function resolvePointer(data: unknown, pointer: string): unknown {
  let current = data;
  for (const raw of pointer.split('/').slice(1)) {
    const token = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[token];
  }
  return current;
}

/** `pointerOf` maps a pointer into the canonical order onto the partner's document. */
function toPartnerSalesOrder(raw: JsonSalesOrder, pointerOf: (pointer: string) => string): PartnerSalesOrder {
  const at = (...tokens: (string | number)[]): ProblemLocation => ({
    kind: 'json',
    pointer: pointerOf(jsonPointer(...tokens)),
  });
  return {
    format: DocumentFormat.Json,
    poNumber: raw.poNumber,
    orderDate: raw.orderDate,
    customerCode: raw.buyerCode,
    customerCodeRole: CustomerCodeRole.Buyer,
    ...(raw.shipToCode === undefined ? {} : { shipToCode: raw.shipToCode }),
    currency: raw.currency,
    locations: {
      order: { kind: 'json', pointer: pointerOf('') },
      poNumber: at('poNumber'),
      orderDate: at('orderDate'),
      customer: at('buyerCode'),
      ...(raw.shipToCode === undefined ? {} : { shipTo: at('shipToCode') }),
      currency: at('currency'),
    },
    lines: raw.lines.map((line, i) => {
      const itemIds: PartnerItemId[] = [];
      if (line.sku !== undefined) {
        itemIds.push({
          qualifier: ItemIdQualifier.PartnerSku,
          value: line.sku,
          sourceQualifier: 'sku',
          at: at('lines', i, 'sku'),
        });
      }
      if (line.gtin !== undefined) {
        itemIds.push({
          qualifier: ItemIdQualifier.Gtin,
          value: line.gtin,
          sourceQualifier: 'gtin',
          at: at('lines', i, 'gtin'),
        });
      }
      return {
        lineNumber: String(line.lineNumber),
        itemIds,
        quantity: line.quantity,
        uom: line.uom,
        unitPrice: line.unitPrice,
        ...(line.description === undefined ? {} : { description: line.description }),
        locations: {
          line: at('lines', i),
          lineNumber: at('lines', i, 'lineNumber'),
          ...(line.description === undefined ? {} : { description: at('lines', i, 'description') }),
          quantity: at('lines', i, 'quantity'),
          uom: at('lines', i, 'uom'),
          unitPrice: at('lines', i, 'unitPrice'),
        },
      };
    }),
  };
}
