// Shared by the service's tests: the repository's partner catalog, partner orders in each format, the
// ingress.documents record the gateway would publish for one, and the seed's prices as a PriceBook would
// answer them.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';

import type { IngressDocument } from '@tradewind/contracts';
import { loadPartnerCatalog, type PartnerCatalog } from '@tradewind/partner-catalog';
import { DocumentFormat, parseSalesOrders, type PartnerSalesOrder } from '@tradewind/partner-documents';

import type { PriceBook, PriceQuote, ProductPrice } from '../pricing/price-book';

export const REPO_ROOT = join(__dirname, '../../../..');
export const CATALOG_DIR = join(REPO_ROOT, 'config/partners');

let catalog: PartnerCatalog | undefined;
export function repoCatalog(): PartnerCatalog {
  catalog ??= loadPartnerCatalog(CATALOG_DIR);
  return catalog;
}

/** config/masterdata/seed.yaml: B2B price list where it has a fixed price, else the list price. */
export const SEED_PRICES: Readonly<Record<string, number>> = {
  'SKU-1001': 0.4,
  'SKU-1002': 0.12,
  'SKU-1003': 0.05,
  'SKU-2001': 82,
  'SKU-2002': 24.5,
  'SKU-3001': 3.2,
  'SKU-3002': 4.75,
  'SKU-4001': 310,
};

export function seedPrice(sku: string): ProductPrice | undefined {
  const unitPrice = SEED_PRICES[sku];
  if (unitPrice === undefined) return undefined;
  return {
    sku,
    productId: Number(sku.slice(4)),
    externalId: `tradewind.product_${sku.toLowerCase().replace('-', '_')}`,
    listPrice: unitPrice,
    pricelistPrice: undefined,
    unitPrice,
  };
}

export function seedPrices(skus: readonly string[]): Map<string, ProductPrice | undefined> {
  return new Map(skus.map((sku) => [sku, seedPrice(sku)]));
}

/** A PriceBook over SEED_PRICES that counts its calls. */
export class FixedPriceBook implements PriceBook {
  calls = 0;
  quote(_customer: string | undefined, skus: readonly string[]): Promise<PriceQuote> {
    this.calls++;
    return Promise.resolve({
      pricelist: { id: 1, ref: 'tradewind.pricelist_b2b', customerSpecific: false },
      prices: seedPrices(skus),
    });
  }
}

export interface JsonLine {
  lineNumber: number;
  sku?: string;
  gtin?: string;
  quantity: number;
  uom: string;
  unitPrice: number;
  description?: string;
}

/** acme-portal's example order (config/partners/examples) with a PO number of choice. */
export function acmeOrderJson(
  poNumber: string,
  change: { buyerCode?: string; lines?: JsonLine[] } = {},
): string {
  return JSON.stringify({
    poNumber,
    orderDate: '2026-11-20',
    buyerCode: change.buyerCode ?? 'ACME-001',
    currency: 'USD',
    lines: change.lines ?? [
      {
        lineNumber: 1,
        sku: 'AC-BOLT-M8',
        quantity: 1000,
        uom: 'EA',
        unitPrice: 0.4,
        description: 'Stainless Bolt M8',
      },
      { lineNumber: 2, gtin: '00012345600111', quantity: 2, uom: 'EA', unitPrice: 82 },
      {
        lineNumber: 3,
        sku: 'AC-WASHER-M8',
        quantity: 5,
        uom: 'CA',
        unitPrice: 0.6,
        description: 'Washer M8, case of 12',
      },
    ],
  });
}

export function marketHubCsv(
  poNumber: string,
  change: { buyerCode?: string; itemOfLine1?: string; priceOfLine1?: string } = {},
): string {
  return [
    'order_number,order_date,buyer_code,currency,line_number,item_sku_or_gtin,quantity,uom,unit_price,description',
    `${poNumber},2026-11-20,${change.buyerCode ?? 'MH-NORTH'},USD,1,${change.itemOfLine1 ?? 'MH-100301'},20,EA,${change.priceOfLine1 ?? '3.20'},Safety Gloves L`,
    // 4.80 a case of 12 is the B2B price list's 0.40 a bolt (the repository's example file has the list price).
    `${poNumber},2026-11-20,${change.buyerCode ?? 'MH-NORTH'},USD,2,MH-100101,2,CA,4.80,"Stainless Bolt M8, case of 12"`,
    '',
  ].join('\n');
}

