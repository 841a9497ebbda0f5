import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { type PartnerCredentials, SIGNATURE_HEADERS, signedHeaders } from '@tradewind/partner-auth';

/**
 * Documents the demo partners send, built from the reviewed examples in config/partners/examples with
 * fresh PO numbers (the WMS's stock documents with the counts given), and a signed HTTP client for the
 * ingress gateway. Used by the demo traffic generator, the end-to-end test and the gateway benchmark, so
 * all of them speak exactly like partners.
 */
export type OrderVariant = 'ok' | 'unknown-sku' | 'unknown-customer' | 'price-out-of-tolerance';

/** What PartnerClient posts to `/v1/documents/<documentType>`. */
export interface GatewayDocument {
  partnerId: string;
  documentType: string;
  contentType: string;
  body: string;
}

export interface PartnerDocument extends GatewayDocument {
  documentType: 'sales-order';
  /** PO numbers of the orders inside, in document order. */
  poNumbers: string[];
  variants: OrderVariant[];
}

/** A WMS's stock document (northwind-wms): a JSON stock-event webhook or a CSV stock snapshot. */
export interface StockDocument extends GatewayDocument {
  documentType: 'stock-event' | 'stock-snapshot';
  /** The event ids, or the snapshot id. */
  references: string[];
}

const EXAMPLES = join(__dirname, '../../../../config/partners/examples');
const example = (file: string): string => readFileSync(join(EXAMPLES, file), 'utf8');

interface JsonOrderTemplate {
  poNumber: string;
  orderDate: string;
  buyerCode: string;
  lines: { sku?: string; gtin?: string; unitPrice: number }[];
}

function applyVariantToJson(order: JsonOrderTemplate, variant: OrderVariant): void {
  switch (variant) {
    case 'ok':
      return;
    case 'unknown-sku':
      order.lines[0].sku = 'AC-DOES-NOT-EXIST';
      delete order.lines[0].gtin;
      return;
    case 'unknown-customer':
      order.buyerCode = 'ACME-UNKNOWN';
      return;
    case 'price-out-of-tolerance':
      order.lines[0].unitPrice = Math.round(order.lines[0].unitPrice * 300) / 100;
      return;
  }
}

/** acme-portal: one JSON order per request. */
export function acmeJsonOrder(poNumber: string, variant: OrderVariant = 'ok'): PartnerDocument {
  const order = JSON.parse(example('acme-portal.sales-order.json')) as JsonOrderTemplate;
  order.poNumber = poNumber;
  order.orderDate = new Date().toISOString().slice(0, 10);
  applyVariantToJson(order, variant);
  return {
    partnerId: 'acme-portal',
    documentType: 'sales-order',
    contentType: 'application/json',
    body: JSON.stringify(order),
    poNumbers: [poNumber],
    variants: [variant],
  };
}

/** Where a partner's CSV rows carry the cells a variant changes, and the values that break them. */
interface CsvColumns {
  customer: number;
  sku: number;
  price: number;
  unknownCustomer: string;
  unknownSku: string;
}

/** Orders in a partner's CSV layout, built from the rows of its reviewed example (one row per line). */
function csvOrders(
  partnerId: string,
  exampleFile: string,
  columns: CsvColumns,
  orders: { poNumber: string; variant?: OrderVariant }[],
): PartnerDocument {
  const [header, ...rows] = example(exampleFile).trim().split('\n');
  const templateOrders = [...new Set(rows.map((row) => row.split(',')[0]))];
  const out = [header];
  orders.forEach(({ poNumber, variant = 'ok' }, index) => {
    const template = templateOrders[index % templateOrders.length];
    rows
      .filter((row) => row.startsWith(`${template},`))
      .forEach((row, lineIndex) => {
        const cells = splitCsvRow(row);
        cells[0] = poNumber;
        cells[1] = new Date().toISOString().slice(0, 10);
        if (variant === 'unknown-customer') cells[columns.customer] = columns.unknownCustomer;
        if (lineIndex === 0 && variant === 'unknown-sku') cells[columns.sku] = columns.unknownSku;
        if (lineIndex === 0 && variant === 'price-out-of-tolerance')
          cells[columns.price] = (Number(cells[columns.price]) * 3).toFixed(2);
        out.push(cells.map(csvCell).join(','));
      });
  });
  return {
    partnerId,
    documentType: 'sales-order',
    contentType: 'text/csv',
    body: `${out.join('\n')}\n`,
    poNumbers: orders.map((o) => o.poNumber),
    variants: orders.map((o) => o.variant ?? 'ok'),
  };
}

