// PartnerSalesOrder (the partner's terms) → CanonicalSalesOrder (ours): customer cross-reference, SKU
// normalization and unit conversion. Pure; every problem of an order is collected in one pass so the
// partner's acknowledgement lists them all. Prices need Odoo and are checked by the caller with
// checkPrices once it has a priceOf lookup.
import {
  type CustomerCodeRole,
  type DocumentProblem,
  ItemIdQualifier,
  type PartnerItemId,
  type PartnerSalesOrder,
  type PartnerSalesOrderLine,
  problem,
  type ProblemLocation,
} from '@tradewind/partner-documents';

import { CANONICAL_UOM, PartnerStatus } from './catalog.types';
import type { PartnerCatalog, ResolvedItem } from './partner-catalog';

export enum OrderProblemCode {
  UnknownPartner = 'UNKNOWN_PARTNER',
  PartnerSuspended = 'PARTNER_SUSPENDED',
  UnknownMappingSet = 'UNKNOWN_MAPPING_SET',
  UnknownCustomer = 'UNKNOWN_CUSTOMER',
  UnknownShipTo = 'UNKNOWN_SHIP_TO',
  ShipToOfOtherCustomer = 'SHIP_TO_OF_OTHER_CUSTOMER',
  UnknownSku = 'UNKNOWN_SKU',
  UnknownUom = 'UNKNOWN_UOM',
  InvalidQuantity = 'INVALID_QUANTITY',
  DuplicateLine = 'DUPLICATE_LINE',
  PriceOutOfTolerance = 'PRICE_OUT_OF_TOLERANCE',
}

export type OrderProblem = DocumentProblem<OrderProblemCode>;

export interface CanonicalSalesOrderLine {
  /** Line number as an int for orders.state: the partner's when it is a whole number, else the position. */
  readonly lineNo: number;
  readonly partnerLineNumber: string;
  /** The partner id that resolved. */
  readonly partnerItem: PartnerItemId;
  readonly sku: string;
  /** In canonical Units. */
  readonly quantity: number;
  readonly uom: typeof CANONICAL_UOM;
  readonly partnerQuantity: number;
  readonly partnerUom: string;
  /** Canonical Units per partner unit. */
  readonly uomFactor: number;
  /** Per canonical Unit, when the partner sent a price. */
  readonly unitPrice: number | undefined;
  readonly partnerUnitPrice: number | undefined;
  readonly description?: string;
  /** Where the line's fields were in the partner's document. */
  readonly source: PartnerSalesOrderLine['locations'];
}

export interface CanonicalSalesOrder {
  /** `<partnerId>/<poNumber>`: the orders.state key. */
  readonly orderId: string;
  readonly partnerId: string;
  readonly poNumber: string;
  readonly orderDate: string;
  readonly currency: string;
  readonly customer: {
    readonly customerId: string;
    readonly odooExternalId: string;
    readonly partnerCode: string;
    readonly role: CustomerCodeRole;
  };
  readonly shipToCode?: string;
  /** The customer's delivery address the ship-to code maps to, when the mapping set maps ship-tos. */
  readonly shipTo?: { readonly partnerCode: string; readonly odooExternalId: string };
  readonly lines: readonly CanonicalSalesOrderLine[];
}

export type OrderMappingResult =
  | { readonly ok: true; readonly order: CanonicalSalesOrder; readonly problems: readonly [] }
  | { readonly ok: false; readonly problems: readonly OrderProblem[] };

const fail = (problems: OrderProblem[]): OrderMappingResult => ({ ok: false, problems });

