// From the partner's order to a verdict, with every reason at once: the catalog mapping (customer,
// SKU/GTIN, units) from @tradewind/partner-catalog, the products Odoo sells, and the partner's prices
// against ours within the partner's tolerance. Pure: prices come in, nothing is read here.
import type { SalesOrderLineState } from '@tradewind/contracts';
import {
  CANONICAL_UOM,
  type CanonicalSalesOrder,
  type CanonicalSalesOrderLine,
  checkPrices,
  mapSalesOrder,
  type OrderMappingResult,
  type PartnerCatalog,
  type PartnerConfig,
} from '@tradewind/partner-catalog';
import {
  type AnyDocumentProblem,
  ItemIdQualifier,
  type PartnerSalesOrder,
  type PartnerSalesOrderLine,
  problem,
} from '@tradewind/partner-documents';

import type { ProductPrice } from '../pricing/price-book';

/** Reasons order-intake adds to the catalog's OrderProblemCode ones. */
export enum IntakeReasonCode {
  /** The SKU maps, but Odoo has no such product to sell. */
  UnknownProduct = 'UNKNOWN_PRODUCT',
  /** Odoo refused the order (a business error from the odoo-writer). */
  OdooRejected = 'ODOO_REJECTED',
  /** The odoo-writer gave up on a technical failure; the order waits for a re-drive. */
  OdooWriteFailed = 'ODOO_WRITE_FAILED',
}

/** One partner line as far as the catalog could take it (for prices and the state of rejected orders). */
interface ResolvedLine {
  readonly line: PartnerSalesOrderLine;
  readonly index: number;
  readonly partnerSku: string;
  readonly sku: string | undefined;
  readonly factor: number | undefined;
}

/** The catalog's part of the verdict; its SKUs are what prices must be read for. */
export interface MappedOrder {
  readonly partnerId: string;
  readonly partner: PartnerConfig;
  readonly order: PartnerSalesOrder;
  readonly mapping: OrderMappingResult;
  readonly resolved: readonly ResolvedLine[];
  /** Canonical SKUs whose prices the verdict needs. */
  readonly skus: readonly string[];
  /** The customer's Odoo external id when the customer code resolved (its price list applies). */
  readonly customerExternalId: string | undefined;
}

/** A line of an accepted order, ready for the upsert command. */
export interface PricedLine {
  readonly lineNo: number;
  readonly sku: string;
  /** Canonical Units. */
  readonly quantity: number;
  /** Per canonical Unit: the partner's price (within tolerance), else ours. */
  readonly priceUnit: number;
  readonly expectedUnitPrice: number;
  readonly productId: number;
  readonly productExternalId: string | undefined;
  readonly description: string | null;
}

export type OrderVerdict =
  | {
      readonly accepted: true;
      readonly canonical: CanonicalSalesOrder;
      readonly priced: readonly PricedLine[];
      readonly lines: readonly SalesOrderLineState[];
      readonly problems: readonly [];
    }
  | {
      readonly accepted: false;
      readonly canonical: undefined;
      readonly lines: readonly SalesOrderLineState[];
      readonly problems: readonly AnyDocumentProblem[];
    };

export function mapPartnerOrder(
  order: PartnerSalesOrder,
  partner: PartnerConfig,
  catalog: PartnerCatalog,
): MappedOrder {
  const mapping = mapSalesOrder(order, partner.id, catalog);
  const resolved = order.lines.map((line, index) => resolveLine(line, index, partner, catalog));
  const skus = mapping.ok
    ? mapping.order.lines.map((l) => l.sku)
    : resolved.flatMap((r) => (r.sku === undefined ? [] : [r.sku]));
  const customer = mapping.ok
    ? mapping.order.customer
    : partner.mappingSet === undefined
      ? undefined
      : catalog.resolveCustomer(partner.mappingSet, order.customerCode);
  return {
    partnerId: partner.id,
    partner,
    order,
    mapping,
    resolved,
    skus: [...new Set(skus)],
    customerExternalId: customer?.odooExternalId,
  };
}

/**
 * The verdict on a mapped order given our prices. Every problem is collected: mapping problems, SKUs
 * Odoo does not sell, and prices out of the partner's tolerance, also on the lines of an order whose
 * other lines or customer already failed, so the partner fixes everything in one round trip.
 */
export function judgeOrder(
  mapped: MappedOrder,
  prices: ReadonlyMap<string, ProductPrice | undefined>,
): OrderVerdict {
  const { mapping, partner, order } = mapped;
  const problems: AnyDocumentProblem[] = [...mapping.problems];
  const canonicalLines = mapping.ok ? mapping.order.lines : partialCanonicalLines(mapped);

  for (const line of canonicalLines) {
    if (prices.get(line.sku) === undefined) {
      problems.push(
        problem(
          IntakeReasonCode.UnknownProduct,
          `Line ${line.partnerLineNumber}: ${line.sku} (${line.partnerItem.value}) is not a product we sell.`,
          line.partnerItem.at ?? line.source.line,
          line.partnerLineNumber,
        ),
      );
    }
  }
  // checkPrices reads the lines only; for an order the catalog could not map completely they are the
  // lines it could (see partialCanonicalLines).
  const priceProblems = checkPrices(
    { lines: canonicalLines } as unknown as CanonicalSalesOrder,
    (sku) => prices.get(sku)?.unitPrice,
    partner.priceTolerancePct,
  );
  problems.push(...priceProblems);

  if (!mapping.ok || problems.length > 0) {
    return {
      accepted: false,
      canonical: undefined,
      lines: mapping.ok ? stateLines(mapping.order.lines) : rejectedStateLines(mapped),
      problems: sortProblems(problems, order),
    };
  }
  const priced = mapping.order.lines.map((line): PricedLine => {
    const price = prices.get(line.sku)!;
    return {
      lineNo: line.lineNo,
      sku: line.sku,
      quantity: line.quantity,
      priceUnit: round6(line.unitPrice ?? price.unitPrice),
      expectedUnitPrice: price.unitPrice,
      productId: price.productId,
      productExternalId: price.externalId,
      description: line.description ?? null,
    };
  });
  return {
    accepted: true,
    canonical: mapping.order,
    priced,
    lines: stateLines(mapping.order.lines),
    problems: [],
  };
}