/** One bazaarly order in the partner's own header (config/partners/xref/bazaarly.yaml), as the gateway splits it. */
export function bazaarlyCsv(poNumber: string, change: { shipTo?: string } = {}): string {
  return [
    'po_number,order_date,customer_code,sku,qty,price,ship_to',
    `${poNumber},2026-11-20,BZ-BOLTCO,BZ-BOLT-M8,200,0.40,${change.shipTo ?? 'RIVERSIDE'}`,
    `${poNumber},2026-11-20,BZ-BOLTCO,BZ-DRILL-18V,1,82.00,${change.shipTo ?? 'RIVERSIDE'}`,
    '',
  ].join('\n');
}

export interface X12Options {
  isa13?: string;
  buyer?: string;
  priceOfLine1?: string;
  itemOfLine1?: string;
}

/** One Globex 850 in its own interchange (as the gateway's split publishes it). */
export function globex850(poNumber: string, options: X12Options = {}): string {
  const isa13 = options.isa13 ?? '000000101';
  const gs06 = String(Number(isa13));
  const body = [
    `BEG*00*SA*${poNumber}**20261120`,
    'CUR*BY*USD',
    `N1*BY*Globex Retail Corp*92*${options.buyer ?? 'GLOBEX-HQ'}`,
    `PO1*1*500*EA*${options.priceOfLine1 ?? '0.40'}**VP*${options.itemOfLine1 ?? 'SKU-1001'}*UP*012345600012`,
    'PID*F****Stainless Bolt M8',
    'PO1*2*10*CA*1.44**BP*GX-88002*UP*012345600029',
    'CTT*2*510',
  ];
  const segments = [
    `ISA*00*          *00*          *ZZ*GLOBEXEDI      *ZZ*TRADEWIND      *261120*0930*U*00401*${isa13}*0*P*>`,
    `GS*PO*GLOBEXEDI*TRADEWIND*20261120*0930*${gs06}*X*004010`,
    'ST*850*0001',
    ...body,
    `SE*${body.length + 2}*0001`,
    `GE*1*${gs06}`,
    `IEA*1*${isa13}`,
  ];
  return segments.map((s) => `${s}~\n`).join('');
}

export function parseOne(format: DocumentFormat, text: string): PartnerSalesOrder {
  const parsed = parseSalesOrders(format, Buffer.from(text, 'utf8'));
  if (parsed.orders.length !== 1) {
    throw new Error(`fixture is not one sound order: ${JSON.stringify(parsed.problems)}`);
  }
  return parsed.orders[0];
}

const CONTENT_TYPES = {
  json: 'application/json',
  csv: 'text/csv; charset=utf-8',
  x12: 'application/edi-x12',
} as const;

/** One partner document as the gateway publishes it on ingress.documents (a batch of one). */
export function ingressDocumentOf(document: {
  partnerId: string;
  poNumber: string;
  format: 'json' | 'csv' | 'x12';
  text: string;
  documentType?: string;
  interchangeRef?: string;
  documentId?: string;
}): IngressDocument {
  const payload = Buffer.from(document.text, 'utf8');
  return {
    documentId: document.documentId ?? randomUUID(),
    batchId: null,
    batchIndex: 0,
    batchSize: 1,
    partnerId: document.partnerId,
    principal: `${document.partnerId}-itest`,
    documentType: document.documentType ?? 'sales-order',
    format: document.format,
    contentType: CONTENT_TYPES[document.format],
    businessRef: document.poNumber,
    interchangeRef: document.interchangeRef ?? null,
    idempotencyKey: randomUUID(),
    apiVersion: 'v1',
    receivedAt: Date.now(),
    sha256: 'not-checked-here',
    sizeBytes: payload.length,
    payload,
    claimCheckUri: null,
    correction: null,
  };
}

export { DocumentFormat };