export function mapSalesOrder(
  order: PartnerSalesOrder,
  partnerId: string,
  catalog: PartnerCatalog,
): OrderMappingResult {
  const partner = catalog.partner(partnerId);
  const orderAt = order.locations.order;
  if (partner === undefined) {
    return fail([
      problem(OrderProblemCode.UnknownPartner, `Partner ${partnerId} is not in the catalog.`, orderAt),
    ]);
  }
  if (partner.status !== PartnerStatus.Active) {
    return fail([
      problem(OrderProblemCode.PartnerSuspended, `Partner ${partnerId} is ${partner.status}.`, orderAt),
    ]);
  }
  const mappingSet = partner.mappingSet;
  if (mappingSet === undefined || !catalog.hasMappingSet(mappingSet)) {
    return fail([
      problem(
        OrderProblemCode.UnknownMappingSet,
        `Partner ${partnerId} has no cross-references (mapping set ${mappingSet ?? 'none'}).`,
        orderAt,
      ),
    ]);
  }

  const problems: OrderProblem[] = [];
  const customer = catalog.resolveCustomer(mappingSet, order.customerCode);
  if (customer === undefined) {
    problems.push(
      problem(
        OrderProblemCode.UnknownCustomer,
        `Customer code ${order.customerCode} (${order.customerCodeRole}) has no cross-reference for ${partnerId}.`,
        order.locations.customer ?? { kind: 'order', field: 'customer' },
      ),
    );
  }

  const shipTo = mapShipTo(order, partnerId, mappingSet, catalog, customer?.customerId, problems);

  const seen = new Map<string, string>();
  const lines: CanonicalSalesOrderLine[] = [];
  order.lines.forEach((line, index) => {
    const mapped = mapLine(line, index, mappingSet, catalog, problems, seen);
    if (mapped !== undefined) lines.push(mapped);
  });

  if (problems.length > 0 || customer === undefined) return fail(problems);
  return {
    ok: true,
    problems: [],
    order: {
      orderId: `${partnerId}/${order.poNumber}`,
      partnerId,
      poNumber: order.poNumber,
      orderDate: order.orderDate,
      currency: order.currency ?? partner.defaultCurrency,
      customer: { ...customer, partnerCode: order.customerCode, role: order.customerCodeRole },
      ...(order.shipToCode === undefined ? {} : { shipToCode: order.shipToCode }),
      ...(shipTo === undefined ? {} : { shipTo }),
      lines,
    },
  };
}

/** The delivery address of a ship-to code, when the set maps them; every code it does not know is a problem. */
function mapShipTo(
  order: PartnerSalesOrder,
  partnerId: string,
  mappingSet: string,
  catalog: PartnerCatalog,
  customerId: string | undefined,
  problems: OrderProblem[],
): CanonicalSalesOrder['shipTo'] {
  const code = order.shipToCode;
  if (code === undefined || !catalog.mapsShipTos(mappingSet)) return undefined;
  const at = order.locations.shipTo ?? { kind: 'order', field: 'shipTo' };
  const address = catalog.resolveShipTo(mappingSet, code);
  if (address === undefined) {
    problems.push(
      problem(
        OrderProblemCode.UnknownShipTo,
        `Ship-to code ${code} is not a delivery address known for ${partnerId}.`,
        at,
      ),
    );
    return undefined;
  }
  if (customerId !== undefined && address.customerId !== customerId) {
    problems.push(
      problem(
        OrderProblemCode.ShipToOfOtherCustomer,
        `Ship-to code ${code} is a delivery address of ${address.customerId}, not of the order's customer ${customerId}.`,
        at,
      ),
    );
    return undefined;
  }
  return { partnerCode: code, odooExternalId: address.odooExternalId };
}