/** market-hub: a CSV file with one or more orders (one row per line). */
export function marketHubCsv(orders: { poNumber: string; variant?: OrderVariant }[]): PartnerDocument {
  return csvOrders(
    'market-hub',
    'market-hub.sales-orders.csv',
    { customer: 2, sku: 5, price: 8, unknownCustomer: 'MH-NOWHERE', unknownSku: 'MH-000000' },
    orders,
  );
}

/**
 * bazaarly: a CSV in the marketplace's own header (po_number,order_date,customer_code,sku,qty,price,
 * ship_to), one row per line; onboarded by configuration only (config/partners/xref/bazaarly.yaml).
 */
export function bazaarlyCsv(orders: { poNumber: string; variant?: OrderVariant }[]): PartnerDocument {
  return csvOrders(
    'bazaarly',
    'bazaarly.sales-orders.csv',
    { customer: 2, sku: 3, price: 5, unknownCustomer: 'BZ-NOWHERE', unknownSku: 'BZ-000000' },
    orders,
  );
}

/** globex-edi: an X12 interchange with one 850 transaction set per order. */
export function globexX12(
  orders: { poNumber: string; variant?: OrderVariant }[],
  controlNumber: number,
): PartnerDocument {
  const segments = example('globex-edi.850.x12')
    .split('~')
    .map((s) => s.trim())
    .filter(Boolean);
  const isa = segments[0].split('*');
  const gs = segments[1].split('*');
  const firstSet = segments.slice(2, segments.findIndex((s) => s.startsWith('SE*')) + 1);
  const isa13 = String(controlNumber).padStart(9, '0');
  isa[13] = isa13;
  gs[6] = String(controlNumber);
  const out = [isa.join('*'), gs.join('*')];
  orders.forEach(({ poNumber, variant = 'ok' }, index) => {
    const st02 = String(index + 1).padStart(4, '0');
    const set = firstSet.map((segment) => {
      const el = segment.split('*');
      if (el[0] === 'ST') el[2] = st02;
      if (el[0] === 'SE') el[2] = st02;
      if (el[0] === 'BEG') el[3] = poNumber;
      if (el[0] === 'N1' && el[1] === 'BY' && variant === 'unknown-customer') el[4] = 'GLOBEX-NOWHERE';
      if (el[0] === 'PO1' && el[1] === '1' && variant === 'unknown-sku') {
        el[7] = 'SKU-0000';
        el.length = 8;
      }
      if (el[0] === 'PO1' && el[1] === '1' && variant === 'price-out-of-tolerance')
        el[4] = (Number(el[4]) * 3).toFixed(2);
      return el.join('*');
    });
    const seIndex = set.findIndex((s) => s.startsWith('SE*'));
    set[seIndex] = `SE*${seIndex + 1}*${st02}`;
    out.push(...set);
  });
  out.push(`GE*${orders.length}*${controlNumber}`, `IEA*1*${isa13}`);
  return {
    partnerId: 'globex-edi',
    documentType: 'sales-order',
    contentType: 'application/edi-x12',
    body: `${out.join('~\n')}~\n`,
    poNumbers: orders.map((o) => o.poNumber),
    variants: orders.map((o) => o.variant ?? 'ok'),
  };
}

/** On hand of one SKU in one warehouse, as the WMS counts it. */
export interface StockCount {
  sku: string;
  warehouse: string;
  onHand: number;
}