/** orders.state lines of a mapped order: canonical SKU, quantity in Units, price per Unit. */
function stateLines(lines: readonly CanonicalSalesOrderLine[]): SalesOrderLineState[] {
  return lines.map((line) => ({
    lineNo: line.lineNo,
    partnerSku: line.partnerItem.value,
    sku: line.sku,
    quantity: line.quantity,
    uom: line.uom,
    unitPrice: line.unitPrice === undefined ? null : round6(line.unitPrice),
  }));
}

/** orders.state lines of an order the catalog could not map: what resolved, the partner's terms otherwise. */
function rejectedStateLines(mapped: MappedOrder): SalesOrderLineState[] {
  return mapped.resolved.map((r) => {
    const converted = r.sku !== undefined && r.factor !== undefined;
    const { line } = r;
    return {
      lineNo: lineNoOf(line.lineNumber, r.index),
      partnerSku: r.partnerSku,
      sku: r.sku ?? null,
      quantity: converted ? round9(line.quantity * r.factor) : line.quantity,
      uom: converted ? CANONICAL_UOM : line.uom,
      unitPrice:
        line.unitPrice === undefined ? null : round6(converted ? line.unitPrice / r.factor : line.unitPrice),
    };
  });
}

// WORKAROUND until mapSalesOrder returns the lines it could map when it fails: the lines whose item and
// unit resolve, in CanonicalSalesOrderLine form, resolved the way mapSalesOrder resolves them (first
// partner id with a cross-reference, item unit conversion before the mapping set's).
function partialCanonicalLines(mapped: MappedOrder): CanonicalSalesOrderLine[] {
  return mapped.resolved.flatMap((r): CanonicalSalesOrderLine[] => {
    if (r.sku === undefined || r.factor === undefined) return [];
    const { line } = r;
    const partnerItem = line.itemIds.find((id) => id.value === r.partnerSku) ?? line.itemIds[0];
    return [
      {
        lineNo: lineNoOf(line.lineNumber, r.index),
        partnerLineNumber: line.lineNumber,
        partnerItem,
        sku: r.sku,
        quantity: round9(line.quantity * r.factor),
        uom: CANONICAL_UOM,
        partnerQuantity: line.quantity,
        partnerUom: line.uom,
        uomFactor: r.factor,
        unitPrice: line.unitPrice === undefined ? undefined : line.unitPrice / r.factor,
        partnerUnitPrice: line.unitPrice,
        ...(line.description === undefined ? {} : { description: line.description }),
        source: line.locations,
      },
    ];
  });
}

function resolveLine(
  line: PartnerSalesOrderLine,
  index: number,
  partner: PartnerConfig,
  catalog: PartnerCatalog,
): ResolvedLine {
  const set = partner.mappingSet;
  const fallback = line.itemIds[0]?.value ?? '';
  if (set === undefined || !catalog.hasMappingSet(set)) {
    return { line, index, partnerSku: fallback, sku: undefined, factor: undefined };
  }
  for (const id of line.itemIds) {
    if (id.qualifier === ItemIdQualifier.Other) continue;
    const item = catalog.resolveItem(set, id.value, id.qualifier);
    if (item === undefined) continue;
    const converted = catalog.convertQuantity(set, line.quantity, line.uom, item);
    return { line, index, partnerSku: id.value, sku: item.sku, factor: converted?.factor };
  }
  return { line, index, partnerSku: fallback, sku: undefined, factor: undefined };
}

/** Order-level reasons first, then by line in document order; stable otherwise. */
function sortProblems(problems: AnyDocumentProblem[], order: PartnerSalesOrder): AnyDocumentProblem[] {
  const position = new Map(order.lines.map((l, i) => [l.lineNumber, i]));
  return problems
    .map((p, i) => ({ p, i, at: p.lineNumber === undefined ? -1 : (position.get(p.lineNumber) ?? -1) }))
    .sort((a, b) => a.at - b.at || a.i - b.i)
    .map(({ p }) => p);
}

function lineNoOf(lineNumber: string, index: number): number {
  return /^\d{1,9}$/.test(lineNumber) && Number(lineNumber) > 0 ? Number(lineNumber) : index + 1;
}

const round6 = (value: number): number => Number(value.toFixed(6));
const round9 = (value: number): number => Number(value.toFixed(9));