function mapLine(
  line: PartnerSalesOrderLine,
  index: number,
  mappingSet: string,
  catalog: PartnerCatalog,
  problems: OrderProblem[],
  seen: Map<string, string>,
): CanonicalSalesOrderLine | undefined {
  const n = line.lineNumber;
  const at = (field: keyof PartnerSalesOrderLine['locations'] | 'item'): ProblemLocation =>
    (field === 'item' ? line.itemIds[0]?.at : line.locations[field]) ??
    line.locations.line ?? { kind: 'order', lineNumber: n, field };
  const before = problems.length;

  // "01" and "1" are the same line to a person reading the order.
  const key = /^\d+$/.test(n) ? String(Number(n)) : n;
  if (seen.has(key)) {
    problems.push(
      problem(
        OrderProblemCode.DuplicateLine,
        `Line number ${n} appears more than once (first at ${seen.get(key)}).`,
        line.locations.line,
        n,
      ),
    );
  } else {
    seen.set(key, formatAt(line.locations.line));
  }

  // The partner's ids in its order of preference; the first with a cross-reference wins.
  let resolved: { id: PartnerItemId; item: ResolvedItem } | undefined;
  for (const id of line.itemIds) {
    if (id.qualifier === ItemIdQualifier.Other) continue;
    const item = catalog.resolveItem(mappingSet, id.value, id.qualifier);
    if (item !== undefined) {
      resolved = { id, item };
      break;
    }
  }
  if (resolved === undefined) {
    const tried = line.itemIds.map((i) => `${i.sourceQualifier} ${i.value}`).join(', ') || 'no item id';
    problems.push(
      problem(
        OrderProblemCode.UnknownSku,
        `No cross-reference for item ${tried} on line ${n}.`,
        at('item'),
        n,
      ),
    );
  }

  if (!Number.isFinite(line.quantity) || line.quantity <= 0) {
    problems.push(
      problem(
        OrderProblemCode.InvalidQuantity,
        `Quantity ${line.quantity} on line ${n} must be greater than 0.`,
        at('quantity'),
        n,
      ),
    );
  }
  const converted = catalog.convertQuantity(mappingSet, line.quantity, line.uom, resolved?.item);
  if (converted === undefined) {
    problems.push(
      problem(
        OrderProblemCode.UnknownUom,
        `Unit of measure ${line.uom} on line ${n} has no conversion.`,
        at('uom'),
        n,
      ),
    );
  } else if (line.quantity > 0 && !Number.isInteger(converted.quantity)) {
    problems.push(
      problem(
        OrderProblemCode.InvalidQuantity,
        `${line.quantity} ${line.uom} on line ${n} is ${converted.quantity} ${CANONICAL_UOM}; only whole units can be ordered.`,
        at('quantity'),
        n,
      ),
    );
  }

  if (problems.length > before || resolved === undefined || converted === undefined) return undefined;
  return {
    lineNo: /^\d{1,9}$/.test(n) && Number(n) > 0 ? Number(n) : index + 1,
    partnerLineNumber: n,
    partnerItem: resolved.id,
    sku: resolved.item.sku,
    quantity: converted.quantity,
    uom: CANONICAL_UOM,
    partnerQuantity: line.quantity,
    partnerUom: line.uom,
    uomFactor: converted.factor,
    unitPrice: line.unitPrice === undefined ? undefined : line.unitPrice / converted.factor,
    partnerUnitPrice: line.unitPrice,
    ...(line.description === undefined ? {} : { description: line.description }),
    source: line.locations,
  };
}

function formatAt(at: ProblemLocation): string {
  return problem('X', '', at).location;
}

/**
 * Compares each line's price per canonical unit with ours. `priceOf` returns our unit price for a SKU
 * (from Odoo's pricelist for this customer), or undefined when there is none to compare with; such lines
 * are not checked here.
 */
export function checkPrices(
  order: CanonicalSalesOrder,
  priceOf: (sku: string) => number | undefined,
  tolerancePct: number,
): OrderProblem[] {
  const problems: OrderProblem[] = [];
  for (const line of order.lines) {
    if (line.unitPrice === undefined) continue;
    const expected = priceOf(line.sku);
    if (expected === undefined) continue;
    const actual = line.unitPrice;
    const deviationPct =
      expected === 0
        ? actual === 0
          ? 0
          : Number.POSITIVE_INFINITY
        : (Math.abs(actual - expected) / expected) * 100;
    // A hair of tolerance for binary fractions (1.44 / 12 is not exactly 0.12).
    if (deviationPct > tolerancePct + 1e-9) {
      const per =
        line.uomFactor === 1
          ? ''
          : ` (${money(line.partnerUnitPrice ?? actual)} per ${line.partnerUom} of ${line.uomFactor})`;
      problems.push(
        problem(
          OrderProblemCode.PriceOutOfTolerance,
          `Line ${line.partnerLineNumber} ${line.sku}: unit price ${money(actual)}${per} differs from the expected ${money(expected)} ` +
            `by ${Number.isFinite(deviationPct) ? deviationPct.toFixed(2) : 'an unbounded'}%; tolerance is ${tolerancePct}%.`,
          line.source.unitPrice ?? line.source.line,
          line.partnerLineNumber,
        ),
      );
    }
  }
  return problems;
}

function money(value: number): string {
  return String(Number(value.toFixed(6)));
}