/** northwind-wms: a stock snapshot file (every SKU and warehouse counted at `asOf`), in its example's columns. */
export function northwindStockSnapshot(
  snapshotId: string,
  asOf: Date,
  counts: readonly StockCount[],
): StockDocument {
  const [header] = example('northwind-wms.stock-snapshot.csv').trim().split('\n');
  const cell: Record<string, (count: StockCount) => string> = {
    snapshot_id: () => snapshotId,
    as_of: () => asOf.toISOString(),
    warehouse: (c) => c.warehouse,
    sku: (c) => c.sku,
    on_hand: (c) => String(c.onHand),
  };
  const columns = splitCsvRow(header);
  const rows = counts.map((count) => columns.map((column) => csvCell(cell[column]?.(count) ?? '')).join(','));
  return {
    partnerId: 'northwind-wms',
    documentType: 'stock-snapshot',
    contentType: 'text/csv',
    body: `${[header, ...rows].join('\n')}\n`,
    references: [snapshotId],
  };
}

export interface WmsStockEvent extends StockCount {
  eventId: string;
  eventTime: Date;
  /** The WMS's counter per SKU and warehouse (orders events with the same event time). */
  sequence?: number;
  /** receipt, pick, count, adjustment… */
  reason?: string;
}

/** northwind-wms: a stock-event webhook (absolute on hand after each event), shaped as its example. */
export function northwindStockEvents(events: readonly WmsStockEvent[]): StockDocument {
  const template = JSON.parse(example('northwind-wms.stock-event.json')) as { events: unknown[] };
  template.events = events.map((event) => ({
    eventId: event.eventId,
    sku: event.sku,
    warehouse: event.warehouse,
    onHand: event.onHand,
    eventTime: event.eventTime.toISOString(),
    ...(event.sequence === undefined ? {} : { sequence: event.sequence }),
    ...(event.reason === undefined ? {} : { reason: event.reason }),
  }));
  return {
    partnerId: 'northwind-wms',
    documentType: 'stock-event',
    contentType: 'application/json',
    body: JSON.stringify(template),
    references: events.map((e) => e.eventId),
  };
}

function splitCsvRow(row: string): string[] {
  const cells: string[] = [];
  let current = '';
  let quoted = false;
  for (const char of row) {
    if (char === '"') quoted = !quoted;
    else if (char === ',' && !quoted) {
      cells.push(current);
      current = '';
    } else current += char;
  }
  cells.push(current);
  return cells;
}

const csvCell = (value: string): string =>
  /[",\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;

export interface SubmitResult {
  status: number;
  body: unknown;
  headers: Headers;
  latencyMs: number;
}

/** Signs and posts partner documents to the ingress gateway, as a partner's system would. */
export class PartnerClient {
  constructor(
    private readonly gatewayUrl: string,
    /** Per partner id: the key id, API key and signing secret it signs with. */
    private readonly credentials: Readonly<Record<string, PartnerCredentials>>,
  ) {}

  async submit(document: GatewayDocument, options: { idempotencyKey?: string } = {}): Promise<SubmitResult> {
    const path = `/v1/documents/${document.documentType}`;
    return this.request(document.partnerId, 'POST', path, document.body, {
      'content-type': document.contentType,
      ...(options.idempotencyKey ? { 'idempotency-key': options.idempotencyKey } : {}),
    });
  }

  async get(partnerId: string, path: string): Promise<SubmitResult> {
    return this.request(partnerId, 'GET', path, '', {});
  }

  async request(
    partnerId: string,
    method: string,
    path: string,
    body: string | Buffer,
    headers: Record<string, string>,
  ): Promise<SubmitResult> {
    const credentials = this.credentials[partnerId] as PartnerCredentials | undefined;
    if (credentials === undefined) throw new Error(`no credentials for partner ${partnerId}`);
    const started = performance.now();
    const response = await fetch(`${this.gatewayUrl}${path}`, {
      method,
      headers: { ...signedHeaders(credentials, { method, path, body }), ...headers },
      body: method === 'GET' ? undefined : body,
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return {
      status: response.status,
      body: parsed,
      headers: response.headers,
      latencyMs: performance.now() - started,
    };
  }
}

export { SIGNATURE_HEADERS };
